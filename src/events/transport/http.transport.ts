import { CloudEvent, HTTP } from 'cloudevents';
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { durationMs } from '../../platform/config/duration';
import { SinkPendingError, SinkRejectedError } from '../errors';
import { EventTransport } from './event-transport';
import { HttpTransportConfig } from './http-transport.config';
import { SinkCredentials } from './sink-credentials';

/**
 * The Knative transport: each committed event is POSTed to K_SINK (the Broker) in CloudEvents binary mode.
 * It resolves only on a 2xx, so the outbox row stays pending, and is retried with the dispatcher's backoff,
 * until the Broker has taken the event. Routing to subscribers is the Broker's and its Triggers' job.
 *
 * node:http rather than fetch: the process serves HTTP with it already, and fetch would load its own HTTP
 * stack (undici) on the first event, several MB of a scale-to-zero Service's memory (ADR 11).
 */
export class HttpTransport implements EventTransport {
  private readonly timeoutMs: number;
  private readonly sink?: URL;
  // Kept-alive connections to the Broker: one event after another reuses them.
  private readonly agent: http.Agent;
  private readonly credentials: SinkCredentials;
  /** No K_SINK yet (see holdOutboxWithoutSink): the outbox is not dispatched by this process. */
  readonly sinkPending: boolean;

  constructor(config: HttpTransportConfig) {
    this.timeoutMs = durationMs(config.EVENTS_HTTP_TIMEOUT);
    this.sink = config.K_SINK ? new URL(config.K_SINK) : undefined;
    this.sinkPending = !this.sink;
    // K_CA_CERTS, when the SinkBinding sets it, is added to node's own trust, not put in its place.
    this.agent = this.sink?.protocol === 'https:' ? new https.Agent({ keepAlive: true, ...(config.K_CA_CERTS ? { ca: [...tls.rootCertificates, config.K_CA_CERTS] } : {}) }) : new http.Agent({ keepAlive: true });
    this.credentials = new SinkCredentials(config.K_SINK_TOKEN_FILE);
  }

  async publish(event: CloudEvent<unknown>): Promise<void> {
    if (!this.sink) throw new SinkPendingError(`no K_SINK yet: event ${event.id} waits in the outbox`);
    const message = HTTP.binary(event);
    const { status, answer } = await this.post(message.headers as Record<string, string>, message.body as string);
    if (status < 200 || status > 299) throw new SinkRejectedError(`K_SINK answered ${status} for event ${event.id}: ${answer.slice(0, 200)}`);
  }

  close(): Promise<void> {
    this.agent.destroy();
    return Promise.resolve();
  }

  private post(headers: Record<string, string>, body: string): Promise<{ status: number; answer: string }> {
    const sink = this.sink!;
    const request = sink.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const outgoing = request(
        sink,
        { method: 'POST', headers: { ...headers, ...this.credentials.headers(), 'content-length': String(Buffer.byteLength(body)) }, agent: this.agent, signal: AbortSignal.timeout(this.timeoutMs) },
        (response) => {
          // The answer is read either way, so the connection goes back to the keep-alive pool.
          let answer = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (answer += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, answer }));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}
