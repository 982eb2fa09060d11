import { NotificationSchema1732500000400 } from './1732500000400-notification-schema';

/** This module's migrations, in order. */
export const notificationMigrations = [NotificationSchema1732500000400];
