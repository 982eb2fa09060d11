import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface LoggedEvent {
  type: string;
  id: string;
  source: string;
  time: string;
}

/**
 * Every event about one subject (an order id), in the order they happened: the ones published through
 * the outbox and the ones that arrived from outside and were handled here. Backs the order timeline.
 */
@Injectable()
export class EventLog {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async about(subject: string): Promise<LoggedEvent[]> {
    return this.db.query(
      `SELECT DISTINCT ON (source, id) type, id, source, time FROM (
         SELECT type, event_id AS id, event->>'source' AS source, (event->>'time')::timestamptz AS time FROM events.outbox WHERE subject = $1
         UNION ALL
         SELECT type, event_id, event_source, coalesce(event_time, handled_at) FROM events.inbox WHERE subject = $1
       ) logged ORDER BY source, id, time`,
      [subject],
    ).then((rows: Array<LoggedEvent & { time: Date }>) =>
      rows.map((row) => ({ ...row, time: new Date(row.time).toISOString() })).sort((a, b) => a.time.localeCompare(b.time)),
    );
  }
}
