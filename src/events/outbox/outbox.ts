import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CloudEvent, CloudEventV1 } from 'cloudevents';
import { ClsService } from 'nestjs-cls';
import { randomUUID } from 'node:crypto';
import { QueryRunner } from 'typeorm';
import { durationMs } from '../delivery/duration';
import { qualifiedType } from '../catalog';
import { EventContract, EventData } from '../contract';
import { EventsConfig, eventsConfig } from '../events.config';
import { TRACEPARENT_KEY } from '../trace-scope';
import { isTraceparent, newTraceparent } from '../trace-context';

/**
 * Publishing an event = writing it to `events.outbox` in the caller's transaction, so the state change and
 * the events it causes commit together or not at all. The dispatcher delivers them after the commit.
 */
@Injectable()
export class Outbox {
  private readonly extensions: Record<string, string>;
  private readonly leaseMs: number;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cls: ClsService,
    @Inject(eventsConfig.KEY) private readonly config: EventsConfig,
  ) {
    this.extensions = ceOverrides(config.K_CE_OVERRIDES);
    this.leaseMs = durationMs(config.EVENTS_OUTBOX_LEASE);
  }

  async publish<C extends EventContract>(contract: C, data: EventData<C>, subject: string): Promise<CloudEvent<EventData<C>>> {
    const tx = this.txHost.tx;
    if (!tx.queryRunner?.isTransactionActive) throw new Error(`publishing ${contract.name} outside a transaction: the outbox row must commit with the state change`);
    const event = new CloudEvent<EventData<C>>({
      ...this.extensions,
      id: randomUUID(),
      source: contract.source,
      type: qualifiedType(contract.name, this.config.EVENT_TYPE_PREFIX),
      subject,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data: contract.schema.parse(data) as EventData<C>,
      traceparent: this.currentTraceparent(),
    });
    await this.write(event.toJSON() as CloudEventV1<unknown>);
    return event;
  }

  /**
   * Sends an event that was published before once more, unchanged (same id and source: every subscription
   * that handled it already takes it as a duplicate). Dead-letter replay uses it where the failed subscription
   * runs in another process, behind the Broker.
   */
  async republish(event: CloudEventV1<unknown>): Promise<void> {
    if (!this.txHost.tx.queryRunner?.isTransactionActive) throw new Error(`republishing ${event.id} outside a transaction`);
    await this.write(event);
  }

  private async write(event: CloudEventV1<unknown>): Promise<void> {
    const tx = this.txHost.tx;
    // A dispatching process leases the row to itself at insert and hands it over in memory after the commit:
    // no claim query on the hot path; if it crashes first, the lease runs out and any dispatcher takes the row.
    const lease = this.config.EVENTS_OUTBOX_DISPATCH ? this.leaseMs : 0;
    const [{ id }] = (await tx.query(
      `INSERT INTO events.outbox (event_id, type, subject, event, attempts, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, now() + $6 * interval '1 millisecond') RETURNING id`,
      [event.id, event.type, event.subject ?? null, event, lease > 0 ? 1 : 0, lease],
    )) as { id: string }[];
    if (lease > 0) publishedIn(tx.queryRunner!).push({ id, attempts: 1, event });
  }

  /**
   * The span the event is published from (the request, or the handler attempt, each with a span id of its
   * own): the event's consumers are that span's children. A new trace when there is none.
   */
  private currentTraceparent(): string {
    const current: unknown = this.cls.get(TRACEPARENT_KEY);
    return isTraceparent(current) ? current : newTraceparent();
  }

  /**
   * Takes back an event published earlier in the same, still open transaction (nobody can have seen it).
   * Lets a handler publish before its last, lock-taking statement so hot rows stay locked only until the commit.
   */
  async retract(event: CloudEvent<unknown>): Promise<void> {
    const tx = this.txHost.tx;
    await tx.query('DELETE FROM events.outbox WHERE event_id = $1 AND dispatched_at IS NULL', [event.id]);
    const published = publishedIn(tx.queryRunner!);
    published.splice(0, published.length, ...published.filter((row) => row.event.id !== event.id));
  }
}

/** An outbox row this process leased to itself: what the dispatcher sends. */
export interface LeasedEvent {
  id: string;
  attempts: number;
  event: CloudEventV1<unknown>;
}

/** The rows a transaction wrote to the outbox, kept on its query runner until the commit hands them over. */
export function publishedIn(queryRunner: QueryRunner): LeasedEvent[] {
  return ((queryRunner.data as Record<string, LeasedEvent[]>)[PUBLISHED_EVENTS] ??= []);
}

const PUBLISHED_EVENTS = 'publishedEvents';

function ceOverrides(raw: string | undefined): Record<string, string> {
  if (!raw) return {};
  const parsed = JSON.parse(raw) as { extensions?: Record<string, string> };
  return parsed.extensions ?? {};
}
