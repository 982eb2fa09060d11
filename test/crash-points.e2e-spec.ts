import { randomUUID } from 'node:crypto';
import { duplicateDeliveries, expectChainSettled, ordersOn } from './support/faults/chain-invariants';
import { crashAt, exited } from './support/faults/crash-hook';
import { AppProcess, INGRESS_TOKEN, request } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

/**
 * The built monolith killed with SIGKILL at the worst moments, on purpose: test/support/faults/crash-at.js,
 * preloaded, kills it at a checkpoint of src/events/checkpoints.ts (ADR 17). The restarted process must finish
 * every chain, and the inbox must turn away what the dead one had already committed.
 */

/** Per-attempt log lines, and a short lease so the restarted process takes the dead one's rows over quickly. */
const ENV = { LOG_LEVEL: 'info', EVENTS_OUTBOX_POLL_INTERVAL: 'PT0.2S', EVENTS_OUTBOX_LEASE: 'PT1S' };

describe('the monolith killed at its worst moments', () => {
  let db: TestDatabase;
  const processes: AppProcess[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
  });

  afterEach(async () => {
    for (const app of processes.splice(0)) await app.kill('SIGKILL');
    await db.drop();
  });

  async function started(env: Record<string, string> = {}): Promise<AppProcess> {
    const app = new AppProcess({ ...ENV, DATABASE_URL: db.url, ...env });
    processes.push(app);
    await app.start(60_000);
    return app;
  }

  async function freshSku(app: AppProcess, available: number): Promise<string> {
    const sku = `T-crash-${randomUUID().slice(0, 8)}`;
    expect((await request(app.url, 'PUT', `/inventory/${sku}`, { name: 'Crash item', price: '2.00', available }, { admin: true })).status).toBe(200);
    return sku;
  }

  it('handles again, as duplicates, the deliveries a process committed but died before marking dispatched', async () => {
    const crashing = await started(crashAt('outbox.published'));
    const sku = await freshSku(crashing, 30);
    const accepted: string[] = [];
    // The process dies at the first event it delivered, maybe before answering: orders are read back from the database.
    for (let n = 0; n < 6; n++) {
      const items = [{ sku, quantity: 1 + (n % 2) }];
      const placed = await request(crashing.url, 'POST', '/orders', { userId: `crash-mark-${n}`, items, ...(n % 3 === 2 ? { paymentMethod: 'test_decline' } : {}) }).catch(() => undefined);
      if (placed?.status === 202) accepted.push(placed.body.orderId);
    }
    await exited(crashing);
    const orders = await ordersOn(db, [sku], accepted);
    expect(orders.length).toBeGreaterThan(0);
    const unmarked = await db.query<{ id: string }>('SELECT id FROM events.outbox WHERE dispatched_at IS NULL');
    expect(unmarked.length).toBeGreaterThan(0);

    const restarted = await started();
    await expectChainSettled(db, orders, { [sku]: 30 });
    // The event delivered before the kill was delivered again, and every subscription's inbox turned it away.
    expect(duplicateDeliveries(restarted.lines())).toBeGreaterThan(0);
    const redelivered = await db.query<{ attempts: number }>('SELECT attempts FROM events.outbox WHERE id = ANY($1::bigint[]) AND attempts > 1', [unmarked.map((row) => row.id)]);
    expect(redelivered.length).toBeGreaterThan(0);
  }, 180_000);

  it('handles a CloudEvent once when the sender retries it after the receiver died between its commit and its 204', async () => {
    const crashing = await started(crashAt('receiver.committed'));
    const sku = await freshSku(crashing, 10);
    const orderId = randomUUID();
    const items = [{ sku, quantity: 2 }];
    const headers = { authorization: `Bearer ${INGRESS_TOKEN}`, 'ce-specversion': '1.0', 'ce-id': randomUUID(), 'ce-source': 'https://storefront.example/orders', 'ce-type': 'com.toolsku.order.created' };
    const data = { orderId, userId: 'crash-receiver', items: [{ sku, name: 'Crash item', quantity: 2, price: 2 }], total: 4, status: 'pending', createdAt: new Date().toISOString() };

    // The sender sees the connection drop, never a 204: for it the event may or may not have arrived.
    await expect(request(crashing.url, 'POST', '/', data, { headers })).rejects.toThrow();
    await exited(crashing);
    expect(await db.query('SELECT id FROM orders.orders WHERE id = $1', [orderId])).toEqual([{ id: orderId }]);

    const restarted = await started();
    expect((await request(restarted.url, 'POST', '/', data, { headers })).status).toBe(204);
    await expectChainSettled(db, [{ orderId, items }], { [sku]: 10 });
    const retried = restarted.lines().filter((line) => line.includes(headers['ce-id']));
    expect(retried.filter((line) => line.includes('"outcome":"duplicate"')).length).toBeGreaterThan(0);
  }, 180_000);
});
