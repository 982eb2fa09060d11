import { randomUUID } from 'node:crypto';
import { request as http } from 'node:http';
import { INGRESS_TOKEN, startTestApp, TestApp } from './support/test-app';

/**
 * Hostile text at the edge: a NUL, an unpaired surrogate or an oversized value in any string a request
 * carries (body, path, query, CloudEvent attribute) is a 400 with a stable code, never a 500, which would
 * tell Knative and other senders to retry forever. Nothing of it is stored.
 */

const NUL = 'a\u0000b';
const LONE_SURROGATE = 'a\ud800b';
const ORDER_CREATED = 'com.toolsku.order.created';
const STOREFRONT = 'https://storefront.example/orders';

/** JSON.stringify escapes a lone surrogate as `\ud800`: the bytes on the wire are valid UTF-8 JSON. */
function json(value: unknown): string {
  return JSON.stringify(value);
}

function orderData(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { orderId: randomUUID(), userId: 'hostile-user', items: [{ sku: 'SKU-003', quantity: 1 }], ...overrides };
}

function structuredEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { specversion: '1.0', id: randomUUID(), source: STOREFRONT, type: ORDER_CREATED, datacontenttype: 'application/json', data: orderData(), ...overrides };
}

function binaryHeaders(overrides: Record<string, string> = {}): Record<string, string> {
  return { 'ce-specversion': '1.0', 'ce-id': randomUUID(), 'ce-source': STOREFRONT, 'ce-type': ORDER_CREATED, 'content-type': 'application/json', ...overrides };
}

