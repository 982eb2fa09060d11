import { qualifiedType } from '../../../events';
import { InventoryInsufficient, PaymentRequest } from '../../inventory';
import { NotificationSend } from '../../notification';
import { OrderCreated } from '../../orders';
import { PaymentResult } from '../../payment';

/**
 * Every subscription of the system and the event type it consumes: what the dead-letter office checks a letter
 * against before it stores or replays it (docs/adr/0013). On Knative this Service runs alone and cannot read the
 * other modules' `@Subscribe` declarations (it imports no other module's Nest code), so they are written here;
 * subscription-catalogue.spec.ts keeps this list equal to the declarations, the same ones the Trigger generator reads.
 */
export const SUBSCRIPTION_CATALOGUE: Readonly<Record<string, string>> = {
  'inventory-reserve-stock-when-order-created': OrderCreated.name,
  'inventory-settle-reservation-when-payment-result': PaymentResult.name,
  'notification-call-webhook-when-notification-send': NotificationSend.name,
  'notification-notify-when-payment-result': PaymentResult.name,
  'notification-notify-when-stock-insufficient': InventoryInsufficient.name,
  'orders-mark-reserved-when-payment-requested': PaymentRequest.name,
  'orders-record-order-when-order-created': OrderCreated.name,
  'orders-reject-when-stock-insufficient': InventoryInsufficient.name,
  'orders-settle-when-payment-result': PaymentResult.name,
  'payment-take-payment-when-payment-requested': PaymentRequest.name,
};

/** Whether `subscription` exists and consumes events of the CloudEvents `type` (under the type prefix in use). */
export function consumes(subscription: string, type: string, typePrefix: string): boolean {
  const name = Object.hasOwn(SUBSCRIPTION_CATALOGUE, subscription) ? SUBSCRIPTION_CATALOGUE[subscription] : undefined;
  return name !== undefined && qualifiedType(name, typePrefix) === type;
}
