import { eventually } from './support/eventually';
import { ADMIN_TOKEN, startTestApp, TestApp } from './support/test-app';
import { TokenIssuer, TokenOptions } from './support/token-issuer';

/**
 * Customers with CUSTOMER_AUTH=jwt: each customer endpoint acts for the token's subject and shows a customer
 * only its own orders and notifications; any token that is not a valid one of this issuer, for this audience,
 * is a 401 with a WWW-Authenticate challenge; the admin token sees everything.
 */
const AUDIENCE = 'order-events-api';

describe('customer authentication (CUSTOMER_AUTH=jwt)', () => {
  let issuer: TokenIssuer;
  let app: TestApp;
  let alicesOrder: string;

  beforeAll(async () => {
    issuer = await new TokenIssuer().start();
    app = await startTestApp({ CUSTOMER_AUTH: 'jwt', CUSTOMER_JWT_ISSUER: issuer.url, CUSTOMER_JWT_AUDIENCE: AUDIENCE, CUSTOMER_JWKS_URL: `${issuer.url}/jwks` });
    const placed = await app.http('POST', '/orders', { items: [{ sku: 'SKU-003', quantity: 1 }] }, { headers: await as('alice') });
    expect(placed.status).toBe(202);
    alicesOrder = placed.body.orderId;
    await eventually(async () => expect((await app.http('GET', '/notifications', undefined, { headers: await as('alice') })).body.items).toHaveLength(1));
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await issuer?.stop();
  });

  async function as(customer: string, options?: TokenOptions): Promise<Record<string, string>> {
    return { authorization: `Bearer ${await issuer.sign(customer, AUDIENCE, options)}` };
  }

  /** Every way of not being a valid customer of this API. */
  const invalid: Array<[string, () => Promise<Record<string, string>>]> = [
    ['no token', async () => ({})],
    ['an expired token', () => as('alice', { expiresIn: -120 })],
    ['a token for another audience', () => as('alice', { audience: 'another-api' })],
    ['a token of another issuer', () => as('alice', { issuer: 'https://issuer.example' })],
    ['a token signed with an unknown key', () => as('alice', { unknownKey: true })],
    ['an unsigned token (alg: none)', async () => ({ authorization: `Bearer ${issuer.unsigned('alice', AUDIENCE)}` })],
    ['a Basic credential', async () => ({ authorization: 'Basic YWxpY2U6YWxpY2U=' })],
  ];

  const endpoints: Array<[string, string, string, unknown?]> = [
    ['POST /orders', 'POST', '/orders', { items: [{ sku: 'SKU-003', quantity: 1 }] }],
    ['GET /orders/:id', 'GET', '/orders/{alice}'],
    ['GET /notifications', 'GET', '/notifications'],
  ];

  describe.each(endpoints)('%s', (_name, method, template, body) => {
    const path = () => template.replace('{alice}', alicesOrder);

    it.each(invalid)('answers 401 with a challenge to %s, and places nothing', async (_what, headers) => {
      const [{ n: before }] = await app.db.query<{ n: string }>('SELECT count(*) AS n FROM orders.orders');
      const response = await fetch(`${app.url}${path()}`, { method, headers: { ...(await headers()), ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });

      expect({ status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.json() }).toEqual({
        status: 401,
        challenge: expect.stringMatching(/^Bearer realm="customers"/),
        body: expect.objectContaining({ statusCode: 401, code: 'CUSTOMER_TOKEN_REQUIRED' }),
      });
      const [{ n: after }] = await app.db.query<{ n: string }>('SELECT count(*) AS n FROM orders.orders');
      expect(after).toBe(before);
    });
  });

  it('places an order for the token subject, in RS256 and in ES256', async () => {
    for (const alg of ['RS256', 'ES256'] as const) {
      const placed = await app.http('POST', '/orders', { items: [{ sku: 'SKU-003', quantity: 1 }] }, { headers: await as('carol', { alg }) });
      expect(placed.status).toBe(202);
      expect((await app.http('GET', `/orders/${placed.body.orderId}`, undefined, { headers: await as('carol', { alg }) })).body).toMatchObject({ userId: 'carol' });
    }
  });

  it('refuses an order that names another customer than the token subject', async () => {
    const placed = await app.http('POST', '/orders', { userId: 'bob', items: [{ sku: 'SKU-003', quantity: 1 }] }, { headers: await as('alice') });

    expect(placed).toEqual({ status: 403, body: expect.objectContaining({ code: 'CUSTOMER_MISMATCH' }) });
    expect(await app.db.query(`SELECT id FROM orders.orders WHERE user_id = 'bob'`)).toEqual([]);
  });

  it("shows a customer its own order, and another customer's as not found", async () => {
    expect(await app.http('GET', `/orders/${alicesOrder}`, undefined, { headers: await as('alice') })).toMatchObject({ status: 200, body: { orderId: alicesOrder, userId: 'alice' } });
    expect(await app.http('GET', `/orders/${alicesOrder}`, undefined, { headers: await as('bob') })).toEqual({ status: 404, body: expect.objectContaining({ code: 'ORDER_NOT_FOUND' }) });
  });

  it("lists a customer's own notifications only, and refuses to list another's", async () => {
    const own = await app.http('GET', '/notifications', undefined, { headers: await as('alice') });
    expect(own.status).toBe(200);
    expect(own.body.items.map((notification: { userId: string }) => notification.userId)).toEqual(['alice']);

    expect(await app.http('GET', '/notifications', undefined, { headers: await as('bob') })).toEqual({ status: 200, body: { items: [], nextCursor: null } });
    expect(await app.http('GET', '/notifications?userId=alice', undefined, { headers: await as('bob') })).toEqual({ status: 403, body: expect.objectContaining({ code: 'CUSTOMER_MISMATCH' }) });
  });

  it('lets the admin token see and act for every customer', async () => {
    expect(await app.http('GET', `/orders/${alicesOrder}`, undefined, { admin: true })).toMatchObject({ status: 200, body: { userId: 'alice' } });
    expect((await app.http('GET', '/notifications?userId=alice', undefined, { admin: true })).body.items).toHaveLength(1);
    expect((await app.http('POST', '/orders', { userId: 'dave', items: [{ sku: 'SKU-003', quantity: 1 }] }, { admin: true })).status).toBe(202);
  });

  it("lists a customer only its own orders, the admin everyone's", async () => {
    const mine = await app.http('GET', '/orders', undefined, { headers: await as('alice') });
    expect(mine.body.items.map((order: { orderId: string }) => order.orderId)).toEqual([alicesOrder]);
    expect((await app.http('GET', '/orders?userId=alice', undefined, { headers: await as('bob') })).body).toEqual(expect.objectContaining({ code: 'CUSTOMER_MISMATCH' }));
    expect((await app.http('GET', '/orders', undefined, { headers: await as('bob') })).body.items).toEqual([]);
    expect((await app.http('GET', '/orders?userId=alice', undefined, { admin: true })).body.items).toHaveLength(1);
    expect((await app.http('GET', '/orders')).status).toBe(401);
  });

  it('renders the console order page with data only for its customer or the admin; without a token, the page asks for one', async () => {
    const page = async (headers: Record<string, string> = {}) => {
      const response = await fetch(`${app.url}/console/orders/${alicesOrder}`, { headers });
      return { status: response.status, html: await response.text() };
    };
    const timeline = 'class="timeline"';
    expect(await page(await as('alice'))).toEqual({ status: 200, html: expect.stringContaining(timeline) });
    expect(await page({ authorization: `Bearer ${ADMIN_TOKEN}` })).toEqual({ status: 200, html: expect.stringContaining(timeline) });
    const anonymous = await page();
    expect(anonymous).toEqual({ status: 200, html: expect.stringContaining('data-needs-token') });
    expect(anonymous.html).not.toContain(timeline);
    const stranger = await page(await as('bob'));
    expect(stranger.status).toBe(404);
    expect(stranger.html).not.toContain(timeline);
    expect((await page({ authorization: 'Bearer forged' })).status).toBe(401);
  });
});

describe('customer authentication left unconfigured (the default)', () => {
  let app: TestApp;

  beforeAll(async () => {
    // Blank, not just absent: the app above left its settings in this process's environment.
    app = await startTestApp({ CUSTOMER_AUTH: '', CUSTOMER_JWT_ISSUER: '', CUSTOMER_JWT_AUDIENCE: '', CUSTOMER_JWKS_URL: '' });
  }, 120_000);

  afterAll(() => app?.stop());

  it('keeps the customer endpoints closed, to customers and anonymous callers alike, while the admin token works', async () => {
    const closed = { status: 403, body: expect.objectContaining({ code: 'CUSTOMER_AUTH_UNCONFIGURED' }) };
    expect(await app.http('POST', '/orders', { userId: 'alice', items: [{ sku: 'SKU-003', quantity: 1 }] })).toEqual(closed);
    expect(await app.http('GET', '/notifications?userId=alice')).toEqual(closed);
    expect((await app.http('POST', '/orders', { userId: 'alice', items: [{ sku: 'SKU-003', quantity: 1 }] }, { admin: true })).status).toBe(202);
  });
});
