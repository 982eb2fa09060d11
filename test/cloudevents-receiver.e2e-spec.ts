import { randomUUID } from 'node:crypto';
import { DEFAULT_EVENT_TYPE_PREFIX, qualifiedType } from '../src/events/catalog';
import { PaymentRequest } from '../src/modules/inventory';
import { PaymentResult } from '../src/modules/payment';
import { eventually } from './support/eventually';
import { publishToOutbox } from './support/outbox-event';
import { INGRESS_TOKEN, startTestApp, TestApp } from './support/test-app';

/**
 * `POST /`, the CloudEvents receiver, as an external producer holding the ingress token uses it: binary,
 * structured and batch modes are accepted (204 once the local subscriptions committed), and anything malformed
 * is refused with a JSON 4xx that stores nothing at all. Who may send what: test/ingress-policy.e2e-spec.ts.
 */

const ORDER_CREATED = 'com.toolsku.order.created';
const STOREFRONT = 'https://storefront.example/orders';
const BODY_LIMIT = 262_144;

interface Answer {
  status: number;
  contentType: string | null;
  body: any;
}

interface RawRequest {
  headers: Record<string, string>;
  body: string;
}

/** An order placed by a storefront: the order ids of every test are fresh, so what is stored can be found by id. */
function orderData(orderId: string = randomUUID(), overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { orderId, userId: `ce-${orderId.slice(0, 8)}`, items: [{ sku: 'SKU-003', quantity: 1 }], ...overrides };
}

function binaryHeaders(eventId: string, type = ORDER_CREATED): Record<string, string> {
  return { 'ce-specversion': '1.0', 'ce-id': eventId, 'ce-source': STOREFRONT, 'ce-type': type, 'content-type': 'application/json' };
}

function structuredEvent(eventId: string, data: unknown, type = ORDER_CREATED): Record<string, unknown> {
  return { specversion: '1.0', id: eventId, source: STOREFRONT, type, datacontenttype: 'application/json', data };
}

function binary(eventId: string, data: unknown, type = ORDER_CREATED): RawRequest {
  return { headers: binaryHeaders(eventId, type), body: JSON.stringify(data) };
}

function structured(event: Record<string, unknown>): RawRequest {
  return { headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(event) };
}

function batch(events: Record<string, unknown>[]): RawRequest {
  return { headers: { 'content-type': 'application/cloudevents-batch+json' }, body: JSON.stringify(events) };
}

/** An asymmetric matcher for "any of these values", so a failure still prints the whole answer. */
function oneOf<T>(values: T[]): T {
  return {
    $$typeof: Symbol.for('jest.asymmetricMatcher'),
    asymmetricMatch: (actual: unknown) => values.includes(actual as T),
    toAsymmetricMatcher: () => `oneOf(${values.join(', ')})`,
  } as unknown as T;
}

function without<T extends Record<string, unknown>>(record: T, key: string): T {
  const copy: Record<string, unknown> = { ...record };
  delete copy[key];
  return copy as T;
}

/** One malformed request, and the ids under which anything it stored would be found. */
interface Malformed {
  request: RawRequest;
  eventIds: string[];
  orderIds: string[];
}

function single(build: (eventId: string, orderId: string) => RawRequest): () => Malformed {
  return () => {
    const eventId = randomUUID();
    const orderId = randomUUID();
    return { request: build(eventId, orderId), eventIds: [eventId], orderIds: [orderId] };
  };
}

function secondOfBatchBroken(breakIt: (event: Record<string, unknown>) => Record<string, unknown>): () => Malformed {
  return () => {
    const eventIds = [randomUUID(), randomUUID()];
    const orderIds = [randomUUID(), randomUUID()];
    const good = structuredEvent(eventIds[0], orderData(orderIds[0]));
    const bad = breakIt(structuredEvent(eventIds[1], orderData(orderIds[1])));
    return { request: batch([good, bad]), eventIds, orderIds };
  };
}

