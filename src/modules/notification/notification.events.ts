import { z } from 'zod';
import { defineEvent, EventType } from '../../events';

/** `notification.send`: a customer was told something, on a channel. */
export const NotificationSend = defineEvent(
  EventType.NotificationSend,
  'notification',
  z.object({ userId: z.string().min(1), channel: z.string().min(1), title: z.string(), body: z.string(), orderId: z.string().min(1) }),
);
