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

  /** False when the subscription already handled this event. */
  async record(subscription: string, event: CloudEvent<unknown>, attempt: number): Promise<boolean> {
    const rows: unknown[] = await this.txHost.tx.query(
      `INSERT INTO events.inbox (subscription, event_source, event_id, type, subject, attempt, event_time)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING 1`,
      [subscription, event.source, event.id, event.type, event.subject ?? null, attempt, event.time ?? null],
    );
    return rows.length === 1;
  }
}
