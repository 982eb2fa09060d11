import { randomUUID } from 'node:crypto';
import { eventually } from '../support/eventually';
import { INGRESS_TOKEN } from '../support/test-app';
import type { TestDatabase } from '../support/test-database';
import { request } from './chain.scenarios';

/**
 * The forged attempts of issue 16 against any topology that runs the modules behind HTTP receivers: each is
 * refused with its status and code, and stock, orders, payments, notifications and dead letters are as before.
 */
export interface ForgeryTarget {
  /** One URL serving every customer and admin route. */
  url: string;
  db: TestDatabase;
  /** The URLs whose `POST /` would handle an event of this catalog name (the monolith: its own). */
  receiversOf(name: string): string[];
  /** The URLs where a dead-letter intake could be. */
  intakes: string[];
}

export const TYPE = (name: string): string => `com.toolsku.${name}`;

export interface Answer {
  status: number;
  challenge: string | null;
  code?: string;
}

export async function postEvent(url: string, attributes: { id?: string; source: string; type: string }, data: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'ce-specversion': '1.0', 'ce-id': attributes.id ?? randomUUID(), 'ce-source': attributes.source, 'ce-type': attributes.type, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(data),
  });
  const text = await response.text();
  return { status: response.status, challenge: response.headers.get('www-authenticate'), code: text ? (JSON.parse(text) as { code?: string }).code : undefined };
}

/** Who really publishes each type: a forger signs as them. */
export const PUBLISHER: Record<string, string> = { 'payment.result': 'payment', 'payment.request': 'inventory', 'inventory.insufficient': 'inventory' };

export const PRODUCER = { authorization: `Bearer ${INGRESS_TOKEN}` };
const WRONG_TOKEN = { authorization: 'Bearer not-the-ingress-token-at-all' };

/** Everything a forged event could change, for one order and its SKU. */
export async function stateOfOrder(db: TestDatabase, orderId: string, sku: string, userId: string): Promise<Record<string, unknown>> {
  const q = (sql: string, params: unknown[]) => db.query(sql, params);
  return {
    stock: await q('SELECT available FROM inventory.stock WHERE sku = $1', [sku]),
    reservations: await q('SELECT status FROM inventory.reservations WHERE order_id = $1', [orderId]),
    orders: await q('SELECT status, total_minor FROM orders.orders WHERE id = $1', [orderId]),
    payments: await q('SELECT status, amount_minor FROM payment.payments WHERE order_id = $1', [orderId]),
    notifications: await q('SELECT title, body FROM notification.notifications WHERE user_id = $1 ORDER BY id', [userId]),
    deadLetters: await q('SELECT count(*) AS n FROM deadletter.events', []),
  };
}

/** A paid order of a fresh SKU (stock 50, 3 reserved and sold), with its notification sent, placed through `url`. */
export async function placePaidOrder(url: string, db: TestDatabase): Promise<{ orderId: string; sku: string; userId: string }> {
  const http = (method: string, path: string, body?: unknown, admin = false) => request(url, method, path, body, { admin });
  const sku = `T-forge-${randomUUID().slice(0, 8)}`;
  expect((await http('PUT', `/inventory/${sku}`, { name: 'Forgery test item', price: '89.00', available: 50 }, true)).status).toBe(200);
  const userId = `victim-${randomUUID().slice(0, 8)}`;
  const placed = await http('POST', '/orders', { userId, items: [{ sku, quantity: 3 }] });
  expect(placed.status).toBe(202);
  const orderId = placed.body.orderId as string;
  await eventually(async () => expect((await http('GET', `/orders/${orderId}`)).body.status).toBe('paid'), { timeoutMs: 30_000 });
  await eventually(async () => expect(await db.query('SELECT 1 FROM notification.notifications WHERE order_id = $1', [orderId])).toHaveLength(1));
  await eventually(async () => expect(await db.query('SELECT id FROM events.outbox WHERE subject = $1 AND dispatched_at IS NULL', [orderId])).toEqual([]));
  return { orderId, sku, userId };
}

