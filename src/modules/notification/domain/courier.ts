import { Inject, Injectable } from '@nestjs/common';
import type { EventData } from '../../../events';
import { NotificationSend } from '../notification.events';
import { Channel, CHANNELS } from './channels/channel';
import { WebhookUnavailableError } from './channels/webhook.channel';

/**
 * Carries a committed notification to an external channel: run by its own subscription, one transaction per
 * event (never batched), so it happens once per notification.send whatever its neighbours do, and again only
 * when the channel itself failed. The event id goes along as the receiver's idempotency key.
 */
@Injectable()
export class Courier {
  constructor(@Inject(CHANNELS) private readonly channels: Channel[]) {}

  async carry(notification: EventData<typeof NotificationSend>, notificationId: string): Promise<void> {
    const channel = this.channels.find((candidate) => candidate.external && candidate.name === notification.channel);
    if (!channel) throw new WebhookUnavailableError(`no ${notification.channel} channel is configured in this process`);
    const { userId, orderId, title, body } = notification;
    await channel.send({ userId, orderId, title, body }, notificationId);
  }
}
