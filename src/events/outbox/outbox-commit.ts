import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CloudEventV1 } from 'cloudevents';
import { DataSource, QueryRunner } from 'typeorm';
import { durationMs } from '../../platform/config/duration';
import { EventsConfig, eventsConfig } from '../events.config';
import { LeasedEvent, OUTBOX_ROWS, OutboxRows } from './outbox-rows';

/**
 * Writes the events a transaction published into `events.outbox` as it commits: all of them in one statement,
 * inside the transaction, just before COMMIT. A batch of deliveries sharing a transaction then costs one
 * outbox INSERT instead of one per event, and a transaction that rolls back writes nothing at all.
 */
@Injectable()
export class OutboxCommit implements OnModuleInit {
  private readonly leaseMs: number;

  constructor(
    /** Only its transaction hooks are used. */
    @InjectDataSource() private readonly db: Pick<DataSource, 'subscribers'>,
    @Inject(OUTBOX_ROWS) private readonly outbox: OutboxRows,
    @Inject(eventsConfig.KEY) config: EventsConfig,
  ) {
    // A dispatching process leases its rows to itself at insert and hands them over in memory after the commit:
    // no claim query on the hot path; if it crashes first, the lease runs out and any dispatcher takes the rows.
    this.leaseMs = config.EVENTS_OUTBOX_DISPATCH ? durationMs(config.EVENTS_OUTBOX_LEASE) : 0;
  }

  onModuleInit(): void {
    this.db.subscribers.push({
      afterTransactionStart: ({ queryRunner }) => void openTransactions(queryRunner).push(unwrittenIn(queryRunner).length),
      // Written by the outermost transaction only: a nested one (a savepoint) commits nothing yet.
      beforeTransactionCommit: ({ queryRunner }) => (openTransactions(queryRunner).length === 1 ? this.write(queryRunner) : undefined),
      afterTransactionCommit: ({ queryRunner }) => void openTransactions(queryRunner).pop(),
      // A nested transaction that rolls back takes back only what was published inside it.
      afterTransactionRollback: ({ queryRunner }) => void unwrittenIn(queryRunner).splice(openTransactions(queryRunner).pop() ?? 0),
    });
  }

  private async write(queryRunner: QueryRunner): Promise<void> {
    const events = unwrittenIn(queryRunner).splice(0);
    if (events.length === 0) return;
    const rows = await this.outbox.write(queryRunner, events, this.leaseMs > 0 ? 1 : 0, this.leaseMs);
    if (this.leaseMs === 0) return;
    // Ids follow the insert order; matched by event id all the same, in case of an event republished twice.
    const ids = rows.sort((a, b) => Number(a.id) - Number(b.id));
    publishedIn(queryRunner).push(...events.map((event) => ({ id: takeId(ids, event.id), attempts: 1, event })));
  }
}

/** The rows a transaction wrote to the outbox, kept on its query runner until the commit hands them over. */
export function publishedIn(queryRunner: QueryRunner): LeasedEvent[] {
  return ((queryRunner.data as Record<string, LeasedEvent[]>)[PUBLISHED_EVENTS] ??= []);
}

/** The events a transaction published and the outbox has not been written yet: they go in as it commits. */
export function unwrittenIn(queryRunner: QueryRunner): CloudEventV1<unknown>[] {
  return ((queryRunner.data as Record<string, CloudEventV1<unknown>[]>)[UNWRITTEN_EVENTS] ??= []);
}

/** Per open transaction, outermost first: how many events were unwritten when it began. */
function openTransactions(queryRunner: QueryRunner): number[] {
  return ((queryRunner.data as Record<string, number[]>)[OPEN_TRANSACTIONS] ??= []);
}

function takeId(rows: { id: string; event_id: string }[], eventId: string): string {
  const index = rows.findIndex((row) => row.event_id === eventId);
  return rows.splice(index, 1)[0].id;
}

const PUBLISHED_EVENTS = 'publishedEvents';
const UNWRITTEN_EVENTS = 'unwrittenEvents';
const OPEN_TRANSACTIONS = 'outboxOpenTransactions';
