import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CloudEvent, CloudEventV1 } from 'cloudevents';
import { ClsService } from 'nestjs-cls';
import { randomUUID } from 'node:crypto';
import { qualifiedType } from '../catalog';
import { EventContract, EventData } from '../contract';
import { EventsConfig, eventsConfig } from '../events.config';
import { TRACEPARENT_KEY } from '../../platform/tracing/trace-scope';
import { isTraceparent, newTraceparent } from '../../platform/tracing/trace-context';
import { unwrittenIn } from './outbox-commit';

/**
 * Publishing an event = adding it to the caller's transaction, which writes it to `events.outbox` as it commits
 * (OutboxCommit): the state change and the events it causes commit together or not at all. The dispatcher
 * delivers them after the commit.
 */
@Injectable()
export class Outbox {
  private readonly extensions: Record<string, string>;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cls: ClsService,
    @Inject(eventsConfig.KEY) private readonly config: EventsConfig,
  ) {
    this.extensions = config.K_CE_OVERRIDES ?? {};
  }

  async publish<C extends EventContract>(contract: C, data: EventData<C>, subject: string): Promise<CloudEvent<EventData<C>>> {
    const tx = this.txHost.tx;
    if (!tx.queryRunner?.isTransactionActive) throw new Error(`publishing ${contract.name} outside a transaction: the outbox row must commit with the state change`);
    // Not re-validated by the SDK (`false`): the attributes are made here, the data was just parsed by its
    // contract, and the overrides were checked at start; the SDK's schema check cost more than the rest of publishing.
    const parsed = contract.schema.parse(data) as EventData<C>;
    const event = new CloudEvent<EventData<C>>(
      {
        ...this.extensions,
        ...contract.attributes?.(parsed),
        // The CloudEvents partitioning extension: a Kafka Broker keys the record by it, so one order's events keep their order.
        partitionkey: subject,
        id: randomUUID(),
        source: contract.source,
        type: qualifiedType(contract.name, this.config.EVENT_TYPE_PREFIX),
        subject,
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        data: parsed,
        traceparent: this.currentTraceparent(),
      },
      false,
    );
    this.write(event.toJSON() as CloudEventV1<unknown>);
    return event;
  }

  /**
   * Sends an event that was published before once more, unchanged (same id and source: every subscription
   * that handled it already takes it as a duplicate). Dead-letter replay uses it where the failed subscription
   * runs in another process, behind the Broker.
   */
  async republish(event: CloudEventV1<unknown>): Promise<void> {
    if (!this.txHost.tx.queryRunner?.isTransactionActive) throw new Error(`republishing ${event.id} outside a transaction`);
    this.write(event);
  }

  /** Events committed to this database's outbox and not dispatched yet (what `events_outbox_pending` reports). */
  async backlog(): Promise<{ pending: number; oldestAgeSeconds: number }> {
    const [row]: Array<{ pending: string; oldest: string | null }> = await this.txHost.tx.query(
      'SELECT count(*) AS pending, extract(epoch from now() - min(created_at)) AS oldest FROM events.outbox WHERE dispatched_at IS NULL',
    );
    return { pending: Number(row.pending), oldestAgeSeconds: row.oldest === null ? 0 : Math.max(0, Number(row.oldest)) };
  }

  private write(event: CloudEventV1<unknown>): void {
    unwrittenIn(this.txHost.tx.queryRunner!).push(event);
  }

  /**
   * The span the event is published from (the request, or the handler attempt, each with a span id of its
   * own): the event's consumers are that span's children. A new trace when there is none.
   */
  private currentTraceparent(): string {
    const current: unknown = this.cls.get(TRACEPARENT_KEY);
    return isTraceparent(current) ? current : newTraceparent();
  }
}