describe('hostile input at the edge', () => {
  let app: TestApp;
  // The dead-letter intake is routed only on Knative (the Broker's dead-letter sink): the same app with EVENT_TRANSPORT=http.
  let knative: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    knative = await startTestApp({ EVENT_TRANSPORT: 'http', EVENTS_BROKER_AUTH: 'off' });
  });
  afterAll(async () => {
    await knative?.stop();
    await app?.stop();
  });

  /** POST / carries the external producers' ingress token, so what is refused is refused for its content. */
  async function send(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const target = path.startsWith('/dead-letters/intake') ? knative : app;
    const credentials: Record<string, string> = path === '/' ? { authorization: `Bearer ${INGRESS_TOKEN}` } : {};
    const response = await fetch(`${target.url}${path}`, { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...credentials, ...headers }, body });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  /** A request line fetch would normalise (a raw `%00`, an undecodable `%ED%A0%80`) sent as written. */
  function rawGet(path: string): Promise<{ status: number; body: any }> {
    return new Promise((resolve, reject) => {
      const url = new URL(app.url);
      const sent = http({ host: url.hostname, port: url.port, path, method: 'GET', headers: { authorization: 'Bearer test-admin-token-0123456789' } }, (response) => {
        let text = '';
        response
          .setEncoding('utf8')
          .on('data', (chunk) => (text += chunk))
          .on('end', () => resolve({ status: response.statusCode!, body: text ? JSON.parse(text) : undefined }));
      });
      sent.on('error', reject).end();
    });
  }

  function expectRefused(answer: { status: number; body: any }, code = 'REQUEST_INVALID'): void {
    expect(answer).toEqual({ status: 400, body: expect.objectContaining({ statusCode: 400, code }) });
  }

  describe.each([
    ['a NUL', NUL],
    ['an unpaired surrogate', LONE_SURROGATE],
  ])('%s', (_name, bad) => {
    it.each([
      ['userId', { userId: bad, items: [{ sku: 'SKU-001', quantity: 1 }] }],
      ['an item sku', { userId: 'u-1', items: [{ sku: bad, quantity: 1 }] }],
      ['paymentMethod', { userId: 'u-1', items: [{ sku: 'SKU-001', quantity: 1 }], paymentMethod: bad }],
    ])('in POST /orders %s is refused and no order is stored', async (_field, body) => {
      expectRefused(await send('POST', '/orders', json(body)));
      expect(await app.db.query('SELECT id FROM orders.orders')).toEqual([]);
    });

    it('in PUT /inventory/:sku name is refused', async () => {
      expectRefused(await app.http('PUT', '/inventory/SKU-001', { name: bad }, { admin: true }));
      expect((await app.http('GET', '/inventory/SKU-001')).body.name).not.toContain(bad);
    });

    it.each([
      ['userId', orderData({ userId: bad })],
      ['an item name', orderData({ items: [{ sku: 'SKU-003', quantity: 1, name: bad }] })],
    ])('in the data of a CloudEvent posted to / (%s) is refused', async (_field, data) => {
      expectRefused(await send('POST', '/', json(data), binaryHeaders()), 'EVENT_MALFORMED');
      expectRefused(await send('POST', '/', json(structuredEvent({ data })), { 'content-type': 'application/cloudevents+json' }), 'EVENT_MALFORMED');
    });

    it.each(['id', 'source', 'subject', 'region'])('in the CloudEvent attribute %s (structured mode) is refused by / and by the dead-letter intake', async (attribute) => {
      const event = structuredEvent({ [attribute]: bad });
      expectRefused(await send('POST', '/', json(event), { 'content-type': 'application/cloudevents+json' }), 'EVENT_MALFORMED');
      expectRefused(await send('POST', '/dead-letters/intake?subscription=orders-record-order-when-order-created', json(event), { 'content-type': 'application/cloudevents+json' }), 'EVENT_MALFORMED');
      expect(await knative.db.query('SELECT event_id FROM deadletter.events')).toEqual([]);
    });
  });

  it.each([
    ['/orders/a%00b', 'REQUEST_INVALID'],
    ['/orders/' + 'o'.repeat(65), 'REQUEST_INVALID'],
    ['/notifications?userId=a%00b', 'REQUEST_INVALID'],
    ['/inventory/a%00b', 'REQUEST_INVALID'],
    ['/dead-letters?status=a%00b', 'REQUEST_INVALID'],
    ['/dead-letters?cursor=a%00b', 'REQUEST_INVALID'],
    ['/notifications?userId=u&cursor=a%00b', 'REQUEST_INVALID'],
  ])('GET %s answers 400', async (path, code) => {
    expectRefused(await rawGet(path), code);
  });

  it('POST /dead-letters/a%00b/replay answers 400 with a stable code', async () => {
    expectRefused(await app.http('POST', '/dead-letters/a%00b/replay', undefined, { admin: true }));
  });

  it('GET /orders/<an undecodable percent-encoding> answers 400, not 500', async () => {
    expect((await rawGet('/orders/%ED%A0%80')).status).toBe(400);
  });

  it.each([
    ['ce-id', 'i'.repeat(12_048)],
    ['ce-source', 's'.repeat(1025)],
    ['ce-subject', 's'.repeat(1025)],
    ['ce-type', `${ORDER_CREATED}${'x'.repeat(256)}`],
    ['ce-region', 'r'.repeat(4097)],
  ])('an oversized %s header is refused by / and by the dead-letter intake with 400', async (header, value) => {
    const body = json(orderData());
    expectRefused(await send('POST', '/', body, binaryHeaders({ [header]: value })), 'EVENT_MALFORMED');
    expectRefused(await send('POST', '/dead-letters/intake?subscription=orders-record-order-when-order-created', body, binaryHeaders({ [header]: value })), 'EVENT_MALFORMED');
    expect(await app.db.query('SELECT event_id FROM events.inbox')).toEqual([]);
    expect(await knative.db.query('SELECT event_id FROM deadletter.events')).toEqual([]);
  });

  it.each(['abc', '0', '1e3'])('a dead letter with ce-deliveryattempts: %s is refused with 400', async (attempts) => {
    const headers = binaryHeaders({ 'ce-deliveryattempts': attempts, 'ce-knativeerrorcode': '500' });
    expectRefused(await send('POST', '/dead-letters/intake?subscription=orders-record-order-when-order-created', json(orderData()), headers), 'EVENT_MALFORMED');
    expect(await knative.db.query('SELECT event_id FROM deadletter.events')).toEqual([]);
  });
});
