import { CloudEvent, HTTP } from 'cloudevents';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, parseAllDocuments } from 'yaml';
import type { TokenIssuer } from '../token-issuer';

/**
 * Plays a Knative Broker for tests, from the Trigger manifests alone: it imports nothing of the application.
 * Its rules are Knative's, written from Knative's documentation and sources, not from the app:
 * - filters: `spec.filters` (Subscriptions API dialects exact, prefix, suffix, all, any, not; every entry must
 *   match) replaces `spec.filter.attributes` (exact match on each attribute) when both are given
 *   (eventing docs, "Trigger filters");
 * - retries: a network error, a timeout, 5xx, 404, 408, 409 and 429 are retried; any other answer outside 2xx
 *   goes to the dead-letter sink at once (knative-extensions/eventing-kafka-broker,
 *   data-plane/dispatcher/.../http/WebClientCloudEventSender.java `isRetryableStatusCode`, after the
 *   eventing data-plane spec "Event Acknowledgement and Delivery Retry");
 * - backoff: before retry n, `backoffDelay * n` (linear) or `backoffDelay * 2^n` (exponential)
 *   (DeliverySpec docs); `delivery.timeout` bounds each attempt;
 * - `kafka.eventing.knative.dev/delivery.order: ordered`: one event at a time per Trigger and partition key.
 * - sender identity (`authentication-oidc`): with an issuer, every delivery and dead-letter delivery carries
 *   `Authorization: Bearer <JWT>` from the Trigger's own service account, for the audience the Trigger (or its
 *   dead-letter sink) names: `sub` system:serviceaccount:<namespace>:ChildName(<trigger>, "-oidc-eventing.knative.dev-Trigger")
 *   lower-cased, `exp` an hour on, cached until 5 minutes before it (eventing pkg/auth/serviceaccount.go and
 *   token_provider.go; knative.dev/pkg kmeta/names.go; the Kafka Broker's dispatcher sends both with the egress's account).
 * It answers 202 at its ingress, delivers in binary mode, and dead-letters with the `knativeerror*` extensions.
 */

type Filter = Record<string, unknown>;

/** A generated Trigger, as the Broker reads it. */
export interface TriggerSpec {
  name: string;
  /** `spec.filter.attributes` */
  attributes?: Record<string, string>;
  /** `spec.filters` */
  filters?: Filter[];
  subscriber: string;
  /** `spec.subscriber.audience`: what the Broker's token for this Trigger's deliveries names as `aud`. */
  audience?: string;
  ordered: boolean;
  delivery: { retry?: number; backoffPolicy?: 'linear' | 'exponential'; backoffDelay?: string; timeout?: string; deadLetterSink?: { ref: { name: string }; uri?: string; audience?: string } };
}

export interface DeliveryAttempt {
  trigger: string;
  eventId: string;
  /** The subscriber's answer; 0 for a network error or a timeout. */
  status: number;
}

const ORDERED = 'kafka.eventing.knative.dev/delivery.order';

/** The committed deploy/knative/base/triggers.yaml: the test routes by exactly what would be deployed. */
export function generatedTriggers(): TriggerSpec[] {
  const text = readFileSync(resolve(__dirname, '../../../deploy/knative/base/triggers.yaml'), 'utf8');
  return parseAllDocuments(text).map((doc) => {
    const { metadata, spec } = doc.toJS();
    return {
      name: metadata.name,
      attributes: spec.filter?.attributes,
      filters: spec.filters,
      subscriber: spec.subscriber.ref.name,
      audience: spec.subscriber.audience,
      ordered: metadata.annotations?.[ORDERED] === 'ordered',
      delivery: spec.delivery ?? {},
    };
  });
}

/** The namespace the committed overlays deploy into: the Triggers' service accounts live there. */
export function deployedNamespace(): string {
  return parse(readFileSync(resolve(__dirname, '../../../deploy/knative/kafka-broker/kustomization.yaml'), 'utf8')).namespace;
}

