import { z } from 'zod';
import { SafeText } from '../../platform/validation/safe-text';
import { defineEvent } from '../../events';

/**
 * `notification.send`: a customer was told something, on a channel. The channel travels as the
 * `notificationchannel` attribute too, so the webhook's Trigger selects only the webhook's events.
 */
export const NotificationSend = defineEvent('notification.send', 'notification', z.object({ userId: SafeText.min(1), channel: SafeText.min(1), title: SafeText, body: SafeText, orderId: SafeText.min(1) }), {
  attributes: (notification) => ({ notificationchannel: notification.channel }),
});
