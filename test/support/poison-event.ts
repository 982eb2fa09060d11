import { randomUUID } from 'node:crypto';
import { publishToOutbox } from './outbox-event';
import { TestDatabase } from './test-database';

/** The subscriptions that consume payment.result: each dead-letters a poison one on its own. */
export const PAYMENT_RESULT_SUBSCRIPTIONS = ['inventory-settle-reservation-when-payment-result', 'notification-notify-when-payment-result', 'orders-settle-when-payment-result'];

/**
 * Writes a payment.result whose data breaks its schema (no userId, no amount, an unknown status) straight into
 * the outbox: POST / refuses such an event at the door, so the outbox is the only way it reaches a subscription.
 */
export async function publishPoisonPaymentResult(db: TestDatabase): Promise<{ eventId: string; orderId: string }> {
  const orderId = randomUUID();
  const eventId = await publishToOutbox(db, { type: 'com.toolsku.payment.result', source: 'payment', subject: orderId }, { orderId, status: 'maybe' });
  return { eventId, orderId };
}
