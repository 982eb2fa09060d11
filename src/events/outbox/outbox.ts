import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CloudEvent } from 'cloudevents';
import { ClsService } from 'nestjs-cls';
import { randomUUID } from 'node:crypto';
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

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cls: ClsService,
    @Inject(eventsConfig.KEY) private readonly config: EventsConfig,
  ) {
    this.extensions = ceOverrides(config.K_CE_OVERRIDES);
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
    await tx.query('INSERT INTO events.outbox (event_id, type, subject, event) VALUES ($1, $2, $3, $4)', [
      event.id,
      event.type,
      subject,
      event.toJSON(),
    ]);
    // Tells the dispatcher, after this transaction commits, that there is something to send.
    tx.queryRunner.data[PUBLISHED_EVENTS] = true;
    return event;
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
    await this.txHost.tx.query('DELETE FROM events.outbox WHERE event_id = $1 AND dispatched_at IS NULL', [event.id]);
  }
}

/** Key in a TypeORM query runner's `data` marking a transaction that wrote to the outbox. */
export const PUBLISHED_EVENTS = 'publishedEvents';

function ceOverrides(raw: string | undefined): Record<string, string> {
  if (!raw) return {};
  const parsed = JSON.parse(raw) as { extensions?: Record<string, string> };
  return parsed.extensions ?? {};
}