export function describeForgeries(name: string, start: () => Promise<ForgeryTarget & { stop(): Promise<void> }>): void {
  describe(name, () => {
    let target: ForgeryTarget & { stop(): Promise<void> };

    beforeAll(async () => {
      target = await start();
    }, 180_000);

    afterAll(() => target?.stop());

    const stateOf = (orderId: string, sku: string, userId: string) => stateOfOrder(target.db, orderId, sku, userId);
    const paidOrder = () => placePaidOrder(target.url, target.db);

    const forgedInternal: Array<[string, string, (order: { orderId: string; userId: string }) => unknown]> = [
      ['a failed payment.result for a paid order', 'payment.result', ({ orderId, userId }) => ({ orderId, userId, status: 'failed', amount: '267.00', reason: 'Click https://phish.example to pay again' })],
      ['a payment.request of 0.01 for a paid order', 'payment.request', ({ orderId, userId }) => ({ orderId, userId, amount: '0.01', currency: 'USD', method: 'card' })],
      ['an inventory.insufficient for a paid order', 'inventory.insufficient', ({ orderId, userId }) => ({ orderId, userId, reason: 'forged', missing: [{ sku: 'SKU-001', requested: 1, available: 0 }] })],
    ];

    it.each(forgedInternal)('refuses %s with 403 EVENT_TYPE_INTERNAL, with or without the ingress token, and changes nothing', async (_what, type, data) => {
      const order = await paidOrder();
      const before = await stateOf(order.orderId, order.sku, order.userId);

      for (const receiver of target.receiversOf(type)) {
        for (const headers of [{}, PRODUCER, WRONG_TOKEN]) {
          const answer = await postEvent(`${receiver}/`, { source: PUBLISHER[type], type: TYPE(type) }, data(order), headers);
          if (headers === WRONG_TOKEN) expect(answer).toEqual({ status: 401, challenge: expect.stringMatching(/^Bearer /), code: 'EVENT_SENDER_UNAUTHENTICATED' });
          else expect(answer).toEqual({ status: 403, challenge: null, code: 'EVENT_TYPE_INTERNAL' });
        }
      }

      expect(await stateOf(order.orderId, order.sku, order.userId)).toEqual(before);
      expect(before).toMatchObject({ stock: [{ available: 47 }], reservations: [{ status: 'sold' }], orders: [{ status: 'paid', total_minor: '26700' }] });
    });

    it('refuses an order.created without the ingress token (401 with a challenge), or under a module name as source (403), and stores nothing', async () => {
      for (const receiver of target.receiversOf('order.created')) {
        const orderId = randomUUID();
        const data = { orderId, userId: 'mallory', items: [{ sku: 'SKU-002', quantity: 3 }] };
        const [{ available }] = await target.db.query<{ available: number }>(`SELECT available FROM inventory.stock WHERE sku = 'SKU-002'`);

        expect(await postEvent(`${receiver}/`, { source: 'storefront', type: TYPE('order.created') }, data)).toEqual({ status: 401, challenge: 'Bearer realm="events"', code: 'EVENT_SENDER_UNAUTHENTICATED' });
        expect(await postEvent(`${receiver}/`, { source: 'storefront', type: TYPE('order.created') }, data, WRONG_TOKEN)).toEqual({
          status: 401,
          challenge: 'Bearer realm="events"',
          code: 'EVENT_SENDER_UNAUTHENTICATED',
        });
        for (const source of ['orders', 'inventory', '/payment']) {
          expect(await postEvent(`${receiver}/`, { source, type: TYPE('order.created') }, data, PRODUCER)).toEqual({ status: 403, challenge: null, code: 'EVENT_SOURCE_RESERVED' });
        }

        expect(await target.db.query('SELECT id FROM orders.orders WHERE id = $1', [orderId])).toEqual([]);
        expect(await target.db.query('SELECT order_id FROM inventory.reservations WHERE order_id = $1', [orderId])).toEqual([]);
        expect(await target.db.query('SELECT event_id FROM events.inbox WHERE subject = $1', [orderId])).toEqual([]);
        expect(await target.db.query(`SELECT available FROM inventory.stock WHERE sku = 'SKU-002'`)).toEqual([{ available }]);
      }
    });

    it('does not route POST /dead-letters/intake at all, and stores no letter', async () => {
      const [before] = await target.db.query('SELECT count(*) AS n FROM deadletter.events');
      for (const intake of target.intakes) {
        const answer = await postEvent(`${intake}/dead-letters/intake?subscription=no-such-subscription`, { source: 'payment', type: TYPE('payment.result') }, { orderId: 'x' }, PRODUCER);
        expect(answer.status).toBe(404);
      }
      expect(await target.db.query('SELECT count(*) AS n FROM deadletter.events')).toEqual([before]);
    });
  });
}
