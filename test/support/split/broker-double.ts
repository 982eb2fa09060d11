import { CloudEvent, HTTP } from 'cloudevents';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAllDocuments } from 'yaml';
import { backoffMs, DeliveryPolicy } from '../../../src/events/delivery/delivery-policy';
import { cloudEventsOf } from '../../../src/events/receiver/cloud-events-request';

/** A generated Trigger, as the Broker reads it: which events, to which Service, with which delivery. */
export interface GeneratedTrigger {
  name: string;
  type: string;
  subscriber: string;
  delivery: Pick<DeliveryPolicy, 'retry' | 'backoffPolicy' | 'backoffDelay'> & { deadLetterSink?: { ref: { name: string }; uri?: string } };
}

export interface DeliveryAttempt {
  trigger: string;
  eventId: string;
  status: number;
}

/** The committed deploy/knative/triggers.yaml: the test routes by exactly what would be deployed. */
export function generatedTriggers(): GeneratedTrigger[] {
  const text = readFileSync(resolve(__dirname, '../../../deploy/knative/triggers.yaml'), 'utf8');
  return parseAllDocuments(text).map((doc) => {
    const { metadata, spec } = doc.toJS();
    return { name: metadata.name, type: spec.filter.attributes.type, subscriber: spec.subscriber.ref.name, delivery: spec.delivery };
  });
}

/** Knative retries these answers (and network errors); any other non-2xx goes straight to the dead-letter sink. */
const RETRYABLE = (status: number) => status >= 500 || [404, 408, 409, 425, 429].includes(status);

/**
 * Plays a Knative Broker for tests: accepts CloudEvents at its ingress (202, what the Broker answers), then
 * delivers each one, binary mode, to the Service of every Trigger whose type filter matches, with the Trigger's
 * retry and backoff, and finally to its dead-letter sink with the `knativeerror*` extensions. Kept in memory.
 */
export class BrokerDouble {
  readonly accepted: CloudEvent<unknown>[] = [];
  readonly attempts: DeliveryAttempt[] = [];
  private readonly services = new Map<string, string>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly server: Server = createServer((request, response) => void this.ingress(request, response));
  private stopping = false;
  /** How many of the next ingress requests to refuse with 503, as a Broker that is briefly unavailable does. */
  refusals = 0;
  url = '';

  constructor(private readonly triggers: GeneratedTrigger[] = generatedTriggers()) {}

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this.url;
  }

  /** Where the Service a Trigger or dead-letter sink names is reachable. */
  serve(service: string, url: string): void {
    this.services.set(service, url);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const closed = once(this.server, 'close');
    this.server.close();
    this.server.closeAllConnections();
    await Promise.allSettled(this.inflight);
    await closed;
  }

  private async ingress(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (this.refusals > 0) {
      this.refusals--;
      response.writeHead(503).end('broker unavailable');
      return;
    }
    let events: CloudEvent<unknown>[];
    try {
      events = cloudEventsOf({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
    } catch (error) {
      response.writeHead(400).end((error as Error).message);
      return;
    }
    for (const event of events) {
      this.accepted.push(event);
      for (const trigger of this.triggers.filter((candidate) => candidate.type === event.type)) this.track(this.deliver(trigger, event));
    }
    response.writeHead(202).end();
  }

  private track(delivery: Promise<void>): void {
    this.inflight.add(delivery);
    void delivery.finally(() => this.inflight.delete(delivery));
  }

  private async deliver(trigger: GeneratedTrigger, event: CloudEvent<unknown>): Promise<void> {
    const policy = trigger.delivery as DeliveryPolicy;
    let last = { status: 0, body: '' };
    for (let retry = 0; retry <= trigger.delivery.retry && !this.stopping; retry++) {
      if (retry > 0) await sleep(backoffMs(policy, retry));
      last = await this.post(this.services.get(trigger.subscriber), event);
      this.attempts.push({ trigger: trigger.name, eventId: event.id, status: last.status });
      if (last.status >= 200 && last.status < 300) return;
      if (last.status !== 0 && !RETRYABLE(last.status)) break;
    }
    const sink = trigger.delivery.deadLetterSink;
    if (!sink || this.stopping) return;
    const letter = new CloudEvent({
      ...event.toJSON(),
      knativeerrordest: this.services.get(trigger.subscriber) ?? trigger.subscriber,
      knativeerrorcode: String(last.status),
      knativeerrordata: Buffer.from(last.body).toString('base64'),
    });
    await this.post(new URL(sink.uri ?? '/', this.services.get(sink.ref.name)).toString(), letter);
  }

  private async post(url: string | undefined, event: CloudEvent<unknown>): Promise<{ status: number; body: string }> {
    if (!url) return { status: 0, body: 'no such Service' };
    const message = HTTP.binary(event);
    try {
      const response = await fetch(url, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      return { status: 0, body: (error as Error).message };
    }
  }
}
