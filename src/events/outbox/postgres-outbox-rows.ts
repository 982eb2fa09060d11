import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CloudEventV1 } from 'cloudevents';
import { DataSource, QueryRunner } from 'typeorm';
import { publishedIn } from './outbox-commit';
import { LeasedEvent, OutboxRows } from './outbox-rows';

/**
 * Marking, renewing and releasing all update many rows at once, concurrently: each locks its rows in id order
 * first, or two of them locking the same rows in different orders deadlock (ADR 9).
 */
const LOCKED_IN_ID_ORDER = 'SELECT id FROM events.outbox WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE';

/** `events.outbox` in Postgres: claims with FOR UPDATE SKIP LOCKED, so any number of dispatchers share it. */
@Injectable()
export class PostgresOutboxRows implements OutboxRows {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  write(queryRunner: QueryRunner, events: CloudEventV1<unknown>[], attempts: number, leaseMs: number): Promise<{ id: string; event_id: string }[]> {
    return queryRunner.query(
      `INSERT INTO events.outbox (event_id, type, subject, event, attempts, next_attempt_at)
       SELECT e->>'id', e->>'type', e->>'subject', e, $2, now() + $3 * interval '1 millisecond'
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS published(e, position) ORDER BY position
       RETURNING id, event_id`,
      [JSON.stringify(events), attempts, leaseMs],
    ) as Promise<{ id: string; event_id: string }[]>;
  }

  async claim(limit: number, leaseMs: number): Promise<LeasedEvent[]> {
    const [rows] = (await this.db.query(
      `UPDATE events.outbox SET attempts = attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond'
       WHERE id IN (SELECT id FROM events.outbox WHERE dispatched_at IS NULL AND next_attempt_at <= now()
                    ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, attempts, event`,
      [limit, leaseMs],
    )) as [LeasedEvent[], number];
    return rows;
  }

  async renew(ids: string[], leaseMs: number): Promise<void> {
    await this.db.query(`UPDATE events.outbox o SET next_attempt_at = now() + $2 * interval '1 millisecond' FROM (${LOCKED_IN_ID_ORDER}) locked WHERE o.id = locked.id AND o.dispatched_at IS NULL`, [ids, leaseMs]);
  }

  async release(ids: string[]): Promise<void> {
    await this.db.query(`UPDATE events.outbox o SET next_attempt_at = now() FROM (${LOCKED_IN_ID_ORDER}) locked WHERE o.id = locked.id AND o.dispatched_at IS NULL`, [ids]);
  }

  async markDispatched(ids: string[]): Promise<void> {
    await this.db.query(`UPDATE events.outbox o SET dispatched_at = now(), last_error = NULL FROM (${LOCKED_IN_ID_ORDER}) locked WHERE o.id = locked.id`, [ids]);
  }

  async retryLater(id: string, delayMs: number, error: string): Promise<void> {
    await this.db.query(`UPDATE events.outbox SET next_attempt_at = now() + $2 * interval '1 millisecond', last_error = $3 WHERE id = $1`, [id, delayMs, error]);
  }

  onCommit(handOver: (rows: LeasedEvent[]) => void): void {
    this.db.subscribers.push({
      afterTransactionCommit: ({ queryRunner }) => handOver(publishedIn(queryRunner).splice(0)),
      afterTransactionRollback: ({ queryRunner }) => void publishedIn(queryRunner).splice(0),
    });
  }
}
