import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { eventually } from './support/eventually';
import { AppProcess, request } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

/**
 * The built app (`dist/main.js`) as a real process, killed with SIGKILL at the worst moments: the outbox
 * and the inbox must make the restarted process finish every chain, losing nothing and doing nothing twice.
 */

const ROOT = resolve(__dirname, '..');
const MAIN = resolve(ROOT, 'dist/main.js');
const ORDER_CREATED = 'com.toolsku.order.created';
/** Fast polling, so a restarted process picks up what the dead one left without waiting a second each time. */
const FAST_POLL = { EVENTS_OUTBOX_POLL_INTERVAL: 'PT0.2S' };

interface OrderLine {
  sku: string;
  quantity: number;
}

function sumBySku(orders: OrderLine[][]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const line of orders.flat()) sums[line.sku] = (sums[line.sku] ?? 0) + line.quantity;
  return sums;
}

describe('crash recovery of the built app', () => {
  let db: TestDatabase | undefined;
  const processes: AppProcess[] = [];

  afterEach(async () => {
    for (const app of processes.splice(0)) await app.kill('SIGKILL');
    await db?.drop();
    db = undefined;
  });

  /** Starts dist/main.js on the test database, on a port of its own; returns it with its base URL. */
  async function startProcess(env: Record<string, string> = {}): Promise<{ app: AppProcess; url: string }> {
    const app = new AppProcess({ ...FAST_POLL, DATABASE_URL: db!.url, ...env });
    processes.push(app);
    await app.start();
    return { app, url: app.url };
  }

  async function placeOrders(url: string, orders: OrderLine[][], label: string): Promise<string[]> {
    const answers = await Promise.all(orders.map((items, n) => request(url, 'POST', '/orders', { userId: `${label}-${n}`, items })));
    expect(answers.filter((answer) => answer.status !== 202)).toEqual([]);
    const orderIds = answers.map((answer) => answer.body.orderId as string);
    expect(new Set(orderIds).size).toBe(orders.length);
    return orderIds;
  }

  async function stock(): Promise<Record<string, number>> {
    const rows = await db!.query<{ sku: string; available: number }>('SELECT sku, available FROM inventory.stock ORDER BY sku');
    return Object.fromEntries(rows.map((row) => [row.sku, row.available]));
  }

  async function statuses(orderIds: string[]): Promise<Record<string, number>> {
    const rows = await db!.query<{ status: string; count: string }>('SELECT status, count(*) FROM orders.orders WHERE id = ANY($1::text[]) GROUP BY status', [orderIds]);
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  }

  /** How many rows each order has in a table keyed by `order_id` (orders with none are absent). */
  async function rowsPerOrder(table: string, orderIds: string[], where = 'true'): Promise<Record<string, number>> {
    const rows = await db!.query<{ order_id: string; count: string }>(`SELECT order_id, count(*) FROM ${table} WHERE order_id = ANY($1::text[]) AND ${where} GROUP BY order_id`, [orderIds]);
    return Object.fromEntries(rows.map((row) => [row.order_id, Number(row.count)]));
  }

  function oncePerOrder(orderIds: string[]): Record<string, number> {
    return Object.fromEntries(orderIds.map((orderId) => [orderId, 1]));
  }

  /** Every committed event delivered: after this nothing more can happen, so counts are final. */
  async function drained(): Promise<void> {
    await eventually(async () => expect(await db!.query('SELECT id, type FROM events.outbox WHERE dispatched_at IS NULL')).toEqual([]), { timeoutMs: 60_000, intervalMs: 100 });
  }

  /** Each order paid, charged once, told once (the log channel: no webhook here), and stock taken exactly once. */
  async function expectEveryOrderPaidOnce(orderIds: string[], orders: OrderLine[][], initial: Record<string, number>): Promise<void> {
    await eventually(async () => expect(await statuses(orderIds)).toEqual({ paid: orderIds.length }), { timeoutMs: 90_000, intervalMs: 200 });
    await eventually(async () => expect(await rowsPerOrder('notification.notifications', orderIds)).toEqual(oncePerOrder(orderIds)), { timeoutMs: 30_000, intervalMs: 200 });
    await drained();

    expect(await statuses(orderIds)).toEqual({ paid: orderIds.length });
    expect(await rowsPerOrder('payment.payments', orderIds, `status = 'succeeded'`)).toEqual(oncePerOrder(orderIds));
    expect(await rowsPerOrder('notification.notifications', orderIds, `channel = 'log'`)).toEqual(oncePerOrder(orderIds));
    expect(await rowsPerOrder('inventory.reservations', orderIds, `status = 'sold'`)).toEqual(oncePerOrder(orderIds));
    const taken = sumBySku(orders);
    const now = await stock();
    expect(Object.fromEntries(Object.keys(initial).map((sku) => [sku, initial[sku] - now[sku]]))).toEqual(Object.fromEntries(Object.keys(initial).map((sku) => [sku, taken[sku] ?? 0])));
    // Nothing was dead-lettered on the way.
    expect(await db!.query('SELECT subscription, event_type, error_code FROM deadletter.events')).toEqual([]);
  }

  it('completes the chain after a SIGKILL between accepting orders and dispatching their events', async () => {
    db = await createTestDatabase();
    const intake = await startProcess({ EVENTS_OUTBOX_DISPATCH: 'false' });
    const initial = await stock();
    const orders: OrderLine[][] = Array.from({ length: 20 }, (_, n) => [{ sku: 'SKU-001', quantity: 1 + (n % 3) }]);

    const orderIds = await placeOrders(intake.url, orders, 'crash-before-dispatch');

    const pending = await db.query<{ subject: string; type: string; attempts: number }>('SELECT subject, type, attempts FROM events.outbox WHERE dispatched_at IS NULL ORDER BY id');
    expect(pending).toHaveLength(20);
    expect(pending.map((row) => row.subject).sort()).toEqual([...orderIds].sort());
    expect(pending.every((row) => row.type === ORDER_CREATED && row.attempts === 0)).toBe(true);
    expect(await db.query('SELECT order_id FROM inventory.reservations')).toEqual([]);
    expect(await db.query('SELECT order_id FROM payment.payments')).toEqual([]);
    expect(await stock()).toEqual(initial);
    expect(await statuses(orderIds)).toEqual({ pending: 20 });

    await intake.app.kill('SIGKILL');
    await startProcess();

    await expectEveryOrderPaidOnce(orderIds, orders, initial);
    expect(initial['SKU-001'] - (await stock())['SKU-001']).toBe(orders.flat().reduce((sum, line) => sum + line.quantity, 0));
  }, 180_000);

  it('loses nothing and doubles nothing when killed while events are in flight', async () => {
    db = await createTestDatabase();
    const env = { EVENTS_OUTBOX_LEASE: 'PT1S' };
    const first = await startProcess(env);
    const initial = await stock();
    // 150 of SKU-003 and 25 of SKU-001: every order fits, so every one must end paid; a quarter take two SKUs at once.
    const orders: OrderLine[][] = Array.from({ length: 100 }, (_, n) => [{ sku: 'SKU-003', quantity: 1 + (n % 2) }, ...(n % 4 === 0 ? [{ sku: 'SKU-001', quantity: 1 }] : [])]);

    const orderIds = await placeOrders(first.url, orders, 'crash-in-flight');
    // The kill follows a moment the test sees in the database (the first order paid), not a time; how far the
    // chain gets before the signal lands is the scheduler's, so only what recovery must guarantee is asserted.
    await eventually(async () => expect((await statuses(orderIds)).paid ?? 0).toBeGreaterThanOrEqual(1), { timeoutMs: 30_000, intervalMs: 10 });
    await first.app.kill('SIGKILL');

    await startProcess(env);

    await expectEveryOrderPaidOnce(orderIds, orders, initial);
    // Stock is conserved: what left the shelves is exactly what the paid orders bought.
    const now = await stock();
    const paidQuantities = sumBySku(orders);
    for (const sku of Object.keys(initial)) expect({ sku, taken: initial[sku] - now[sku] }).toEqual({ sku, taken: paidQuantities[sku] ?? 0 });
  }, 240_000);

  it('refuses to start with an invalid configuration and says which key', async () => {
    db = await createTestDatabase();
    // PORT=0 and an IPC channel: had the app come up, it would have reported where it listens (reportListening).
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, LOG_LEVEL: 'error', PORT: '0', DATABASE_URL: db.url, EVENT_TRANSPORT: 'carrier-pigeon' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const stderr: string[] = [];
    const stdout: string[] = [];
    const reports: unknown[] = [];
    child.on('message', (message) => reports.push(message));
    child.stderr!.on('data', (chunk) => stderr.push(String(chunk)));
    child.stdout!.on('data', (chunk) => stdout.push(String(chunk)));
    try {
      const exitCode = await eventually(() => {
        if (child.exitCode === null && child.signalCode === null) throw new Error(`still running; output so far: ${stdout.join('')}${stderr.join('')}`);
        return child.exitCode;
      });

      expect({ exitCode, signal: child.signalCode }).toEqual({ exitCode: 1, signal: null });
      expect(stderr.join('')).toContain('EVENT_TRANSPORT');
      expect(reports).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
    }
  });
});
