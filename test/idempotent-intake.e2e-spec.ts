import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { eventually } from './support/eventually';
import { startTestApp, TestApp } from './support/test-app';

/**
 * POST /orders with an `Idempotency-Key`: the same key and body answer the same order, however often and
 * however concurrently they are sent, a retry after a client-side timeout included; the same key with another
 * body is a 422; keys belong to one customer and expire after ORDERS_IDEMPOTENCY_WINDOW. Every 202 carries
 * the order's Location.
 */
describe('idempotent order intake', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ ORDERS_IDEMPOTENCY_WINDOW: 'PT1H' });
  });
  afterAll(() => app?.stop());

  const order = (userId: string, quantity = 1) => ({ userId, items: [{ sku: 'SKU-001', quantity }] });

  async function place(body: unknown, key?: string, signal?: AbortSignal): Promise<{ status: number; location: string | null; body: any }> {
    const response = await fetch(`${app.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
      body: JSON.stringify(body),
      signal,
    });
    return { status: response.status, location: response.headers.get('location'), body: await response.json() };
  }

  async function ordersOf(userId: string): Promise<string[]> {
    return (await app.db.query<{ id: string }>('SELECT id FROM orders.orders WHERE user_id = $1', [userId])).map((row) => row.id);
  }

  it('answers 202 with the Location of the order, with or without a key', async () => {
    const user = `idem-${randomUUID()}`;
    const placed = await place(order(user));
    expect(placed).toEqual({ status: 202, location: `/orders/${placed.body.orderId}`, body: { orderId: expect.any(String), status: 'pending' } });
    expect((await app.http('GET', placed.location!)).status).toBe(200);
    await place(order(user));
    expect(await ordersOf(user)).toHaveLength(2);
  });

  it('returns the same order and answer for the same key and body', async () => {
    const user = `idem-${randomUUID()}`;
    const key = randomUUID();
    const first = await place(order(user), key);
    const again = await place(order(user), key);
    expect(first.status).toBe(202);
    expect(again).toEqual(first);
    expect(await ordersOf(user)).toEqual([first.body.orderId]);
  });

  it('places one order when the same key is posted eight times at once', async () => {
    const user = `idem-${randomUUID()}`;
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 8 }, () => place(order(user), key)));
    const orderIds = new Set(answers.map((answer) => answer.body.orderId));
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(202));
    expect(orderIds.size).toBe(1);
    expect(await ordersOf(user)).toEqual([...orderIds]);
  });

  it('refuses the same key with a different body with 422, keeping the first order', async () => {
    const user = `idem-${randomUUID()}`;
    const key = randomUUID();
    const first = await place(order(user, 1), key);
    const other = await place(order(user, 2), key);
    expect(other).toEqual({ status: 422, location: null, body: expect.objectContaining({ statusCode: 422, code: 'IDEMPOTENCY_KEY_REUSED' }) });
    expect(await ordersOf(user)).toEqual([first.body.orderId]);
  });

  it('keeps keys per customer: another customer with the same key gets its own order', async () => {
    const key = randomUUID();
    const [mine, theirs] = [`idem-${randomUUID()}`, `idem-${randomUUID()}`];
    const first = await place(order(mine), key);
    const second = await place(order(theirs), key);
    expect(second.status).toBe(202);
    expect(second.body.orderId).not.toBe(first.body.orderId);
  });

  it('places a new order once the key is older than the window', async () => {
    const user = `idem-${randomUUID()}`;
    const key = randomUUID();
    const first = await place(order(user), key);
    await app.db.query(`UPDATE orders.idempotency_keys SET created_at = now() - interval '2 hours' WHERE user_id = $1`, [user]);
    const later = await place(order(user, 3), key);
    expect(later.status).toBe(202);
    expect(later.body.orderId).not.toBe(first.body.orderId);
    expect(await ordersOf(user)).toHaveLength(2);
  });

  it('never places a second order for a client that gave up waiting and retried', async () => {
    const user = `idem-${randomUUID()}`;
    const key = randomUUID();
    // A slow database: the key table is locked, so the first attempt hangs until the client gives up.
    const blocker = new Client({ connectionString: app.db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE orders.idempotency_keys IN EXCLUSIVE MODE');
      const abandoned = new AbortController();
      const firstAttempt = place(order(user), key, abandoned.signal).catch((error: Error) => error.name);
      await eventually(async () => expect(await waitingOnLocks()).toBe(1));
      abandoned.abort();
      expect(await firstAttempt).toBe('AbortError');
      const retry = place(order(user), key);
      await eventually(async () => expect(await waitingOnLocks()).toBe(2));
      await blocker.query('COMMIT');
      const answer = await retry;
      expect(answer.status).toBe(202);
      await eventually(async () => expect(await ordersOf(user)).toEqual([answer.body.orderId]));
    } finally {
      await blocker.end();
    }

    async function waitingOnLocks(): Promise<number> {
      const [row] = await app.db.query<{ waiting: number }>(`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%idempotency_keys%'`);
      return row.waiting;
    }
  });

  it.each([
    ['an empty key', ''],
    ['a key with spaces', 'two words'],
    ['a key over 255 characters', 'k'.repeat(256)],
  ])('refuses %s with 400', async (_name, key) => {
    expect(await place(order(`idem-${randomUUID()}`), key)).toMatchObject({ status: 400, body: { code: 'REQUEST_INVALID' } });
  });
});
