/** An order moves pending -> reserved -> paid, or ends rejected (no stock) or payment_failed. */
export type OrderStatus = 'pending' | 'reserved' | 'paid' | 'rejected' | 'payment_failed';

export const ORDER_STATUSES = ['pending', 'reserved', 'paid', 'rejected', 'payment_failed'] as const satisfies readonly OrderStatus[];

/**
 * The statuses each status may be reached from. Events can arrive out of order (a payment result before
 * the reservation is recorded), so a later status may skip an earlier one but never move back.
 */
const REACHABLE_FROM: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: [],
  reserved: ['pending'],
  rejected: ['pending'],
  paid: ['pending', 'reserved'],
  payment_failed: ['pending', 'reserved'],
};

export function reachableFrom(status: OrderStatus): readonly OrderStatus[] {
  return REACHABLE_FROM[status];
}

export function isFinal(status: OrderStatus): boolean {
  return ORDER_STATUSES.every((next) => !REACHABLE_FROM[next].includes(status));
}
