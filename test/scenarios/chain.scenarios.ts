import { randomBytes, randomUUID } from 'node:crypto';
import { eventually } from '../support/eventually';
import { ADMIN_TOKEN, INGRESS_TOKEN } from '../support/test-app';
import type { TestDatabase } from '../support/test-database';

/**
 * Whatever runs the order chain: one NestJS app, several processes over Kafka, Knative bundles. The
 * scenarios only talk HTTP to `url` (one entrypoint that serves every route, `POST /` included) and read
 * the shared database through `db`.
 */
export interface Topology {
  url: string;
  db: TestDatabase;
  stop(): Promise<void>;
}

interface Response<T> {
  status: number;
  headers: Headers;
  body: T;
}

interface TimelineEntry {
  type: string;
  id: string;
  source: string;
  time: string;
  /** Events: the trace they belong to and the subscriptions that handled them. */
  traceId?: string;
  handledBy?: Array<{ module: string; subscription: string; attempt: number; outcome: 'handled'; time: string }>;
  /** Failed attempts: which subscription, which attempt, and whether it was the last (dead-lettered). */
  module?: string;
  subscription?: string;
  attempt?: number;
  outcome?: 'failed' | 'dead_lettered';
  errorCode?: string;
}

interface Notification {
  id: string;
  userId: string;
  orderId: string;
  channel: string;
  title: string;
  body: string;
  createdAt: string;
}

const TYPE = (name: string): string => `com.toolsku.${name}`;
const FINAL_STATUSES = ['paid', 'rejected', 'payment_failed'];
const PAYMENT_SUBSCRIPTION = 'payment-take-payment-when-payment-requested';

/**
 * JSON over HTTP to any topology. A string body is sent as is (to send broken JSON); `admin` adds the
 * bearer token; an answer that is not JSON comes back as text rather than throwing, so a gateway's error
 * page shows up in the assertion that fails.
 */
