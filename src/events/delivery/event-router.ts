import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CloudEvent, CloudEventV1 } from 'cloudevents';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../kernel/errors';
import { matchesFilter } from '../attribute-filter';
import { DeliveryMetrics } from '../../platform/metrics/delivery-metrics';
import { EVENT_CATALOG, EventCatalog } from '../catalog';
import { MalformedEventError, SubscriptionNotHereError } from '../errors';
import { EventsConfig, eventsConfig } from '../events.config';
import { EVENT_TRANSPORT, EventTransport } from '../transport/event-transport';
import { DeadLetter, DeadLetterSink, localDeadLetterSink } from './dead-letter-sink';
import { codeOf, DeliveryJournal, messageOf, Outcome } from './delivery-journal';
import { DeliveryDeadline } from './delivery-deadline';
import { DeliveryQueue } from './delivery-queue';
import { Delivery, DeliveryTransaction } from './delivery-transaction';
import { backoffMs } from './delivery-policy';
import { deliveriesPerTransaction } from './deliveries-per-transaction';
import { durationMs } from '../../platform/config/duration';
import { LocalSubscription, SubscriptionRegistry } from './subscription-registry';

export type { Outcome } from './delivery-journal';

/**
 * Delivers an event to the subscriptions of this process, each under its own delivery policy:
 * one transaction per attempt (inbox record + the handler's effects + the events it publishes), shared with
 * other deliveries of the subscription when it is declared `batched`,
 * retries with backoff, and dead-lettering when the event is poison or retries run out.
 */
@Injectable()
export class EventRouter implements OnApplicationBootstrap, OnModuleDestroy {
  private deadLetters?: DeadLetterSink;
  private transport?: EventTransport;
  private readonly queues = new Map<string, DeliveryQueue<Delivery, Outcome>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly registry: SubscriptionRegistry,
    private readonly transaction: DeliveryTransaction,
    private readonly moduleRef: ModuleRef,
    private readonly metrics: DeliveryMetrics,
    private readonly journal: DeliveryJournal,
    @Inject(eventsConfig.KEY) private readonly config: EventsConfig,
    @Inject(EVENT_CATALOG) private readonly catalog: EventCatalog,
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
   * onModuleDestroy, not beforeApplicationShutdown: Nest calls that hook on the dispatcher (which depends on
   * this router) first, and the dispatcher waits there for the very deliveries these backoffs hold.
   */
  onModuleDestroy(): void {
    this.stopping.abort();
  }

  /** The local subscriptions an event is for (empty when none here wants it). */
  subscriptionsFor(event: CloudEvent<unknown>): readonly LocalSubscription[] {
    const name = this.catalog.nameOf(event.type, this.config.EVENT_TYPE_PREFIX);
    return name ? this.registry.forType(name) : [];
  }

  /** Resolves once every subscription has settled: handled, duplicate, or dead-lettered. Rejects only when a dead letter could not be stored. */
  async route(event: CloudEvent<unknown>): Promise<void> {
    await Promise.all(this.subscriptionsFor(event).map((subscription) => this.deliver(subscription, event)));
  }

  async deliver(subscription: LocalSubscription, event: CloudEvent<unknown>): Promise<void> {
    const { retry } = subscription.delivery;
    for (let attempt = 1; ; attempt++) {
      const startedAt = performance.now();
      try {
        this.journal.settled(subscription, event, attempt, await this.attemptOnce(subscription, event, attempt), startedAt);
        return;
      } catch (error) {
        const poison = error instanceof AppError && error.kind === 'invalid';
        if (poison || attempt > retry) return this.giveUp(subscription, event, attempt, error, startedAt);
        await this.journal.failed(subscription, event, attempt, error, 'failed', startedAt);
        this.metrics.retried(subscription);
        await sleep(backoffMs(subscription.delivery, attempt), undefined, { signal: this.stopping.signal });
      }
    }
  }

  /** One attempt, for callers that own the retrying themselves (an HTTP sender such as Knative, a replay). */
  async deliverOnce(subscription: LocalSubscription, event: CloudEvent<unknown>, attempt = 1): Promise<Outcome> {
    const startedAt = performance.now();
    try {
      const outcome = await this.attemptOnce(subscription, event, attempt);
      this.journal.settled(subscription, event, attempt, outcome, startedAt);
      return outcome;
    } catch (error) {
      await this.journal.failed(subscription, event, attempt, error, 'failed', startedAt);
      throw error;
    }
  }

  private async attemptOnce(subscription: LocalSubscription, event: CloudEvent<unknown>, attempt: number): Promise<Outcome> {
    const data = this.validate(subscription, event);
    if (subscription.when && !matchesFilter(subscription.when, event)) return 'skipped';
    return this.queue(subscription).submit({ event, data, attempt });
  }

  private queue(subscription: LocalSubscription): DeliveryQueue<Delivery, Outcome> {
    let queue = this.queues.get(subscription.name);
    if (!queue) {
      // The timeout bounds the batch's transactions, not its wait for a free slot; the slot frees only once they ended.
      const run = async (deliveries: Delivery[]) => {
        const deadline = new DeliveryDeadline(durationMs(subscription.delivery.timeout), subscription.name);
        try {
          return await this.transaction.run(subscription, deliveries, deadline);
        } finally {
          deadline.clear();
        }
      };
      queue = new DeliveryQueue(this.config.EVENTS_SUBSCRIPTION_CONCURRENCY, deliveriesPerTransaction(subscription, this.config.EVENTS_DELIVERY_BATCH), run, this.config.EVENTS_DELIVERY_QUEUE_LIMIT);
      this.queues.set(subscription.name, queue);
    }
    return queue;
  }

  /** Deliveries waiting for a slot now, by subscription (those that had any since start). */
  waiting(): Map<string, number> {
    return new Map([...this.queues].map(([name, queue]) => [name, queue.depth]));
  }

  /**
   * Whether replay() reaches the named subscription: it runs in this process, or the transport carries a
   * replay to the one process where it runs (Kafka). Behind a Knative Broker (http) nothing addresses a single
   * subscription; the caller re-publishes the event through the outbox instead (Outbox.republish).
   */
  canReplay(subscriptionName: string): boolean {
    return this.registry.named(subscriptionName) !== undefined || this.transport?.replay !== undefined;
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

  private async giveUp(subscription: LocalSubscription, event: CloudEvent<unknown>, attempts: number, error: unknown, startedAt: number): Promise<void> {
    if (!subscription.delivery.deadLetter) return this.journal.failed(subscription, event, attempts, error, 'failed', startedAt);
    const letter = { event: event.toJSON() as unknown as CloudEventV1<unknown>, subscription: subscription.name, attempts, errorCode: codeOf(error), errorMessage: messageOf(error) };
    try {
      await this.deadLetter(letter);
    } catch (failure) {
      await this.journal.failed(subscription, event, attempts, error, 'failed', startedAt);
      throw failure;
    }
    await this.journal.failed(subscription, event, attempts, error, 'dead_lettered', startedAt);
  }

  /** Hands a letter to the dead-letter sink, here or (through the transport) in the process that runs it. */
  async deadLetter(letter: DeadLetter): Promise<void> {
    if (!this.deadLetters) throw new Error(`no dead-letter sink reachable from this process for ${letter.subscription}`);
    await this.deadLetters.accept(letter);
  }
}
