/**
 * The one place event type names live. A CloudEvent's `type` is `<prefix>.<name>`,
 * the prefix coming from EVENT_TYPE_PREFIX (default `com.toolsku`).
 */
export const EventType = {
  OrderCreated: 'order.created',
  InventoryInsufficient: 'inventory.insufficient',
  PaymentRequest: 'payment.request',
  PaymentResult: 'payment.result',
  InventoryReleased: 'inventory.released',
  NotificationSend: 'notification.send',
} as const;

export type EventTypeName = (typeof EventType)[keyof typeof EventType];

export const DEFAULT_EVENT_TYPE_PREFIX = 'com.toolsku';

/** Not an event anyone publishes: the type of the dead letter of a Kafka record that names no type (`<prefix>.unreadable-record`). */
export const UNREADABLE_RECORD = 'unreadable-record';

export function qualifiedType(name: EventTypeName, prefix: string): string {
  return `${prefix}.${name}`;
}

/** The catalog name of a fully qualified type, or undefined when the type is not ours. */
export function catalogName(type: string, prefix: string): EventTypeName | undefined {
  if (!type.startsWith(`${prefix}.`)) return undefined;
  const name = type.slice(prefix.length + 1);
  return (Object.values(EventType) as string[]).includes(name) ? (name as EventTypeName) : undefined;
}