describe('the CloudEvents receiver (POST /)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  }, 120_000);

  afterAll(() => app?.stop());

  /** Raw HTTP to the app: the body is sent byte for byte, and an answer that is not JSON comes back as text. */
  async function post(request: RawRequest): Promise<Answer> {
    const response = await fetch(`${app.url}/`, { method: 'POST', headers: { authorization: `Bearer ${INGRESS_TOKEN}`, ...request.headers }, body: request.body });
    const text = await response.text();
    let body: unknown = text === '' ? undefined : text;
    try {
      if (text !== '') body = JSON.parse(text);
    } catch {
      // not JSON: keep the text so a failing assertion shows it
    }
    return { status: response.status, contentType: response.headers.get('content-type'), body };
  }

  async function expectOrderRecorded(orderId: string): Promise<void> {
    const { status, body } = await app.http('GET', `/orders/${orderId}`);
    expect({ status, orderId: body?.orderId }).toEqual({ status: 200, orderId });
  }

  async function expectOrderPaid(orderId: string): Promise<void> {
    await eventually(async () => {
      const { body } = await app.http('GET', `/orders/${orderId}`);
      expect(body.status).toBe('paid');
    });
  }

  /** Every place an accepted event leaves a trace: none may hold a row for a refused request. */
  async function storedFor({ eventIds, orderIds }: Pick<Malformed, 'eventIds' | 'orderIds'>): Promise<Record<string, unknown[]>> {
    return {
      orders: await app.db.query('SELECT id, status FROM orders.orders WHERE id = ANY($1::text[])', [orderIds]),
      inbox: await app.db.query('SELECT subscription, event_id FROM events.inbox WHERE event_id = ANY($1::text[]) OR subject = ANY($2::text[])', [eventIds, orderIds]),
      reservations: await app.db.query('SELECT order_id, status FROM inventory.reservations WHERE order_id = ANY($1::text[])', [orderIds]),
      outbox: await app.db.query('SELECT event_id, type FROM events.outbox WHERE subject = ANY($1::text[])', [orderIds]),
      deadLetters: await app.db.query(
        `SELECT subscription, event_id, error_code FROM deadletter.events
          WHERE event_id = ANY($1::text[]) OR subject = ANY($2::text[]) OR event->'data'->>'orderId' = ANY($2::text[])`,
        [eventIds, orderIds],
      ),
    };
  }

  const NOTHING = { orders: [], inbox: [], reservations: [], outbox: [], deadLetters: [] };

  describe('accepts a valid order.created', () => {
    it('in binary mode: 204, and the order can be followed', async () => {
      const orderId = randomUUID();

      const answer = await post(binary(randomUUID(), orderData(orderId)));

      expect(answer).toMatchObject({ status: 204, body: undefined });
      // 204 means the subscriptions committed: the order is there without waiting.
      await expectOrderRecorded(orderId);
      await expectOrderPaid(orderId);
    });

    it('in structured mode (application/cloudevents+json): 204, and the order can be followed', async () => {
      const orderId = randomUUID();

      const answer = await post(structured(structuredEvent(randomUUID(), orderData(orderId))));

      expect(answer).toMatchObject({ status: 204, body: undefined });
      await expectOrderRecorded(orderId);
      await expectOrderPaid(orderId);
    });

    it('in batch mode (application/cloudevents-batch+json): 204, and both orders can be followed', async () => {
      const orderIds = [randomUUID(), randomUUID()];

      const answer = await post(batch(orderIds.map((orderId) => structuredEvent(randomUUID(), orderData(orderId)))));

      expect(answer).toMatchObject({ status: 204, body: undefined });
      for (const orderId of orderIds) await expectOrderRecorded(orderId);
      for (const orderId of orderIds) await expectOrderPaid(orderId);
    });
  });

  const malformed: Array<[string, () => Malformed, number[]]> = [
    ['binary mode without ce-id', single((eventId, orderId) => ({ headers: without(binaryHeaders(eventId), 'ce-id'), body: JSON.stringify(orderData(orderId)) })), [400]],
    ['binary mode without ce-specversion', single((eventId, orderId) => ({ headers: without(binaryHeaders(eventId), 'ce-specversion'), body: JSON.stringify(orderData(orderId)) })), [400]],
    ['structured mode without source', single((eventId, orderId) => structured(without(structuredEvent(eventId, orderData(orderId)), 'source'))), [400]],
    ['binary mode with a body that is not JSON', single((eventId, orderId) => ({ headers: binaryHeaders(eventId), body: `{"orderId": "${orderId}", "items": [` })), [400]],
    [
      'structured mode with a body that is not JSON',
      single((eventId, orderId) => ({ headers: { 'content-type': 'application/cloudevents+json' }, body: `{"specversion": "1.0", "id": "${eventId}", "data": {"orderId": "${orderId}"` })),
      [400],
    ],
    ['a text/plain body (binary attributes)', single((eventId, orderId) => ({ headers: { ...binaryHeaders(eventId), 'content-type': 'text/plain' }, body: JSON.stringify(orderData(orderId)) })), [400, 415]],
    ['a text/plain body (no CloudEvent attributes)', single((_eventId, orderId) => ({ headers: { 'content-type': 'text/plain' }, body: JSON.stringify(orderData(orderId)) })), [400, 415]],
    ['an unknown type of ours (com.toolsku.order.shipped)', single((eventId, orderId) => binary(eventId, orderData(orderId), 'com.toolsku.order.shipped')), [400]],
    ['a known name under a foreign prefix (org.example.order.created)', single((eventId, orderId) => binary(eventId, orderData(orderId), 'org.example.order.created')), [400]],
    ['data with an empty items list', single((eventId, orderId) => binary(eventId, orderData(orderId, { items: [] }))), [400]],
    ['data with quantity "two"', single((eventId, orderId) => binary(eventId, orderData(orderId, { items: [{ sku: 'SKU-003', quantity: 'two' }] }))), [400]],
    ['structured data with quantity "two"', single((eventId, orderId) => structured(structuredEvent(eventId, orderData(orderId, { items: [{ sku: 'SKU-003', quantity: 'two' }] })))), [400]],
    ['a batch whose second event has no source', secondOfBatchBroken((event) => without(event, 'source')), [400]],
    ['a batch whose second event breaks the data schema', secondOfBatchBroken((event) => ({ ...event, data: { ...(event.data as object), items: [] } })), [400]],
    ['a batch whose second event has an unknown type', secondOfBatchBroken((event) => ({ ...event, type: 'com.toolsku.order.shipped' })), [400]],
    [`a body over the ${BODY_LIMIT}-byte limit`, single((eventId, orderId) => binary(eventId, orderData(orderId, { padding: 'x'.repeat(BODY_LIMIT + 1) }))), [413]],
  ];

  it.each(malformed)('refuses %s with a JSON 4xx and stores nothing', async (_what, build, statuses) => {
    const { request, eventIds, orderIds } = build();

    const answer = await post(request);

    expect({ status: answer.status, contentType: answer.contentType, body: answer.body }).toEqual({
      status: oneOf(statuses),
      contentType: expect.stringMatching(/^application\/json\b/),
      body: expect.objectContaining({ statusCode: answer.status, error: expect.any(String), message: expect.stringMatching(/\S/) }),
    });
    expect(await storedFor({ eventIds, orderIds })).toEqual(NOTHING);
    for (const orderId of orderIds) expect((await app.http('GET', `/orders/${orderId}`)).status).toBe(404);
    expect(await app.http('GET', '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('still accepts a valid event after refusing malformed ones', async () => {
    const orderId = randomUUID();
    expect((await post(binary(randomUUID(), orderData(orderId, { items: [] })))).status).toBe(400);

    const answer = await post(binary(randomUUID(), orderData(orderId)));

    expect(answer.status).toBe(204);
    await expectOrderRecorded(orderId);
  });

  it('records the priced total from a payment result that arrives before its payment request', async () => {
    // Subscriptions run apart, so orders may settle a payment before it records the request that priced it.
    // Both are internal events: they come from their publishers, through the outbox, never at POST /.
    const orderId = await recordedPendingOrder();
    const result = { orderId, userId: `ce-${orderId.slice(0, 8)}`, status: 'failed', amount: '120.00', currency: 'USD', reason: 'declined' };
    await publishToOutbox(app.db, { type: qualifiedType(PaymentResult.name, DEFAULT_EVENT_TYPE_PREFIX), source: 'payment', subject: orderId }, result);

    // Never a settled order without its total: both land in one write.
    await eventually(async () => expect((await app.http('GET', `/orders/${orderId}`)).body).toMatchObject({ status: expect.not.stringMatching('pending') }));
    expect((await app.http('GET', `/orders/${orderId}`)).body).toMatchObject({ status: 'payment_failed', total: '120.00' });
  });

  it('takes the total from the payment request when an older payment result carried no currency', async () => {
    const orderId = await recordedPendingOrder();
    const result = { orderId, userId: `ce-${orderId.slice(0, 8)}`, status: 'failed', amount: '120.00', reason: 'declined' };
    await publishToOutbox(app.db, { type: qualifiedType(PaymentResult.name, DEFAULT_EVENT_TYPE_PREFIX), source: 'payment', subject: orderId }, result);
    await eventually(async () => expect((await app.http('GET', `/orders/${orderId}`)).body).toMatchObject({ status: 'payment_failed', total: null }));

    const request = { orderId, userId: result.userId, amount: '120.00', currency: 'USD', method: 'card' };
    await publishToOutbox(app.db, { type: qualifiedType(PaymentRequest.name, DEFAULT_EVENT_TYPE_PREFIX), source: 'inventory', subject: orderId }, request);
    await eventually(async () => expect((await app.http('GET', `/orders/${orderId}`)).body).toMatchObject({ status: 'payment_failed', total: '120.00' }));
  });

  async function recordedPendingOrder(): Promise<string> {
    const orderId = randomUUID();
    await app.db.query(`INSERT INTO orders.orders (id, user_id, status, items, currency, payment_method) VALUES ($1, $2, 'pending', $3, 'USD', 'card')`, [
      orderId,
      `ce-${orderId.slice(0, 8)}`,
      JSON.stringify([{ sku: 'SKU-003', quantity: 1 }]),
    ]);
    return orderId;
  }
});
