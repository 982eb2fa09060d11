import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CloudEvent } from 'cloudevents';
import { ClsService } from 'nestjs-cls';
import { QueryRunner } from 'typeorm';
import { Inbox } from '../inbox/inbox';
import { TRACEPARENT_KEY } from '../../platform/tracing/trace-scope';
import { DeliveryContext } from './delivery-context';
import { HANDLER_TRACER, HandlerTracer } from '../../platform/tracing/handler-tracer';
import { DeliveryDeadline } from './delivery-deadline';
import { Outcome } from './delivery-journal';
import { Settled } from './delivery-queue';
import { LocalSubscription } from './subscription-registry';
import { TimedOutTransactions } from './timed-out-transactions';

/** One event for one subscription, validated: its data as the contract reads it, and which attempt this is. */
export interface Delivery {
  event: CloudEvent<unknown>;
  data: unknown;
  attempt: number;
}

/** A handler threw: which delivery of the batch, and why. */
class HandlerFailed {
  constructor(
    readonly index: number,
    readonly cause: unknown,
  ) {}
}

/**
 * Runs deliveries of one subscription in one transaction: the inbox records for all of them in one statement,
 * then each handler in turn. Failures are rare, so nothing is paid up front to isolate them (ADR 9): when a
 * handler throws, the whole transaction rolls back, that delivery is reported failed, and the deliveries
 * around it run again without it: the ones before it (whose handlers run a second time) and the ones after.
 * All of it within the batch's deadline: when it passes, the open transaction is ended (rolled back) and
 * every delivery not yet settled fails with the timeout.
 */
@Injectable()
export class DeliveryTransaction {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly inbox: Inbox,
    private readonly cls: ClsService,
    @Inject(HANDLER_TRACER) private readonly tracer: HandlerTracer,
    private readonly timedOut: TimedOutTransactions,
  ) {}

  async run(subscription: LocalSubscription, deliveries: Delivery[], deadline: DeliveryDeadline): Promise<Settled<Outcome>[]> {
    if (deadline.expired) return deliveries.map(() => ({ error: deadline.reason }));
    try {
      return await this.together(subscription, deliveries, deadline);
    } catch (failure) {
      if (deadline.expired) return deliveries.map(() => ({ error: deadline.reason }));
      if (deliveries.length === 1) return [{ error: failure instanceof HandlerFailed ? failure.cause : failure }];
      if (!(failure instanceof HandlerFailed)) return this.oneByOne(subscription, deliveries, deadline);
      const before = await this.run(subscription, deliveries.slice(0, failure.index), deadline);
      // A handler that would not wait for a lock its batch-mates' locks made risky (55P03) runs alone, not as a failure.
      const failed = refusedToWait(failure.cause) ? await this.run(subscription, [deliveries[failure.index]], deadline) : [{ error: failure.cause }];
      const after = await this.run(subscription, deliveries.slice(failure.index + 1), deadline);
      return [...before, ...failed, ...after];
    }
  }

  /** The batch failed outside any handler (the inbox, the outbox write, the commit): each gets its own transaction. */
  private async oneByOne(subscription: LocalSubscription, deliveries: Delivery[], deadline: DeliveryDeadline): Promise<Settled<Outcome>[]> {
    const results: Settled<Outcome>[] = [];
    for (const delivery of deliveries) results.push(...(await this.run(subscription, [delivery], deadline)));
    return results;
  }

  private together(subscription: LocalSubscription, deliveries: Delivery[], deadline: DeliveryDeadline): Promise<Settled<Outcome>[]> {
    if (deliveries.length === 0) return Promise.resolve([]);
    let queryRunner: QueryRunner | undefined;
    // A fresh context: a delivery started from a commit hook must not join the committing transaction.
    const work = this.cls.run({ ifNested: 'override' }, () =>
      this.txHost.withTransaction(async () => {
        queryRunner = this.txHost.tx.queryRunner;
        // Expired while waiting for a connection: roll back before doing anything.
        if (deadline.expired) throw deadline.reason;
        const fresh = await this.inbox.record(subscription.name, deliveries);
        const results: Settled<Outcome>[] = [];
        for (const [index, delivery] of deliveries.entries()) {
          if (!fresh[index]) results.push({ value: 'duplicate' });
          else results.push({ value: await this.invoke(subscription, delivery).catch((error: unknown) => Promise.reject(new HandlerFailed(index, error))) });
        }
        return results;
      }),
    );
    // Until the transaction began there is nothing to end: the work then stops at the check above.
    return deadline.race(work, () =>
      queryRunner
        ? this.timedOut.end(queryRunner, work)
        : work.then(
            () => undefined,
            () => undefined,
          ),
    );
  }

  private invoke(subscription: LocalSubscription, { event, data, attempt }: Delivery): Promise<Outcome> {
    // The handler's span; the events it publishes carry it, so their consumers' spans are its children.
    return this.tracer.run(subscription, event, attempt, (traceparent) =>
      this.cls.run({ ifNested: 'inherit' }, async () => {
        this.cls.set(TRACEPARENT_KEY, traceparent);
        await subscription.invoke(data, new DeliveryContext([event, attempt, subscription.name]));
        return 'handled' as const;
      }),
    );
  }
}

/** Postgres' lock_not_available: a `NOWAIT` lock found its row busy. */
function refusedToWait(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === '55P03';
}
