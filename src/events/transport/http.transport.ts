import { CloudEvent, HTTP } from 'cloudevents';
import { durationMs } from '../delivery/duration';
import { SinkRejectedError } from '../errors';
import { EventTransport } from './event-transport';
import { HttpTransportConfig } from './http-transport.config';

/**
 * The Knative transport: each committed event is POSTed to K_SINK (the Broker) in CloudEvents binary mode.
 * It resolves only on a 2xx, so the outbox row stays pending, and is retried with the dispatcher's backoff,
 * until the Broker has taken the event. Routing to subscribers is the Broker's and its Triggers' job.
 */
export class HttpTransport implements EventTransport {
  private readonly timeoutMs: number;

  constructor(private readonly config: HttpTransportConfig) {
    this.timeoutMs = durationMs(config.EVENTS_HTTP_TIMEOUT);
  }

  async publish(event: CloudEvent<unknown>): Promise<void> {
    const message = HTTP.binary(event);
    const response = await fetch(this.config.K_SINK, {
      method: 'POST',
      headers: message.headers as Record<string, string>,
      body: message.body as string,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    // The body is read either way, so the connection goes back to the keep-alive pool.
    const answer = await response.text();
    if (!response.ok) throw new SinkRejectedError(`K_SINK answered ${response.status} for event ${event.id}: ${answer.slice(0, 200)}`);
  }
}