/** kmeta.ChildName (knative.dev/pkg kmeta/names.go): the parent and suffix, hashed to fit 63 characters. */
function childName(parent: string, suffix: string): string {
  const md5 = (text: string) => createHash('md5').update(text).digest('hex');
  if (parent.length <= 63 - suffix.length) return parent + suffix;
  if (31 - suffix.length > 0) return parent.slice(0, 31 - suffix.length) + md5(parent) + suffix;
  const name = parent.slice(0, 31) + md5(parent + suffix);
  return (name + suffix.slice(0, Math.max(0, 63 - name.length))).replace(/[^a-zA-Z0-9]+$/, '');
}

/** The OIDC subject Eventing gives a Trigger's deliveries (pkg/auth/serviceaccount.go). */
export function triggerIdentity(trigger: string, namespace: string): string {
  return `system:serviceaccount:${namespace}:${childName(trigger, '-oidc-eventing.knative.dev-Trigger').toLowerCase()}`;
}

/** Who signs the Broker's tokens (the cluster's issuer, here a local one) and the namespace of its Triggers. */
export interface SenderIdentity {
  issuer: TokenIssuer;
  namespace: string;
}

/** ISO-8601 `PnDTnHnMnS` in milliseconds, as Knative reads backoffDelay and timeout. */
export function isoMs(duration: string): number {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(duration);
  if (!match) throw new Error(`not an ISO-8601 duration: ${duration}`);
  const [, d = '0', h = '0', m = '0', s = '0'] = match;
  return ((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60_000 + Number(s) * 1000;
}

export function retryable(status: number): boolean {
  return status === 0 || status >= 500 || [404, 408, 409, 429].includes(status);
}

export function backoff(policy: 'linear' | 'exponential' = 'exponential', delay: string, retry: number): number {
  return policy === 'linear' ? isoMs(delay) * retry : isoMs(delay) * 2 ** retry;
}

function attribute(event: CloudEvent<unknown>, name: string): string | undefined {
  const value = (event as unknown as Record<string, unknown>)[name];
  return value === undefined ? undefined : String(value);
}

function each(map: unknown, test: (actual: string | undefined, expected: string) => boolean, event: CloudEvent<unknown>): boolean {
  return Object.entries(map as Record<string, string>).every(([name, expected]) => test(attribute(event, name), expected));
}

/** One Subscriptions API filter expression; CESQL is not spoken here, and says so rather than matching anything. */
export function matches(filter: Filter, event: CloudEvent<unknown>): boolean {
  const [[dialect, value], ...rest] = Object.entries(filter);
  if (rest.length > 0) throw new Error(`a filter expression has exactly one dialect, got ${Object.keys(filter).join(', ')}`);
  switch (dialect) {
    case 'exact':
      return each(value, (actual, expected) => actual === expected, event);
    case 'prefix':
      return each(value, (actual, expected) => actual?.startsWith(expected) ?? false, event);
    case 'suffix':
      return each(value, (actual, expected) => actual?.endsWith(expected) ?? false, event);
    case 'all':
      return (value as Filter[]).every((inner) => matches(inner, event));
    case 'any':
      return (value as Filter[]).some((inner) => matches(inner, event));
    case 'not':
      return !matches(value as Filter, event);
    default:
      throw new Error(`the Broker double does not evaluate the ${dialect} filter dialect`);
  }
}

export function passes(trigger: TriggerSpec, event: CloudEvent<unknown>): boolean {
  if (trigger.filters?.length) return trigger.filters.every((filter) => matches(filter, event));
  return each(trigger.attributes ?? {}, (actual, expected) => actual === expected, event);
}

export class BrokerDouble {
  readonly accepted: CloudEvent<unknown>[] = [];
  readonly attempts: DeliveryAttempt[] = [];
  /** 2xx deliveries per `<trigger> <event id>`: more than one is a duplicate the subscriber had to absorb. */
  readonly delivered = new Map<string, number>();
  private readonly services = new Map<string, string>();
  private readonly inflight = new Set<Promise<void>>();
  /** Per ordered Trigger and partition key, the delivery the next one waits for. */
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly server: Server = createServer((request, response) => void this.ingress(request, response));
  private stopping = false;
  /** How many of the next ingress requests to refuse with 503, as a Broker that is briefly unavailable does. */
  refusals = 0;
  url = '';

  /** Tokens per `<subject> <audience>`, reused until 5 minutes before they expire, as Eventing's token provider does. */
  private readonly tokens = new Map<string, { token: Promise<string>; until: number }>();

  constructor(
    private readonly triggers: TriggerSpec[] = generatedTriggers(),
    private readonly identity?: SenderIdentity,
  ) {}

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

  /** How many times the event was delivered (2xx) through the Trigger. */
  deliveredThrough(trigger: string, eventId: string): number {
    return this.delivered.get(`${trigger} ${eventId}`) ?? 0;
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
      const parsed = HTTP.toEvent({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') }) as CloudEvent<unknown> | CloudEvent<unknown>[];
      events = Array.isArray(parsed) ? parsed : [parsed];
    } catch (error) {
      response.writeHead(400).end((error as Error).message);
      return;
    }
    for (const event of events) {
      this.accepted.push(event);
      for (const trigger of this.triggers.filter((candidate) => passes(candidate, event))) this.track(this.inLane(trigger, event));
    }
    response.writeHead(202).end();
  }

  private inLane(trigger: TriggerSpec, event: CloudEvent<unknown>): Promise<void> {
    if (!trigger.ordered) return this.deliver(trigger, event);
    const lane = `${trigger.name} ${attribute(event, 'partitionkey') ?? ''}`;
    const next = (this.lanes.get(lane) ?? Promise.resolve()).then(() => this.deliver(trigger, event));
    this.lanes.set(lane, next);
    return next;
  }

  private track(delivery: Promise<void>): void {
    this.inflight.add(delivery);
    void delivery.finally(() => this.inflight.delete(delivery));
  }

  private async deliver(trigger: TriggerSpec, event: CloudEvent<unknown>): Promise<void> {
    const { retry = 0, backoffPolicy, backoffDelay = 'PT0.2S', timeout, deadLetterSink } = trigger.delivery;
    let last = { status: 0, body: '' };
    for (let attempt = 0; attempt <= retry && !this.stopping; attempt++) {
      if (attempt > 0) await sleep(backoff(backoffPolicy, backoffDelay, attempt));
      last = await this.post(this.services.get(trigger.subscriber), event, timeout, await this.tokenFor(trigger, trigger.audience));
      this.attempts.push({ trigger: trigger.name, eventId: event.id, status: last.status });
      if (last.status >= 200 && last.status < 300) {
        const key = `${trigger.name} ${event.id}`;
        this.delivered.set(key, (this.delivered.get(key) ?? 0) + 1);
        return;
      }
      if (!retryable(last.status)) break;
    }
    if (!deadLetterSink || this.stopping) return;
    const letter = new CloudEvent({
      ...event.toJSON(),
      knativeerrordest: this.services.get(trigger.subscriber) ?? trigger.subscriber,
      knativeerrorcode: String(last.status),
      knativeerrordata: Buffer.from(last.body).toString('base64'),
    });
    await this.post(new URL(deadLetterSink.uri ?? '/', this.services.get(deadLetterSink.ref.name)).toString(), letter, undefined, await this.tokenFor(trigger, deadLetterSink.audience));
  }

  /** The Trigger's OIDC token for `audience`; none without an issuer or an audience (Knative then sends none either). */
  private tokenFor(trigger: TriggerSpec, audience: string | undefined): Promise<string> | undefined {
    if (!this.identity || !audience) return undefined;
    const subject = triggerIdentity(trigger.name, this.identity.namespace);
    const key = `${subject} ${audience}`;
    const cached = this.tokens.get(key);
    if (cached && cached.until > Date.now()) return cached.token;
    const token = this.identity.issuer.sign(subject, audience, { expiresIn: 3600 });
    this.tokens.set(key, { token, until: Date.now() + 55 * 60_000 });
    return token;
  }

  private async post(url: string | undefined, event: CloudEvent<unknown>, timeout?: string, token?: string): Promise<{ status: number; body: string }> {
    if (!url) return { status: 0, body: 'no such Service' };
    const message = HTTP.binary(event);
    try {
      const signal = timeout ? AbortSignal.timeout(isoMs(timeout)) : undefined;
      const headers = { ...(message.headers as Record<string, string>), ...(token ? { authorization: `Bearer ${token}` } : {}) };
      const response = await fetch(url, { method: 'POST', headers, body: message.body as string, signal });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      return { status: 0, body: (error as Error).message };
    }
  }
}
