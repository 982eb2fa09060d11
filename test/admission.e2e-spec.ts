import { randomUUID } from 'node:crypto';
import { OutboxDispatcher } from '../src/events/outbox/outbox-dispatcher';
import { eventually } from './support/eventually';
import { INGRESS_TOKEN, startTestApp, TestApp } from './support/test-app';

/**
 * Admission control: past the backlog limit, intake answers 503 with Retry-After before storing anything,
 * instead of queueing behind work the process cannot keep up with. Nothing accepted is lost: every order
 * answered 202 (or 204 at POST /) reaches a final status; a refused one left no trace.
 */
const BURST = 60;
const FINAL = ['paid', 'rejected', 'payment_failed'];

interface Answer {
  status: number;
  retryAfter: string | null;
  code?: string;
}

describe('admission control under a burst', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ EVENTS_SUBSCRIPTION_CONCURRENCY: '1', ADMISSION_DELIVERIES_WAITING: '2', ADMISSION_RETRY_AFTER: 'PT2S' });
  });

  afterAll(async () => {
    await app?.stop();
  });

  async function post(path: string, headers: Record<string, string>, body: unknown): Promise<Answer & { body?: any }> {
    const response = await fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : undefined;
    return { status: response.status, retryAfter: response.headers.get('retry-after'), code: parsed?.code, body: parsed };
  }

  function expectShedAndAccepted(answers: Answer[], accepted: number): void {
    const shed = answers.filter((answer) => answer.status === 503);
    expect(shed.length).toBeGreaterThan(0);
    expect(shed).toEqual(shed.map(() => ({ status: 503, retryAfter: '2', code: 'SERVICE_BACKLOGGED', body: expect.anything() })));
    expect(answers.filter((answer) => answer.status === accepted).length).toBe(answers.length - shed.length);
  }

  async function statusesOf(orderIds: string[]): Promise<Map<string, string>> {
    const rows = await app.db.query<{ id: string; status: string }>('SELECT id, status FROM orders.orders WHERE id = ANY($1)', [orderIds]);
    return new Map(rows.map((row) => [row.id, row.status]));
  }

  it('sheds POST /orders with 503 and Retry-After, and brings every accepted order to a final status', async () => {
    const answers = await Promise.all(Array.from({ length: BURST }, (_, n) => post('/orders', {}, { userId: `burst-${n}`, items: [{ sku: 'SKU-003', quantity: 1 }] })));

    expectShedAndAccepted(answers, 202);
    const accepted = answers.filter((answer) => answer.status === 202).map((answer) => answer.body.orderId as string);
    await eventually(
      async () => {
        const statuses = await statusesOf(accepted);
        expect(accepted.filter((orderId) => !FINAL.includes(statuses.get(orderId) ?? 'missing'))).toEqual([]);
      },
      { timeoutMs: 60_000 },
    );
    const [{ count }] = await app.db.query<{ count: string }>(`SELECT count(*) FROM orders.orders WHERE user_id LIKE 'burst-%'`);
    expect(Number(count)).toBe(accepted.length);
  }, 90_000);

  it('sheds POST / with 503 and Retry-After, so the sender retries later; what it took is handled, what it refused left nothing', async () => {
    const orderIds = Array.from({ length: BURST }, () => randomUUID());
    const answers = await Promise.all(
      orderIds.map((orderId) =>
        post(
          '/',
          { authorization: `Bearer ${INGRESS_TOKEN}`, 'ce-specversion': '1.0', 'ce-id': randomUUID(), 'ce-source': 'https://storefront.example/orders', 'ce-type': 'com.toolsku.order.created' },
          { orderId, userId: 'ce-burst', items: [{ sku: 'SKU-003', quantity: 1 }] },
        ),
      ),
    );

    expectShedAndAccepted(answers, 204);
    const taken = orderIds.filter((_, n) => answers[n].status === 204);
    const refused = orderIds.filter((_, n) => answers[n].status === 503);
    await eventually(
      async () => {
        const statuses = await statusesOf(taken);
        expect(taken.filter((orderId) => !FINAL.includes(statuses.get(orderId) ?? 'missing'))).toEqual([]);
      },
      { timeoutMs: 60_000 },
    );
    expect((await statusesOf(refused)).size).toBe(0);
  }, 90_000);

  it('shows the shed requests and the waiting deliveries in /metrics', async () => {
    const metrics = await (await fetch(`${app.url}/metrics`)).text();

    expect(metrics).toMatch(/^http_requests_shed_total\{route="\/orders"\} [1-9]/m);
    expect(metrics).toMatch(/^http_requests_shed_total\{route="\/"\} [1-9]/m);
    expect(metrics).toMatch(/^events_deliveries_waiting\{subscription="inventory-reserve-stock-when-order-created"\} \d+/m);
    expect(metrics).toMatch(/^events_outbox_ready \d+/m);
  });
});

describe('the dispatcher’s bounded ready list', () => {
  let app: TestApp;

  beforeAll(async () => {
    // One dispatch slot: the ready list holds at most four rows, the rest go back to the outbox. Nothing shed here
    // (startTestApp leaves the environment of the app above in process.env).
    app = await startTestApp({ EVENTS_DISPATCH_CONCURRENCY: '1', EVENTS_SUBSCRIPTION_CONCURRENCY: '1', ADMISSION_DELIVERIES_WAITING: '8192' });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('never holds more than four rows per dispatch slot, and every order still finishes', async () => {
    const dispatcher = app.app.get(OutboxDispatcher);
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, dispatcher.readyCount)), 1);
    try {
      const answers = await Promise.all(Array.from({ length: 40 }, (_, n) => app.http('POST', '/orders', { userId: `ready-${n}`, items: [{ sku: 'SKU-003', quantity: 1 }] })));
      expect(answers.map(({ status }) => status)).toEqual(answers.map(() => 202));
      const orderIds = answers.map(({ body }) => body.orderId as string);
      await eventually(
        async () => {
          const rows = await app.db.query<{ status: string }>('SELECT status FROM orders.orders WHERE id = ANY($1)', [orderIds]);
          expect(rows.map((row) => row.status)).toEqual(orderIds.map(() => 'paid'));
        },
        { timeoutMs: 60_000 },
      );
    } finally {
      clearInterval(watch);
    }
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(4);
  }, 90_000);
});
