import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CloudEvent, CloudEventV1 } from 'cloudevents';
import { ClsService } from 'nestjs-cls';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../platform/errors';
import { DeliveryMetrics } from '../../platform/metrics/delivery-metrics';
import { catalogName } from '../catalog';
import { DeliveryTimeoutError, MalformedEventError, SubscriptionNotHereError } from '../errors';
import { EventsConfig, eventsConfig } from '../events.config';
import { Inbox } from '../inbox/inbox';
import { TRACEPARENT_KEY } from '../trace-scope';
import { EVENT_TRANSPORT, EventTransport } from '../transport/event-transport';
import { DeadLetter, DeadLetterSink, localDeadLetterSink } from './dead-letter-sink';
import { Bulkhead } from './bulkhead';
import { DeliveryContext } from './delivery-context';
import { backoffMs } from './delivery-policy';
import { durationMs } from './duration';
import { LocalSubscription, SubscriptionRegistry } from './subscription-registry';

export type Outcome = 'handled' | 'duplicate' | 'skipped';

/**
 * Delivers an event to the subscriptions of this process, each under its own delivery policy:
 * one transaction per attempt (inbox record + the handler's effects + the events it publishes),
 * retries with backoff, and dead-lettering when the event is poison or retries run out.
 */
@Injectable()
export class EventRouter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventRouter.name);
  private deadLetters?: DeadLetterSink;
  private transport?: EventTransport;
  private readonly bulkheads = new Map<string, Bulkhead>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly registry: SubscriptionRegistry,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly inbox: Inbox,
    private readonly cls: ClsService,
    private readonly moduleRef: ModuleRef,
    private readonly metrics: DeliveryMetrics,
    @Inject(eventsConfig.KEY) private readonly config: EventsConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Looked up, not injected: a transport that receives from elsewhere depends on this router.
    this.transport = this.moduleRef.get<EventTransport>(EVENT_TRANSPORT, { strict: false });
    // The sink lives in the deadletter module; when that runs in another process, the transport carries letters there.
    this.deadLetters = localDeadLetterSink(this.moduleRef) ?? this.transport.remoteDeadLetters;
  }

  /**
   * Stops waiting out backoffs: a delivery still retrying ends unsettled, so its outbox row is not marked
   * dispatched and is delivered again after the restart (or by another replica when its lease ends).
   */
  beforeApplicationShutdown(): void {
    this.stopping.abort();
  }

  /** The local subscriptions an event is for (empty when none here wants it). */
  subscriptionsFor(event: CloudEvent<unknown>): readonly LocalSubscription[] {
    const name = catalogName(event.type, this.config.EVENT_TYPE_PREFIX);
    return name ? this.registry.forType(name) : [];
  }

  /** Resolves once every subscription has settled: handled, duplicate, or dead-lettered. Rejects only when a dead letter could not be stored. */
  async route(event: CloudEvent<unknown>): Promise<void> {
    await Promise.all(this.subscriptionsFor(event).map((subscription) => this.deliver(subscription, event)));
  }

  async deliver(subscription: LocalSubscription, event: CloudEvent<unknown>): Promise<void> {
    const { retry } = subscription.delivery;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deliverOnce(subscription, event, attempt);
        return;
      } catch (error) {
        const poison = error instanceof AppError && error.kind === 'invalid';
        if (poison || attempt > retry) return this.giveUp(subscription, event, attempt, error);
        this.metrics.retried(subscription);
        this.logger.warn(`${subscription.name} failed on ${event.type} ${event.id} (attempt ${attempt}/${retry + 1}): ${describe(error)}`);
        await sleep(backoffMs(subscription.delivery, attempt), undefined, { signal: this.stopping.signal });
      }
    }
  }

  /** One attempt, for callers that own the retrying themselves (an HTTP sender such as Knative, a replay). */
  async deliverOnce(subscription: LocalSubscription, event: CloudEvent<unknown>, attempt = 1): Promise<Outcome> {
    const started = performance.now();
    try {
      const outcome = await this.attemptOnce(subscription, event, attempt);
      this.metrics.delivered(subscription, outcome, (performance.now() - started) / 1000);
      return outcome;
    } catch (error) {
      this.metrics.failed(subscription, (performance.now() - started) / 1000);
      throw error;
    }
  }

  private async attemptOnce(subscription: LocalSubscription, event: CloudEvent<unknown>, attempt: number): Promise<Outcome> {
    const data = this.validate(subscription, event);
    if (subscription.when && !subscription.when(data, event)) return 'skipped';
    const context = new DeliveryContext([event, attempt, subscription.name]);
    const handle = () => this.cls.run(async () => {
      this.cls.set(TRACEPARENT_KEY, event.traceparent);
      return this.txHost.withTransaction(async (): Promise<Outcome> => {
        if (!(await this.inbox.record(subscription.name, event, attempt))) return 'duplicate';
        await subscription.invoke(data, context);
        return 'handled';
      });
    });
    // The timeout bounds the attempt itself, not its wait for a free slot.
    return this.bulkhead(subscription).run(() => withTimeout(handle(), durationMs(subscription.delivery.timeout), subscription.name));
  }

  private bulkhead(subscription: LocalSubscription): Bulkhead {
    let bulkhead = this.bulkheads.get(subscription.name);
    if (!bulkhead) this.bulkheads.set(subscription.name, (bulkhead = new Bulkhead(this.config.EVENTS_SUBSCRIPTION_CONCURRENCY)));
    return bulkhead;
  }

  /**
   * Redelivers a stored event to one named subscription (dead-letter replay): here once, or through the
   * transport when the subscription runs in another process, where its delivery policy applies.
   */
  async replay(subscriptionName: string, event: CloudEvent<unknown>): Promise<Outcome | 'forwarded'> {
    const subscription = this.registry.named(subscriptionName);
    if (subscription) return this.deliverOnce(subscription, event);
    if (!this.transport?.replay) throw new SubscriptionNotHereError(`subscription ${subscriptionName} does not run in this process`);
    await this.transport.replay(subscriptionName, event);
    return 'forwarded';
  }

  /** The event's data as the subscription's contract reads it; a MalformedEventError (poison) when it breaks the schema. */
  validate(subscription: LocalSubscription, event: CloudEvent<unknown>): unknown {
    const parsed = subscription.contract.schema.safeParse(event.data);
    if (parsed.success) return parsed.data;
    const reasons = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'data'}: ${issue.message}`).join('; ');
    throw new MalformedEventError(`event ${event.id}: data of ${event.type} breaks its schema: ${reasons}`);
  }

  private async giveUp(subscription: LocalSubscription, event: CloudEvent<unknown>, attempts: number, error: unknown): Promise<void> {
    const errorCode = error instanceof AppError ? error.code : 'HANDLER_FAILED';
    this.logger.error(`${subscription.name} gave up on ${event.type} ${event.id} after ${attempts} attempt(s): ${describe(error)}`);
    if (!subscription.delivery.deadLetter) return;
    await this.deadLetter({ event: event.toJSON() as unknown as CloudEventV1<unknown>, subscription: subscription.name, attempts, errorCode, errorMessage: describe(error) });
    this.metrics.deadLettered(subscription, errorCode);
  }

  /** Hands a letter to the dead-letter sink, here or (through the transport) in the process that runs it. */
  async deadLetter(letter: DeadLetter): Promise<void> {
    if (!this.deadLetters) throw new Error(`no dead-letter sink reachable from this process for ${letter.subscription}`);
    await this.deadLetters.accept(letter);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeliveryTimeoutError(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