export async function request<T = any>(base: string, method: string, path: string, body?: unknown, options: { admin?: boolean; headers?: Record<string, string> } = {}): Promise<Response<T>> {
  const headers: Record<string, string> = { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers };
  if (options.admin) headers.authorization = `Bearer ${ADMIN_TOKEN}`;
  const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  let parsed: unknown = text === '' ? undefined : text;
  try {
    if (text !== '') parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

/** Integer cents from a decimal string: the expected totals are computed exactly, never with floats. */
function cents(decimal: string): number {
  const [whole, fraction = ''] = decimal.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

function decimal(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Where a topology differs from the monolith by design, not by defect. */
export interface ChainScenarioOptions {
  /**
   * What `POST /` answers an accepted CloudEvent: 204 where the receiver handles it before answering (the
   * monolith), 202 where a Knative Broker takes it for later delivery.
   */
  ingressStatus?: number;
  /**
   * Whether the inbox records which attempt succeeded. The in-process router counts its own retries; a Knative
   * Broker retries without telling the subscriber, so every delivery it makes is attempt 1 to the receiver.
   */
  inboxCountsAttempts?: boolean;
}

export function describeChainScenarios(name: string, start: () => Promise<Topology>, { ingressStatus = 204, inboxCountsAttempts = true }: ChainScenarioOptions = {}): void {
  describe(name, () => {
    let topology: Topology;
    // Jest does not cancel a beforeAll past its timeout: afterAll waits for the start to settle, so what it
    // started is stopped too and nothing outlives the suite.
    let starting: Promise<Topology> | undefined;

    beforeAll(async () => {
      topology = await (starting = start());
    }, 180_000);

    afterAll(async () => {
      await starting?.catch(() => undefined);
      await topology?.stop();
    });

    const http = <T = any>(method: string, path: string, body?: unknown, options?: { admin?: boolean; headers?: Record<string, string> }): Promise<Response<T>> => request<T>(topology.url, method, path, body, options);

    /** A SKU no other test touches, so stock arithmetic is exact. */
    async function freshSku(label: string, price: string, available: number): Promise<string> {
      const sku = unique(`T-${label}`);
      const created = await http('PUT', `/inventory/${sku}`, { name: `Test ${label}`, price, available }, { admin: true });
      expect(created).toMatchObject({ status: 200, body: { sku, price, available } });
      return sku;
    }

    async function available(sku: string): Promise<number> {
      const { status, body } = await http('GET', `/inventory/${sku}`);
      expect(status).toBe(200);
      return body.available;
    }

    async function placeOrder(userId: string, items: { sku: string; quantity: number }[], paymentMethod?: string, headers?: Record<string, string>): Promise<string> {
      const placed = await http('POST', '/orders', { userId, items, ...(paymentMethod ? { paymentMethod } : {}) }, { headers });
      expect(placed).toMatchObject({ status: 202, body: { orderId: expect.any(String), status: 'pending' } });
      return placed.body.orderId;
    }

    /** The order once it reached `status` (failing with the last status seen when it does not). */
    async function orderReaching(orderId: string, status: string, timeoutMs = 30_000): Promise<any> {
      const order = await eventually(
        async () => {
          const { status: code, body } = await http('GET', `/orders/${orderId}`);
          expect(code).toBe(200);
          expect(body.status).toBe(status);
          return body;
        },
        { timeoutMs },
      );
      // A settled order shows its priced total from the moment it shows its status, whichever event came first.
      if (status === 'paid' || status === 'payment_failed') expect(order.total).not.toBeNull();
      return order;
    }

    /** The timeline once it holds every type in `types` (it may hold more). */
    async function timelineWith(orderId: string, types: string[], timeoutMs = 20_000): Promise<TimelineEntry[]> {
      return eventually(
        async () => {
          const { body } = await http('GET', `/orders/${orderId}`);
          const timeline: TimelineEntry[] = body.timeline;
          expect(timeline.map((entry) => entry.type)).toEqual(expect.arrayContaining(types.map(TYPE)));
          return timeline;
        },
        { timeoutMs },
      );
    }

    async function notificationsFor(userId: string): Promise<Notification[]> {
      const { status, body } = await http<{ items: Notification[] }>('GET', `/notifications?userId=${encodeURIComponent(userId)}`);
      expect(status).toBe(200);
      return body.items;
    }

    async function notificationTitled(userId: string, orderId: string, title: string): Promise<Notification> {
      return eventually(async () => {
        // One per channel that delivered: `log` always (a topology may add a webhook).
        const logged = (await notificationsFor(userId)).filter((notification) => notification.orderId === orderId && notification.channel === 'log');
        expect(logged).toEqual([expect.objectContaining({ id: expect.any(String), userId, orderId, channel: 'log', title, body: expect.any(String), createdAt: expect.any(String) })]);
        return logged[0];
      });
    }

    async function paymentRows(orderId: string): Promise<Array<{ status: string; reason: string | null }>> {
      return topology.db.query('SELECT status, reason FROM payment.payments WHERE order_id = $1', [orderId]);
    }

    /** A CloudEvent in binary mode from an external producer: the attributes in `ce-` headers, the data as the JSON body. */
    function postCloudEvent(attributes: { id: string; source: string; type: string }, data: unknown): Promise<Response<unknown>> {
      return http('POST', '/', data, {
        headers: { authorization: `Bearer ${INGRESS_TOKEN}`, 'ce-specversion': '1.0', 'ce-id': attributes.id, 'ce-source': attributes.source, 'ce-type': attributes.type, 'content-type': 'application/json' },
      });
    }

    /** `order.created` data in the reference Order shape: prices and total as JSON numbers, no payment method. */
    function referenceOrder(orderId: string, userId: string, sku: string, name: string, quantity: number, price: number) {
      return {
        orderId,
        userId,
        items: [{ sku, name, quantity, price }],
        total: Number(decimal(cents(String(price)) * quantity)),
        status: 'pending',
        createdAt: new Date().toISOString(),
      };
    }

    it('takes an order through reservation, payment and notification to paid', async () => {
      const price = '19.99';
      const sku = await freshSku('happy', price, 10);
      const userId = unique('alice');

      const orderId = await placeOrder(userId, [{ sku, quantity: 3 }]);
      const order = await orderReaching(orderId, 'paid');

      expect(order).toMatchObject({ orderId, userId, status: 'paid', currency: 'USD', items: [expect.objectContaining({ sku, quantity: 3 })] });
      expect(order.total).toBe(decimal(cents(price) * 3));
      expect(order.total).toBe('59.97');
      expect(await available(sku)).toBe(7);
      const notification = await notificationTitled(userId, orderId, 'Payment received');
      expect(notification.body).toContain('59.97');

      // The chain's own events and handlers, exactly and in order: a module added later may publish more about
      // the order, or subscribe to these, without this scenario having to know it.
      const chainTypes = ['order.created', 'payment.request', 'payment.result', 'notification.send'].map(TYPE);
      const chainModules = ['orders', 'inventory', 'payment', 'notification'];
      const chainOf = (timeline: TimelineEntry[]) => timeline.filter((entry) => chainTypes.includes(entry.type));
      const timeline = await eventually(async () => {
        const { body } = await http('GET', `/orders/${orderId}`);
        expect(chainOf(body.timeline).map(({ type, source }) => ({ type, source }))).toEqual([
          { type: TYPE('order.created'), source: 'orders' },
          { type: TYPE('payment.request'), source: 'inventory' },
          { type: TYPE('payment.result'), source: 'payment' },
          { type: TYPE('notification.send'), source: 'notification' },
        ]);
        return chainOf(body.timeline);
      });
      const times = timeline.map((entry) => Date.parse(entry.time));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(new Set(timeline.map((entry) => entry.id)).size).toBe(4);
      // Each step names the module and subscription that handled it.
      const handledBy = await eventually(async () => {
        const { body } = await http('GET', `/orders/${orderId}`);
        const steps = chainOf(body.timeline).map((entry) =>
          (entry.handledBy ?? [])
            .filter(({ module }) => chainModules.includes(module))
            .map(({ module, subscription, attempt, outcome }) => ({ module, subscription, attempt, outcome }))
            .sort((a, b) => a.subscription.localeCompare(b.subscription)),
        );
        expect(steps.map((step) => step.length)).toEqual([2, 2, 3, 0]);
        return steps;
      });
      expect(handledBy).toEqual([
        // Orders recorded its own order when it was placed; its order.created subscription finds it there.
        [
          { module: 'inventory', subscription: 'inventory-reserve-stock-when-order-created', attempt: 1, outcome: 'handled' },
          { module: 'orders', subscription: 'orders-record-order-when-order-created', attempt: 1, outcome: 'handled' },
        ],
        [
          { module: 'orders', subscription: 'orders-mark-reserved-when-payment-requested', attempt: 1, outcome: 'handled' },
          { module: 'payment', subscription: PAYMENT_SUBSCRIPTION, attempt: 1, outcome: 'handled' },
        ],
        [
          { module: 'inventory', subscription: 'inventory-settle-reservation-when-payment-result', attempt: 1, outcome: 'handled' },
          { module: 'notification', subscription: 'notification-notify-when-payment-result', attempt: 1, outcome: 'handled' },
          { module: 'orders', subscription: 'orders-settle-when-payment-result', attempt: 1, outcome: 'handled' },
        ],
        [],
      ]);
    });

    it('keeps one trace across the whole chain of an order: the trace of the request that placed it', async () => {
      const sku = await freshSku('traced', '2.50', 10);
      const traceId = randomBytes(16).toString('hex');
      const orderId = await placeOrder(unique('trace'), [{ sku, quantity: 1 }], undefined, { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` });
      await orderReaching(orderId, 'paid');

      const timeline = await timelineWith(orderId, ['order.created', 'payment.request', 'payment.result', 'notification.send']);
      expect(timeline.map((entry) => ({ type: entry.type, traceId: entry.traceId }))).toEqual(timeline.map((entry) => ({ type: entry.type, traceId })));
      const published = await topology.db.query<{ type: string; traceparent: string }>(`SELECT type, event->>'traceparent' AS traceparent FROM events.outbox WHERE subject = $1`, [orderId]);
      expect(published).toHaveLength(4);
      for (const { type, traceparent } of published) expect({ type, traceparent }).toEqual({ type, traceparent: expect.stringMatching(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`)) });
      // Every hop is a span of its own: no two events carry the same parent span.
      expect(new Set(published.map(({ traceparent }) => traceparent)).size).toBe(4);

      const untraced = await placeOrder(unique('trace'), [{ sku, quantity: 1 }]);
      await orderReaching(untraced, 'paid');
      const started = await timelineWith(untraced, ['order.created', 'payment.request', 'payment.result', 'notification.send']);
      expect(new Set(started.map((entry) => entry.traceId)).size).toBe(1);
      expect(started[0].traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(started[0].traceId).not.toBe(traceId);
    });

    it('rejects an order it cannot fill completely and reserves none of it', async () => {
      const plenty = await freshSku('plenty', '5.00', 10);
      const scarce = await freshSku('scarce', '7.50', 1);
      const userId = unique('bob');

      const orderId = await placeOrder(userId, [
        { sku: plenty, quantity: 2 },
        { sku: scarce, quantity: 3 },
      ]);
      await orderReaching(orderId, 'rejected');

      expect(await available(plenty)).toBe(10);
      expect(await available(scarce)).toBe(1);
      await notificationTitled(userId, orderId, 'Order could not be fulfilled');
      const timeline = await timelineWith(orderId, ['order.created', 'inventory.insufficient', 'notification.send']);
      expect(timeline.find((entry) => entry.type === TYPE('inventory.insufficient'))?.source).toBe('inventory');
      expect(timeline.map((entry) => entry.type)).not.toContain(TYPE('payment.request'));
      expect(await paymentRows(orderId)).toEqual([]);
    });

    it('gives the stock back when the card is declined', async () => {
      const sku = await freshSku('declined', '15.00', 10);
      const userId = unique('carol');

      const orderId = await placeOrder(userId, [{ sku, quantity: 4 }], 'test_decline');
      const order = await orderReaching(orderId, 'payment_failed');
      expect(order.total).toBe('60.00');

      await eventually(async () => expect(await available(sku)).toBe(10));
      const timeline = await timelineWith(orderId, ['payment.result', 'inventory.released']);
      const types = timeline.map((entry) => entry.type);
      expect(types.indexOf(TYPE('inventory.released'))).toBeGreaterThan(types.indexOf(TYPE('payment.result')));
      expect(timeline.find((entry) => entry.type === TYPE('inventory.released'))?.source).toBe('inventory');
      await notificationTitled(userId, orderId, 'Payment failed');
      expect(await paymentRows(orderId)).toEqual([expect.objectContaining({ status: 'failed' })]);
    });

    it('fails the payment and restores the stock when the amount is over the limit', async () => {
      const sku = await freshSku('pricey', '6000.00', 5);
      const userId = unique('dave');

      const orderId = await placeOrder(userId, [{ sku, quantity: 2 }]);
      const order = await orderReaching(orderId, 'payment_failed');
      expect(order.total).toBe('12000.00');

      await eventually(async () => expect(await available(sku)).toBe(5));
      await notificationTitled(userId, orderId, 'Payment failed');
      expect(await paymentRows(orderId)).toEqual([expect.objectContaining({ status: 'failed' })]);
    });

    it('retries a flaky payment gateway until the payment goes through, charging once', async () => {
      const sku = await freshSku('flaky', '3.10', 10);
      const userId = unique('erin');

      const orderId = await placeOrder(userId, [{ sku, quantity: 1 }], 'test_flaky');
      await orderReaching(orderId, 'paid', 30_000);

      const inbox = await topology.db.query<{ attempt: number; type: string }>('SELECT attempt, type FROM events.inbox WHERE subscription = $1 AND subject = $2', [PAYMENT_SUBSCRIPTION, orderId]);
      // Behind a Knative Broker every retry reaches the receiver as attempt 1.
      const attempt = (counted: number) => (inboxCountsAttempts ? counted : 1);
      expect(inbox).toEqual([{ attempt: attempt(3), type: TYPE('payment.request') }]);
      // The timeline shows both failed attempts, in order, between the request and the result.
      const timeline = await timelineWith(orderId, ['payment.result']);
      const steps = timeline.map(({ type, subscription, module, attempt, outcome, errorCode }) => ({ type, subscription, module, attempt, outcome, errorCode }));
      const request = steps.findIndex((step) => step.type === TYPE('payment.request') && !step.outcome);
      expect(steps.slice(request + 1, request + 3)).toEqual(
        [1, 2].map((counted) => ({ type: TYPE('payment.request'), subscription: PAYMENT_SUBSCRIPTION, module: 'payment', attempt: attempt(counted), outcome: 'failed', errorCode: 'PAYMENT_GATEWAY_UNAVAILABLE' })),
      );
      expect(steps.findIndex((step) => step.type === TYPE('payment.result'))).toBeGreaterThan(request + 2);
      expect(timeline[request].handledBy).toContainEqual(expect.objectContaining({ module: 'payment', subscription: PAYMENT_SUBSCRIPTION, attempt: attempt(3), outcome: 'handled' }));
      expect(await paymentRows(orderId)).toEqual([expect.objectContaining({ status: 'succeeded' })]);
      expect(await available(sku)).toBe(9);
      await notificationTitled(userId, orderId, 'Payment received');
    });

    it('never oversells when 500 orders race for 100 units', async () => {
      const sku = await freshSku('race', '1.00', 100);

      const placed = await Promise.all(Array.from({ length: 500 }, (_, n) => http('POST', '/orders', { userId: `racer-${n}`, items: [{ sku, quantity: 1 }] })));
      expect(placed.filter((answer) => answer.status !== 202).map((answer) => ({ status: answer.status, body: answer.body }))).toEqual([]);
      const orderIds: string[] = placed.map((answer) => answer.body.orderId);
      expect(new Set(orderIds).size).toBe(500);

      const counts = await eventually(
        async () => {
          const rows = await topology.db.query<{ status: string; count: string }>('SELECT status, count(*) FROM orders.orders WHERE id = ANY($1::text[]) GROUP BY status', [orderIds]);
          const byStatus = Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
          expect(Object.keys(byStatus).filter((status) => !FINAL_STATUSES.includes(status))).toEqual([]);
          expect(Object.values(byStatus).reduce((sum, n) => sum + n, 0)).toBe(500);
          return byStatus;
        },
        { timeoutMs: 160_000, intervalMs: 250 },
      );

      // available >= 0 needs no assertion (a CHECK holds it): what can fail is how many were sold and what was kept.
      expect(counts).toEqual({ paid: 100, rejected: 400 });
      expect(await available(sku)).toBe(0);
      const [{ reserved }] = await topology.db.query<{ reserved: string }>(
        `SELECT coalesce(sum((item->>'quantity')::int), 0) AS reserved
           FROM inventory.reservations r, jsonb_array_elements(r.items) AS item
          WHERE r.status = 'sold' AND item->>'sku' = $1`,
        [sku],
      );
      expect(Number(reserved)).toBe(100);
      // The HTTP view agrees with the table for a sample of the racers.
      for (const orderId of [orderIds[0], orderIds[249], orderIds[499]]) {
        const { body } = await http('GET', `/orders/${orderId}`);
        expect(['paid', 'rejected']).toContain(body.status);
      }
    }, 180_000);

    it('handles an order.created delivered twice to POST / once', async () => {
      const sku = await freshSku('dup', '24.99', 10);
      const userId = unique('frank');
      const orderId = randomUUID();
      const event = { id: randomUUID(), source: 'https://storefront.example/orders', type: TYPE('order.created') };
      const data = referenceOrder(orderId, userId, sku, 'Test dup', 2, 24.99);

      const first = await postCloudEvent(event, data);
      const second = await postCloudEvent(event, data);
      expect(first.status).toBe(ingressStatus);
      expect(second.status).toBe(ingressStatus);

      const order = await orderReaching(orderId, 'paid');
      expect(order.total).toBe('49.98');
      expect(await available(sku)).toBe(8);
      expect(await paymentRows(orderId)).toEqual([expect.objectContaining({ status: 'succeeded' })]);
      await notificationTitled(userId, orderId, 'Payment received');
    });

    it('runs the same chain for an order.created posted to POST / as for POST /orders', async () => {
      const sku = await freshSku('external', '9.99', 20);
      const userId = unique('grace');
      const orderId = randomUUID();

      const answer = await postCloudEvent({ id: randomUUID(), source: 'https://storefront.example/orders', type: TYPE('order.created') }, referenceOrder(orderId, userId, sku, 'Test external', 3, 9.99));
      expect(answer.status).toBe(ingressStatus);

      const order = await orderReaching(orderId, 'paid');
      expect(order).toMatchObject({ orderId, userId, status: 'paid', total: '29.97', items: [expect.objectContaining({ sku, quantity: 3 })] });
      expect(await available(sku)).toBe(17);
      await notificationTitled(userId, orderId, 'Payment received');
      await timelineWith(orderId, ['payment.request', 'payment.result', 'notification.send']);
    });

    it('answers 404 with a JSON error for an unknown order', async () => {
      const { status, body } = await http('GET', `/orders/${randomUUID()}`);
      expect(status).toBe(404);
      expect(body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String), code: 'ORDER_NOT_FOUND' });
    });

    it('refuses a malformed order with 400 and stores nothing', async () => {
      const userId = unique('mallory');
      const sku = 'SKU-001';
      const ordersBefore = await topology.db.query<{ count: string }>('SELECT count(*) FROM orders.orders');
      const outboxBefore = await topology.db.query<{ count: string }>(`SELECT count(*) FROM events.outbox WHERE type = $1`, [TYPE('order.created')]);

      const malformed: Array<[string, unknown]> = [
        ['an unknown field', { userId, items: [{ sku, quantity: 1 }], coupon: 'FREE' }],
        ['an unknown item field', { userId, items: [{ sku, quantity: 1, price: '0.01' }] }],
        ['an empty items list', { userId, items: [] }],
        ['a quantity of 0', { userId, items: [{ sku, quantity: 0 }] }],
        ['a body that is not JSON', '{"userId": "mallory", "items": ['],
      ];
      for (const [what, body] of malformed) {
        const answer = await http('POST', '/orders', body);
        expect({ what, status: answer.status, body: answer.body }).toEqual({
          what,
          status: 400,
          body: expect.objectContaining({ statusCode: 400, error: 'Bad Request', message: expect.any(String) }),
        });
      }

      expect(await topology.db.query('SELECT id FROM orders.orders WHERE user_id = $1', [userId])).toEqual([]);
      expect(await topology.db.query<{ count: string }>('SELECT count(*) FROM orders.orders')).toEqual(ordersBefore);
      expect(await topology.db.query<{ count: string }>(`SELECT count(*) FROM events.outbox WHERE type = $1`, [TYPE('order.created')])).toEqual(outboxBefore);
    });
  });
}
