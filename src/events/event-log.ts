import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** A subscription that handled the event, at which attempt. */
export interface HandlingStep {
  module: string;
  subscription: string;
  attempt: number;
  outcome: 'handled';
  time: string;
}

/** An event about the subject, with the subscriptions that handled it and the trace it belongs to. */
export interface LoggedEvent {
  type: string;
  id: string;
  source: string;
  time: string;
  traceId?: string;
  handledBy: HandlingStep[];
}

/** A failed delivery attempt of one of those events: retried later (`failed`) or given up (`dead_lettered`). */
export interface LoggedFailure {
  type: string;
  id: string;
  source: string;
  time: string;
  module: string;
  subscription: string;
  attempt: number;
  outcome: 'failed' | 'dead_lettered';
  errorCode: string;
  error: string;
}

export type TimelineEntry = LoggedEvent | LoggedFailure;

interface HandlingRow {
  source: string;
  id: string;
  subscription: string;
  attempt: number;
  time: Date;
}

/**
 * Everything that happened about one subject (an order id), in order: the events published through the
 * outbox or handled from outside, each with the subscriptions that handled it, and every failed attempt
 * (retries and dead letters) from `events.delivery_failures`. Backs the order timeline.
 */
@Injectable()
export class EventLog {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async about(subject: string): Promise<TimelineEntry[]> {
    const [events, handlings, failures] = await Promise.all([this.events(subject), this.handlings(subject), this.failures(subject)]);
    const logged: LoggedEvent[] = events.map((event) => ({
      ...event,
      handledBy: handlings.filter((step) => step.source === event.source && step.id === event.id).map(handlingStep),
    }));
    // Stable: an event sorts before the failures recorded in the same millisecond.
    return [...logged, ...failures].sort((a, b) => a.time.localeCompare(b.time));
  }

  private async events(subject: string): Promise<Array<Omit<LoggedEvent, 'handledBy'>>> {
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

  private handlings(subject: string): Promise<HandlingRow[]> {
    return this.db.query('SELECT event_source AS source, event_id AS id, subscription, attempt, handled_at AS time FROM events.inbox WHERE subject = $1 ORDER BY handled_at, subscription', [subject]);
  }

  private async failures(subject: string): Promise<LoggedFailure[]> {
    const rows: Array<Omit<LoggedFailure, 'outcome' | 'time'> & { deadLettered: boolean; time: Date }> = await this.db.query(
      `SELECT type, event_id AS id, event_source AS source, failed_at AS time, module, subscription, attempt, error_code AS "errorCode", error_message AS error, dead_lettered AS "deadLettered"
         FROM events.delivery_failures WHERE subject = $1 ORDER BY id`,
      [subject],
    );
    return rows.map(({ deadLettered, time, ...row }) => ({ ...row, time: iso(time), outcome: deadLettered ? 'dead_lettered' : 'failed' }));
  }
}

/** Subscription names are `<module>-<handler>` (see `@Subscribe`), and module names hold no dash. */
function handlingStep({ subscription, attempt, time }: HandlingRow): HandlingStep {
  return { module: subscription.split('-')[0], subscription, attempt, outcome: 'handled', time: iso(time) };
}

function iso(time: Date | string): string {
  return new Date(time).toISOString();
}
