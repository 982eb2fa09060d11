import { NotificationSchema1732500000400 } from './migrations/1732500000400-notification-schema';

export { NotificationSend } from './notification.events';
export { NotificationModule } from './notification.module';
export const notificationMigrations = [NotificationSchema1732500000400];
