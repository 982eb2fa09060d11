import { randomUUID } from 'node:crypto';
import { request } from './scenarios/chain.scenarios';
import { eventually } from './support/eventually';
import { AppProcess } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

/**
 * Scarce stock under real contention: two processes of the built app on one database, both dispatching the
 * outbox (so both run the inventory subscription), each running several transactions of a subscription at once,
 * with batches of events sharing a transaction. Orders take several SKUs, named in opposite orders, in mixed
 * quantities, so the row locks of concurrent transactions cross: a lock taken out of a stable order shows up as
 * a deadlock (SQLSTATE 40P01) in the failed attempts.
 */

interface Line {
  sku: string;
  quantity: number;
}

const ORDERS = 160;
const INITIAL = 40;
const TRANSACTIONS_PER_SUBSCRIPTION = '4';

describe('scarce stock taken by two app processes, several transactions each', () => {
  let db: TestDatabase;
  const inventories: AppProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = { DATABASE_URL: db.url, EVENTS_SUBSCRIPTION_CONCURRENCY: TRANSACTIONS_PER_SUBSCRIPTION, EVENTS_OUTBOX_POLL_INTERVAL: 'PT0.2S' };
    for (let n = 0; n < 2; n++) inventories.push(new AppProcess({ ...env }));
    // One after the other: the second finds the migrations applied.
    for (const app of inventories) await app.start(60_000);
  }, 120_000);

  afterAll(async () => {
    for (const app of inventories) await app.kill('SIGTERM');
    await db?.drop();
  });

  /** Alternates between the processes, so each one's outbox (and so its own reservations) gets half the orders. */
  const http = (method: string, path: string, body?: unknown, admin = false, via = 0) => request(inventories[via % inventories.length].url, method, path, body, { admin });

  /** Rows of `sku` the reservations hold (reserved or sold, not released). */
  async function reservedOf(skus: string[]): Promise<Record<string, number>> {
    const rows = await db.query<{ sku: string; reserved: string }>(
      `SELECT item->>'sku' AS sku, sum((item->>'quantity')::int) AS reserved
         FROM inventory.reservations r, jsonb_array_elements(r.items) AS item
        WHERE r.status IN ('reserved', 'sold') AND item->>'sku' = ANY($1::text[]) GROUP BY 1`,
      [skus],
    );
    return Object.fromEntries(skus.map((sku) => [sku, Number(rows.find((row) => row.sku === sku)?.reserved ?? 0)]));
  }

  it('sells exactly what the stock allows, with no deadlock and no failed attempt', async () => {
    const skus = ['A', 'B', 'C'].map((name) => `T-contended-${name}-${randomUUID().slice(0, 8)}`);
    for (const sku of skus) expect((await http('PUT', `/inventory/${sku}`, { name: 'Contended item', price: '1.00', available: INITIAL }, true)).status).toBe(200);
    const [a, b, c] = skus;
    // Each pair of SKUs named in both orders, with unequal quantities, and a three-SKU order both ways round.
    const shapes: Line[][] = [
      [
        { sku: a, quantity: 1 },
        { sku: b, quantity: 2 },
      ],
      [
        { sku: b, quantity: 1 },
        { sku: a, quantity: 2 },
      ],
      [
        { sku: c, quantity: 2 },
        { sku: b, quantity: 1 },
      ],
      [
        { sku: b, quantity: 2 },
        { sku: c, quantity: 1 },
      ],
      [
        { sku: a, quantity: 1 },
        { sku: c, quantity: 3 },
      ],
      [
        { sku: c, quantity: 1 },
        { sku: a, quantity: 1 },
      ],
      [
        { sku: c, quantity: 1 },
        { sku: b, quantity: 1 },
        { sku: a, quantity: 1 },
      ],
      [
        { sku: a, quantity: 2 },
        { sku: b, quantity: 1 },
        { sku: c, quantity: 1 },
      ],
    ];
    const orders = Array.from({ length: ORDERS }, (_, n) => shapes[n % shapes.length]);

    const placed = await Promise.all(orders.map((items, n) => http('POST', '/orders', { userId: `contender-${n}`, items }, false, n)));
    expect(placed.filter((answer) => answer.status !== 202)).toEqual([]);
    const orderIds: string[] = placed.map((answer) => answer.body.orderId);

    const statuses = await eventually(
      async () => {
        const rows = await db.query<{ id: string; status: string }>('SELECT id, status FROM orders.orders WHERE id = ANY($1::text[])', [orderIds]);
        expect(rows.filter((row) => row.status !== 'paid' && row.status !== 'rejected')).toEqual([]);
        expect(rows).toHaveLength(ORDERS);
        return new Map(rows.map((row) => [row.id, row.status]));
      },
      { timeoutMs: 150_000, intervalMs: 250 },
    );

    // No attempt failed: a deadlock, or a stock update the CHECK refused, would each be one failed attempt here.
    expect(await db.query('SELECT subscription, error_code, error_message FROM events.delivery_failures WHERE subject = ANY($1::text[])', [orderIds])).toEqual([]);
    const logs = inventories.flatMap((app) => app.lines());
    expect(logs.filter((line) => /40P01|deadlock/i.test(line))).toEqual([]);

    const stock = Object.fromEntries((await db.query<{ sku: string; available: number }>('SELECT sku, available FROM inventory.stock WHERE sku = ANY($1::text[])', [skus])).map((row) => [row.sku, row.available]));
    const sold: Record<string, number> = Object.fromEntries(skus.map((sku) => [sku, 0]));
    orders.forEach((items, n) => {
      if (statuses.get(orderIds[n]) === 'paid') for (const { sku, quantity } of items) sold[sku] += quantity;
    });
    // Per SKU, what is left plus what the reservations hold is what there was, and the paid orders hold exactly that.
    const reserved = await reservedOf(skus);
    expect(skus.map((sku) => ({ sku, total: stock[sku] + reserved[sku], reserved: reserved[sku] }))).toEqual(skus.map((sku) => ({ sku, total: INITIAL, reserved: sold[sku] })));
    // Stock only went down, so a rejected order that fits what is left was refused while it fitted: exactly as
    // many orders succeeded as the stock allowed, not fewer.
    const rejectedThatFit = orders.filter((items, n) => statuses.get(orderIds[n]) === 'rejected' && items.every(({ sku, quantity }) => quantity <= stock[sku]));
    expect(rejectedThatFit).toEqual([]);
    // The race was real: demand was far above supply, and both processes took reservations.
    const paid = [...statuses.values()].filter((status) => status === 'paid').length;
    expect({ somePaid: paid > 0, someRejected: paid < ORDERS }).toEqual({ somePaid: true, someRejected: true });
    for (const app of inventories) {
      const metrics = await (await fetch(`${app.url}/metrics`)).text();
      expect(metrics).toMatch(/events_delivered_total\{[^}]*subscription="inventory-reserve-stock-when-order-created"[^}]*outcome="handled"[^}]*\} [1-9]/);
    }
  }, 240_000);
});
