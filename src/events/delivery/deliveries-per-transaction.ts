import { Subscription } from '../subscription';

/**
 * How many queued deliveries of a subscription may share one transaction: EVENTS_DELIVERY_BATCH for one declared
 * `batched` (its handler may run again when a batch-mate fails, ADR 9), else one.
 */
export function deliveriesPerTransaction(subscription: Pick<Subscription, 'batched'>, deliveryBatch: number): number {
  return subscription.batched ? deliveryBatch : 1;
}
