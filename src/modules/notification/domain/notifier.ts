import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Outbox } from '../../../events';
import { Page, pageOf, PagePosition } from '../../../platform/http/page';
import { NotificationSend } from '../notification.events';
import { Channel, CHANNELS, Message } from './channels/channel';

export interface NotificationView {
  id: string;
  userId: string;
  orderId: string;
  channel: string;
  title: string;
  body: string;
  createdAt: string;
}

/** Tells customers what happened to their orders, on every configured channel, and keeps what it sent. */
@Injectable()
export class Notifier {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly outbox: Outbox,
    @Inject(CHANNELS) private readonly channels: Channel[],
  ) {}

  async notify(message: Message): Promise<void> {
    for (const channel of this.channels) {
      // An external channel is sent after the commit, from the notification.send published here (Courier).
      if (!channel.external) await channel.send(message);
      await this.txHost.tx.query('INSERT INTO notification.notifications (user_id, order_id, channel, title, body) VALUES ($1, $2, $3, $4, $5)', [
        message.userId,
        message.orderId,
        channel.name,
        message.title,
        message.body,
      ]);
      await this.outbox.publish(NotificationSend, { ...message, channel: channel.name }, message.orderId);
    }
  }

  /** The user's notifications, newest first, one page from `after` on. */
  async forUser(userId: string, limit: number, after?: PagePosition): Promise<Page<NotificationView>> {
    const rows: Array<{ id: string; user_id: string; order_id: string; channel: string; title: string; body: string; created_at: Date; position_at: string }> = await this.txHost.tx.query(
      `SELECT id, user_id, order_id, channel, title, body, created_at, created_at::text AS position_at FROM notification.notifications
       WHERE user_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [userId, after?.at ?? null, after?.id ?? null, limit + 1],
    );
    return pageOf(
      rows,
      limit,
      (row) => ({ at: row.position_at, id: row.id }),
      (row) => ({ id: row.id, userId: row.user_id, orderId: row.order_id, channel: row.channel, title: row.title, body: row.body, createdAt: row.created_at.toISOString() }),
    );
  }
}
