import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** An event about the subject: published through the outbox or handled from outside, with its trace. */
export interface RecordedEvent {
  type: string;
  id: string;
  source: string;
  time: string;
  traceId?: string;
}

/** A subscription that handled the event `(source, id)`, at which attempt. */
export interface RecordedHandling {
  source: string;
  id: string;
  subscription: string;
  attempt: number;
  time: string;
}

/** A failed delivery attempt: retried later or, when `deadLettered`, given up. */
export interface RecordedFailure {
  type: string;
  id: string;
  source: string;
  time: string;
  module: string;
  subscription: string;
  attempt: number;
  errorCode: string;
  error: string;
  deadLettered: boolean;
}

/**
 * What the bus's own tables recorded about one subject (an order id): the events in `events.outbox` and
 * `events.inbox`, the handlings in the inbox, the failed attempts in `events.delivery_failures`. Only the bus
 * reads its tables; a module composes its view from these (the orders module's timeline).
 */
@Injectable()
export class EventLog {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Each event once, however many times it was published or handled. */
  async events(subject: string): Promise<RecordedEvent[]> {
    const rows: Array<{ type: string; id: string; source: string; time: Date; traceparent: string | null }> = await this.db.query(
      `SELECT DISTINCT ON (source, id) type, id, source, time, traceparent FROM (
         SELECT type, event_id AS id, event->>'source' AS source, (event->>'time')::timestamptz AS time, event->>'traceparent' AS traceparent FROM events.outbox WHERE subject = $1
         UNION ALL
         SELECT type, event_id, event_source, coalesce(event_time, handled_at), NULL FROM events.inbox WHERE subject = $1
       ) logged ORDER BY source, id, traceparent NULLS LAST, time`,
      [subject],
    );
    return rows.map(({ traceparent, time, ...row }) => ({ ...row, time: iso(time), ...(traceparent ? { traceId: traceparent.split('-')[1] } : {}) }));
  }

  async handlings(subject: string): Promise<RecordedHandling[]> {
    const rows: Array<Omit<RecordedHandling, 'time'> & { time: Date }> = await this.db.query(
      'SELECT event_source AS source, event_id AS id, subscription, attempt, handled_at AS time FROM events.inbox WHERE subject = $1 ORDER BY handled_at, subscription',
      [subject],
    );
    return rows.map(({ time, ...row }) => ({ ...row, time: iso(time) }));
  }

  async failures(subject: string): Promise<RecordedFailure[]> {
    const rows: Array<Omit<RecordedFailure, 'time'> & { time: Date }> = await this.db.query(
      `SELECT type, event_id AS id, event_source AS source, failed_at AS time, module, subscription, attempt, error_code AS "errorCode", error_message AS error, dead_lettered AS "deadLettered"
         FROM events.delivery_failures WHERE subject = $1 ORDER BY id`,
      [subject],
    );
    return rows.map(({ time, ...row }) => ({ ...row, time: iso(time) }));
  }
}

function iso(time: Date | string): string {
  return new Date(time).toISOString();
}
