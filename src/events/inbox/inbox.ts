import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CloudEvent } from 'cloudevents';

/**
 * Records, in the handler's own transaction, that a subscription handled an event. The primary key
 * (subscription, source, id) turns a redelivery into a no-op: effects happen exactly once.
 */
@Injectable()
export class Inbox {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * Records that the subscription handles these events (one statement however many): for each, false when it
   * was handled before, or appears earlier in the same list.
   */
  async record(subscription: string, deliveries: readonly { event: CloudEvent<unknown>; attempt: number }[]): Promise<boolean[]> {
    const column = <T>(pick: (delivery: { event: CloudEvent<unknown>; attempt: number }) => T): T[] => deliveries.map(pick);
    const rows: { event_source: string; event_id: string }[] = await this.txHost.tx.query(
      `INSERT INTO events.inbox (subscription, event_source, event_id, type, subject, attempt, event_time)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::timestamptz[])
       ON CONFLICT DO NOTHING RETURNING event_source, event_id`,
      [
        subscription,
        column(({ event }) => event.source),
        column(({ event }) => event.id),
        column(({ event }) => event.type),
        column(({ event }) => event.subject ?? null),
        column(({ attempt }) => attempt),
        column(({ event }) => event.time ?? null),
      ],
    );
    const fresh = new Set(rows.map((row) => key(row.event_source, row.event_id)));
    return deliveries.map(({ event }) => fresh.delete(key(event.source, event.id)));
  }
}

function key(source: string, id: string): string {
  return JSON.stringify([source, id]);
}
