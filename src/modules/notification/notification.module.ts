import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Channel, CHANNELS } from './domain/channels/channel';
import { LogChannel } from './domain/channels/log.channel';
import { WebhookChannel } from './domain/channels/webhook.channel';
import { Courier } from './domain/courier';
import { Notifier } from './domain/notifier';
import { CallWebhookWhenNotificationSendHandler } from './handlers/call-webhook-when-notification-send.handler';
import { NotifyWhenPaymentResultHandler } from './handlers/notify-when-payment-result.handler';
import { NotifyWhenStockInsufficientHandler } from './handlers/notify-when-stock-insufficient.handler';
import { NotificationsController } from './http/notifications.controller';
import { NotificationConfig, notificationConfig } from './notification.config';
import { NotificationSend } from './notification.events';
import { defineModule } from '../../events';
import { notificationMigrations } from './migrations';

@Module({
  imports: [ConfigModule.forFeature(notificationConfig)],
  controllers: [NotificationsController, NotifyWhenPaymentResultHandler, NotifyWhenStockInsufficientHandler, CallWebhookWhenNotificationSendHandler],
  providers: [
    Notifier,
    Courier,
    {
      provide: CHANNELS,
      inject: [notificationConfig.KEY],
      useFactory: (config: NotificationConfig): Channel[] =>
        config.NOTIFICATION_WEBHOOK_URL ? [new LogChannel(), new WebhookChannel(config.NOTIFICATION_WEBHOOK_URL, config.NOTIFICATION_WEBHOOK_SECRET!)] : [new LogChannel()],
    },
  ],
})
export class NotificationModule {}

/** How a composition root runs this module (the monolith with the others, or alone in src/split). */
export const NOTIFICATION = defineModule({
  name: 'notification',
  owns: 'notifications, channels',
  module: NotificationModule,
  migrations: notificationMigrations,
  configs: [notificationConfig],
  publishes: [NotificationSend],
  routes: ['/notifications'],
});
