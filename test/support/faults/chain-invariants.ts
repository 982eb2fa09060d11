import { eventually } from '../eventually';
import type { TestDatabase } from '../test-database';

export interface PlacedOrder {
  orderId: string;
  items: { sku: string; quantity: number }[];
}

const FINAL = ['paid', 'rejected', 'payment_failed'];

/**
 * What must hold once the chain settled, however often its processes were killed: every order final; each told
 * once; each charged once when it reached payment; per SKU, what there was = what is left + what paid orders
 * bought; every failed payment's stock given back exactly once; nothing dead-lettered. Pass only orders placed
 * on SKUs no other test touches, with their initial stock.
 */
export async function expectChainSettled(db: TestDatabase, orders: PlacedOrder[], initial: Record<string, number>, timeoutMs = 120_000): Promise<Record<string, number>> {
  const ids = orders.map((order) => order.orderId);
  const statuses = await eventually(
    async () => {
      const rows = await db.query<{ id: string; status: string }>('SELECT id, status FROM orders.orders WHERE id = ANY($1::text[])', [ids]);
      expect(rows.filter((row) => !FINAL.includes(row.status))).toEqual([]);
      expect(rows).toHaveLength(ids.length);
      // The last step of every chain: one notification per order.
      expect(await countPerOrder(db, 'notification.notifications', ids)).toEqual(once(ids));
      return new Map(rows.map((row) => [row.id, row.status]));
    },
    { timeoutMs, intervalMs: 250 },
  );
  const ofStatus = (status: string) => ids.filter((id) => statuses.get(id) === status);
  const reachedPayment = [...ofStatus('paid'), ...ofStatus('payment_failed')];

  expect(await countPerOrder(db, 'notification.notifications', ids)).toEqual(once(ids));
  expect(await countPerOrder(db, 'payment.payments', ids)).toEqual(once(reachedPayment));
  expect(await countPerOrder(db, 'payment.payments', ids, `status = 'succeeded'`)).toEqual(once(ofStatus('paid')));
  // Compensations balance: each failed payment released its reservation, and announced it, exactly once.
  expect(await countPerOrder(db, 'inventory.reservations', ids, `status = 'released'`)).toEqual(once(ofStatus('payment_failed')));
  const released = await db.query<{ subject: string; count: string }>(`SELECT subject, count(*) FROM events.outbox WHERE type = 'com.toolsku.inventory.released' AND subject = ANY($1::text[]) GROUP BY subject`, [ids]);
  expect(Object.fromEntries(released.map((row) => [row.subject, Number(row.count)]))).toEqual(once(ofStatus('payment_failed')));
  expect(await countPerOrder(db, 'inventory.reservations', ids, `status = 'sold'`)).toEqual(once(ofStatus('paid')));

  const skus = Object.keys(initial);
  const rows = await db.query<{ sku: string; available: number }>('SELECT sku, available FROM inventory.stock WHERE sku = ANY($1::text[])', [skus]);
  const available = Object.fromEntries(rows.map((row) => [row.sku, row.available]));
  const sold: Record<string, number> = Object.fromEntries(skus.map((sku) => [sku, 0]));
  for (const order of orders) if (statuses.get(order.orderId) === 'paid') for (const { sku, quantity } of order.items) sold[sku] += quantity;
  expect(skus.map((sku) => ({ sku, total: available[sku] + sold[sku] }))).toEqual(skus.map((sku) => ({ sku, total: initial[sku] })));

  expect(await db.query('SELECT subscription, error_code FROM deadletter.events WHERE subject = ANY($1::text[])', [ids])).toEqual([]);
  const counts: Record<string, number> = {};
  for (const status of statuses.values()) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/**
 * Every order stored on these SKUs: the ones answered 202 and any whose answer a kill swallowed after the commit.
 * Each of `accepted` must be among them.
 */
export async function ordersOn(db: TestDatabase, skus: string[], accepted: string[] = []): Promise<PlacedOrder[]> {
  const rows = await db.query<{ id: string; items: { sku: string; quantity: number }[] }>(
    `SELECT id, items FROM orders.orders WHERE EXISTS (SELECT FROM jsonb_array_elements(items) AS item WHERE item->>'sku' = ANY($1::text[]))`,
    [skus],
  );
  expect(accepted.filter((id) => !rows.some((row) => row.id === id))).toEqual([]);
  return rows.map((row) => ({ orderId: row.id, items: row.items.map(({ sku, quantity }) => ({ sku, quantity })) }));
}

/** Rows per order in a table keyed by `order_id` (orders with none are absent). */
async function countPerOrder(db: TestDatabase, table: string, ids: string[], where = 'true'): Promise<Record<string, number>> {
  const rows = await db.query<{ order_id: string; count: string }>(`SELECT order_id, count(*) FROM ${table} WHERE order_id = ANY($1::text[]) AND ${where} GROUP BY order_id`, [ids]);
  return Object.fromEntries(rows.map((row) => [row.order_id, Number(row.count)]));
}

function once(ids: string[]): Record<string, number> {
  return Object.fromEntries(ids.map((id) => [id, 1]));
}

/** Per-attempt log lines (JSON, at LOG_LEVEL info) whose outcome is `duplicate`: deliveries the inbox turned away. */
export function duplicateDeliveries(lines: string[]): number {
  return lines.filter((line) => line.includes('"outcome":"duplicate"')).length;
}
