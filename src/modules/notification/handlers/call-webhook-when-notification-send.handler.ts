import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { DeliveryContext, EventData, Subscribe } from '../../../events';
import { Courier } from '../domain/courier';
import { NotificationSend } from '../notification.events';

/** The webhook, called from committed state; not `batched`: a batch-mate's failure must never call it again. */
@Controller()
export class CallWebhookWhenNotificationSendHandler {
  constructor(private readonly courier: Courier) {}

  @Subscribe(NotificationSend, {
    name: 'notification-call-webhook-when-notification-send',
    subscriber: 'notification',
    when: { exact: { notificationchannel: 'webhook' } },
    retry: 3,
    backoffPolicy: 'exponential',
    backoffDelay: 'PT0.25S',
  })
  handle(@Payload() notification: EventData<typeof NotificationSend>, @Ctx() context: DeliveryContext): Promise<void> {
    return this.courier.carry(notification, context.event.id);
  }
}
