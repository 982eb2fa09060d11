import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CloudEvent } from 'cloudevents';
import { ClsService } from 'nestjs-cls';
import { Inbox } from '../inbox/inbox';
import { publishedIn } from '../outbox/outbox';
import { TRACEPARENT_KEY } from '../trace-scope';
import { DeliveryContext } from './delivery-context';
import { HANDLER_TRACER, HandlerTracer } from '../../platform/tracing/handler-tracer';
import { Outcome } from './delivery-journal';
import { Settled } from './delivery-queue';
import { LocalSubscription } from './subscription-registry';


/** One event for one subscription, validated: its data as the contract reads it, and which attempt this is. */
export interface Delivery {
  event: CloudEvent<unknown>;
  data: unknown;
  attempt: number;
}

/**
 * Runs deliveries of one subscription in one transaction: the inbox records for all of them in one statement,
 * then each handler behind its own savepoint, so one that fails is rolled back (inbox record and published
 * events included) and reported alone while the others commit. A single delivery needs no savepoint.
 */
@Injectable()
export class DeliveryTransaction {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly inbox: Inbox,
    private readonly cls: ClsService,
    @Inject(HANDLER_TRACER) private readonly tracer: HandlerTracer,
  ) {}

  run(subscription: LocalSubscription, deliveries: Delivery[]): Promise<Settled<Outcome>[]> {
    // A fresh context: a delivery started from a commit hook must not join the committing transaction.
    return this.cls.run({ ifNested: 'override' }, () =>
      this.txHost.withTransaction(async () => {
        const fresh = await this.inbox.record(subscription.name, deliveries);
        const results: Settled<Outcome>[] = [];
        for (const [index, delivery] of deliveries.entries()) {
          if (!fresh[index]) results.push({ value: 'duplicate' });
          else if (deliveries.length === 1) results.push({ value: await this.invoke(subscription, delivery) });
          else results.push(await this.behindSavepoint(subscription, delivery));
        }
        return results;
      }),
    );
  }

  private async behindSavepoint(subscription: LocalSubscription, delivery: Delivery): Promise<Settled<Outcome>> {
    const tx = this.txHost.tx;
    const published = publishedIn(tx.queryRunner!);
    const publishedBefore = published.length;
    await tx.query('SAVEPOINT delivery');
    try {
      return { value: await this.invoke(subscription, delivery) };
    } catch (error) {
      await tx.query('ROLLBACK TO SAVEPOINT delivery');
      published.splice(publishedBefore);
      await this.inbox.forget(subscription.name, delivery.event);
      return { error };
    }
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
