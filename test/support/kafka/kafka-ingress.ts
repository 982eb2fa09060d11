import { CloudEvent, HTTP } from 'cloudevents';
import type { Producer } from 'kafkajs';
import { once } from 'node:events';
import { createServer, IncomingMessage, Server } from 'node:http';
import { toKafkaMessage } from '../../../src/events/transport/kafka/kafka-codec';

/**
 * The split topology's `POST /`, as a Knative broker gives it: a CloudEvent (binary or structured) is produced
 * to the events topic, answered 204 once the broker acknowledged it, 400 when it is no valid CloudEvent.
 */
export async function startKafkaIngress(producer: Producer, topic: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const body: Buffer[] = [];
    request.on('data', (chunk: Buffer) => body.push(chunk));
    request.on('end', () => {
      produce(request, Buffer.concat(body).toString('utf8'), producer, topic).then(
        ({ status, message }) => response.writeHead(status, { 'content-type': 'application/json' }).end(message ? JSON.stringify({ statusCode: status, message }) : undefined),
        (error: Error) => response.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ statusCode: 502, message: error.message })),
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

async function produce(request: IncomingMessage, body: string, producer: Producer, topic: string): Promise<{ status: number; message?: string }> {
  let event: CloudEvent<unknown>;
  try {
    event = HTTP.toEvent({ headers: request.headers as Record<string, string>, body }) as CloudEvent<unknown>;
    event.validate();
  } catch (error) {
    return { status: 400, message: `not a valid CloudEvent: ${(error as Error).message}` };
  }
  await producer.send({ topic, acks: -1, messages: [toKafkaMessage(event)] });
  return { status: 204 };
}
