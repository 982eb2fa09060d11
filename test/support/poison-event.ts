import { randomUUID } from 'node:crypto';
import { TestDatabase } from './test-database';

/** The subscriptions that consume payment.result: each dead-letters a poison one on its own. */
export const PAYMENT_RESULT_SUBSCRIPTIONS = ['inventory-release-stock-when-payment-failed', 'notification-notify-when-payment-result', 'orders-settle-when-payment-result'];

/**
 * Writes a payment.result whose data breaks its schema (no userId, no amount, an unknown status) straight into
 * the outbox: POST / refuses such an event at the door, so the outbox is the only way it reaches a subscription.
 */
export async function publishPoisonPaymentResult(db: TestDatabase): Promise<{ eventId: string; orderId: string }> {
  const orderId = randomUUID();
  const eventId = randomUUID();
  const event = {
    specversion: '1.0',
    id: eventId,
    source: 'payment',
    type: 'com.toolsku.payment.result',
    subject: orderId,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: { orderId, status: 'maybe' },
  };
  await db.query('INSERT INTO events.outbox (event_id, type, subject, event) VALUES ($1, $2, $3, $4)', [eventId, event.type, orderId, JSON.stringify(event)]);
  return { eventId, orderId };
}
