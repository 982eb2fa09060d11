/** The public contract of the notification module: the events it publishes. Nothing else here may be imported by other modules. */
export { NotificationSend } from './notification.events';
