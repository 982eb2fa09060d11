import { randomUUID } from 'node:crypto';
import { describeForgeries } from './scenarios/forgeries.scenarios';
import { eventually } from './support/eventually';
import { publishToOutbox } from './support/outbox-event';
import { INGRESS_TOKEN, startTestApp, TestApp } from './support/test-app';

/** Issue 16 in the monolith: the forged attempts, re-sent events, and the domain's own defences behind the door. */
describeForgeries('forged events at the monolith', async () => {
  const app = await startTestApp();
  return { url: app.url, db: app.db, receiversOf: () => [app.url], intakes: [app.url], stop: () => app.stop() };
});

describe('the monolith behind its ingress', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  }, 120_000);

  afterAll(() => app?.stop());

  function orderCreated(id: string, source: string, orderId: string, sku: string): Promise<Response> {
    return fetch(`${app.url}/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INGRESS_TOKEN}`, 'ce-specversion': '1.0', 'ce-id': id, 'ce-source': source, 'ce-type': 'com.toolsku.order.created', 'content-type': 'application/json' },
      body: JSON.stringify({ orderId, userId: 'storefront-customer', items: [{ sku, quantity: 2 }], total: '0.01' }),
    });
  }

  async function freshSku(available: number): Promise<string> {
    const sku = `T-trust-${randomUUID().slice(0, 8)}`;
    expect((await app.http('PUT', `/inventory/${sku}`, { name: 'Trust test item', price: '10.00', available }, { admin: true })).status).toBe(200);
    return sku;
  }

  it('reserves once for an order.created re-sent with the same id under another source, and prices it itself', async () => {
    const sku = await freshSku(10);
    const orderId = randomUUID();
    const id = randomUUID();

    expect((await orderCreated(id, 'https://storefront.example', orderId, sku)).status).toBe(204);
    expect((await orderCreated(id, 'https://elsewhere.example', orderId, sku)).status).toBe(204);

    await eventually(async () => expect((await app.http('GET', `/orders/${orderId}`)).body).toMatchObject({ status: 'paid', total: '20.00' }));
    expect(await app.db.query('SELECT status FROM inventory.reservations WHERE order_id = $1', [orderId])).toEqual([{ status: 'sold' }]);
    expect((await app.http('GET', `/inventory/${sku}`)).body.available).toBe(8);
    expect(await app.db.query('SELECT count(*)::int AS n FROM payment.payments WHERE order_id = $1', [orderId])).toEqual([{ n: 1 }]);
  });

  it('keeps a sold reservation and the priced total whatever later events say, even from inside the bus', async () => {
    const sku = await freshSku(10);
    const placed = await app.http('POST', '/orders', { userId: 'inside-job', items: [{ sku, quantity: 3 }] });
    const orderId = placed.body.orderId;
    await eventually(async () => expect((await app.http('GET', `/orders/${orderId}`)).body).toMatchObject({ status: 'paid', total: '30.00' }));
    await eventually(async () => expect(await app.db.query('SELECT status FROM inventory.reservations WHERE order_id = $1', [orderId])).toEqual([{ status: 'sold' }]));

    // A late or duplicate failed result, and a second pricing: the outbox is the bus's own door.
    await publishToOutbox(app.db, { type: 'com.toolsku.payment.result', source: 'payment', subject: orderId }, { orderId, userId: 'inside-job', status: 'failed', amount: '30.00', reason: 'late' });
    await publishToOutbox(app.db, { type: 'com.toolsku.payment.request', source: 'inventory', subject: orderId }, { orderId, userId: 'inside-job', amount: '0.01', currency: 'USD', method: 'card' });
    await eventually(async () => expect(await app.db.query('SELECT id FROM events.outbox WHERE subject = $1 AND dispatched_at IS NULL', [orderId])).toEqual([]));

    expect(await app.db.query('SELECT status FROM inventory.reservations WHERE order_id = $1', [orderId])).toEqual([{ status: 'sold' }]);
    expect((await app.http('GET', `/inventory/${sku}`)).body.available).toBe(7);
    expect((await app.http('GET', `/orders/${orderId}`)).body).toMatchObject({ status: 'paid', total: '30.00' });
  });

  it('records an order.created that names no module as source whichever module-like path it uses', async () => {
    const sku = await freshSku(5);
    const orderId = randomUUID();

    expect((await orderCreated(randomUUID(), 'storefront/orders', orderId, sku)).status).toBe(204);

    expect((await app.http('GET', `/orders/${orderId}`)).body).toMatchObject({ orderId, userId: 'storefront-customer' });
  });
});

describe('the monolith started without EVENTS_INGRESS_TOKEN', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ EVENTS_INGRESS_TOKEN: '' });
  }, 120_000);

  afterAll(() => app?.stop());

  it('takes no external event at POST /, whatever token is presented', async () => {
    for (const authorization of [undefined, `Bearer ${INGRESS_TOKEN}`]) {
      const response = await fetch(`${app.url}/`, {
        method: 'POST',
        headers: { ...(authorization ? { authorization } : {}), 'ce-specversion': '1.0', 'ce-id': randomUUID(), 'ce-source': 'storefront', 'ce-type': 'com.toolsku.order.created', 'content-type': 'application/json' },
        body: JSON.stringify({ orderId: randomUUID(), userId: 'u', items: [{ sku: 'SKU-001', quantity: 1 }] }),
      });
      expect({ status: response.status, code: ((await response.json()) as { code: string }).code }).toEqual(
        authorization ? { status: 401, code: 'EVENT_SENDER_UNAUTHENTICATED' } : { status: 403, code: 'EVENTS_INGRESS_CLOSED' },
      );
    }
  });
});
