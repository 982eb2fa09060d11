import { EventType, EventTypeName, qualifiedType } from '../../../events';

/**
 * Every subscription of the system and the event type it consumes: what the dead-letter office checks a letter
 * against before it stores or replays it (docs/adr/0013). On Knative this Service runs alone and cannot read the
 * other modules' `@Subscribe` declarations (it imports no other module's Nest code), so they are written here;
 * subscription-catalogue.spec.ts keeps this list equal to the declarations, the same ones the Trigger generator reads.
 */
export const SUBSCRIPTION_CATALOGUE: Readonly<Record<string, EventTypeName>> = {
  'inventory-reserve-stock-when-order-created': EventType.OrderCreated,
  'inventory-settle-reservation-when-payment-result': EventType.PaymentResult,
  'notification-call-webhook-when-notification-send': EventType.NotificationSend,
  'notification-notify-when-payment-result': EventType.PaymentResult,
  'notification-notify-when-stock-insufficient': EventType.InventoryInsufficient,
  'orders-mark-reserved-when-payment-requested': EventType.PaymentRequest,
  'orders-record-order-when-order-created': EventType.OrderCreated,
  'orders-reject-when-stock-insufficient': EventType.InventoryInsufficient,
  'orders-settle-when-payment-result': EventType.PaymentResult,
  'payment-take-payment-when-payment-requested': EventType.PaymentRequest,
};

/** Whether `subscription` exists and consumes events of the CloudEvents `type` (under the type prefix in use). */
export function consumes(subscription: string, type: string, typePrefix: string): boolean {
  const name = Object.hasOwn(SUBSCRIPTION_CATALOGUE, subscription) ? SUBSCRIPTION_CATALOGUE[subscription] : undefined;
  return name !== undefined && qualifiedType(name, typePrefix) === type;
}
