import { CloudEvent, HTTP } from 'cloudevents';
import type { Producer } from 'kafkajs';
import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { toKafkaMessage } from '../../../src/events/transport/kafka/kafka-codec';

/** Which process serves a path: the first route whose prefix matches. */
export type Routes = Array<[prefix: string, url: string]>;

/**
 * The one URL of a split topology, as an ingress and a Knative broker would give it: HTTP routes go to the
 * module process that owns them, and `POST /` (a CloudEvent, binary or structured) is produced to the events
 * topic, answering 204 once the broker acknowledged it.
 */
export async function startGateway(routes: Routes, producer: Producer, topic: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const body: Buffer[] = [];
    request.on('data', (chunk: Buffer) => body.push(chunk));
    request.on('end', () => {
      const answer = request.method === 'POST' && request.url === '/' ? produce(request, Buffer.concat(body).toString('utf8'), producer, topic) : forward(request, Buffer.concat(body), routes);
      answer.then(
        ({ status, type, text }) => response.writeHead(status, type ? { 'content-type': type } : {}).end(text),
        (error: Error) => reply(response, 502, error.message),
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

interface Answer {
  status: number;
  type?: string;
  text: string;
}

async function forward(request: IncomingMessage, body: Buffer, routes: Routes): Promise<Answer> {
  const route = routes.find(([prefix]) => request.url!.startsWith(prefix));
  if (!route) return { status: 404, type: 'application/json', text: JSON.stringify({ statusCode: 404, error: 'Not Found', message: `no process serves ${request.url}` }) };
  const headers = Object.fromEntries(['content-type', 'authorization', 'traceparent', 'tracestate'].filter((name) => request.headers[name]).map((name) => [name, String(request.headers[name])]));
  const response = await fetch(`${route[1]}${request.url}`, { method: request.method, headers, body: body.length > 0 ? body : undefined });
  return { status: response.status, type: response.headers.get('content-type') ?? undefined, text: await response.text() };
}

async function produce(request: IncomingMessage, body: string, producer: Producer, topic: string): Promise<Answer> {
  let event: CloudEvent<unknown>;
  try {
    event = HTTP.toEvent({ headers: request.headers as Record<string, string>, body }) as CloudEvent<unknown>;
    event.validate();
  } catch (error) {
    return { status: 400, type: 'application/json', text: JSON.stringify({ statusCode: 400, error: 'Bad Request', message: `not a valid CloudEvent: ${(error as Error).message}` }) };
  }
  await producer.send({ topic, acks: -1, messages: [toKafkaMessage(event)] });
  return { status: 204, text: '' };
}

function reply(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ statusCode: status, message }));
}
