import { randomUUID } from 'node:crypto';
import { RunningApp, startApp } from '../src/app/bootstrap';
import { eventually } from './support/eventually';
import { TcpFaultProxy } from './support/faults/tcp-proxy';
import { INGRESS_TOKEN, TEST_ACCESS } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

/**
 * The database goes away under a running app (the network between them is cut): callers get a prompt 503
 * with Retry-After and a body that names nothing of the connection, never a 500 after a long wait; once the
 * network heals the same process serves again, without a restart.
 */
describe('a database outage', () => {
  let db: TestDatabase;
  let proxy: TcpFaultProxy;
  let running: RunningApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = await TcpFaultProxy.inFrontOf(db.url);
    const env = { LOG_LEVEL: 'error', ...TEST_ACCESS, PORT: '0', DATABASE_URL: proxy.urlThrough(db.url), DATABASE_CONNECT_TIMEOUT: 'PT1S', EVENTS_OUTBOX_POLL_INTERVAL: 'PT0.2S' };
    Object.assign(process.env, env);
    running = await startApp();
  });
  afterAll(async () => {
    proxy?.heal();
    await running?.stop();
    await proxy?.close();
    await db?.drop();
  });

  /** A hung request fails the test here rather than at jest's timeout: the answer must not wait on TCP. */
  async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${running.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), text: await response.text() };
  }

  const order = { userId: 'outage-user', items: [{ sku: 'SKU-001', quantity: 1 }] };

  it('answers 503 with Retry-After while the database is cut, and serves again once it is back', async () => {
    const placed = await send('POST', '/orders', order);
    expect(placed.status).toBe(202);
    const { orderId } = JSON.parse(placed.text);

    proxy.cut();
    const event = { specversion: '1.0', id: randomUUID(), source: 'https://storefront.example', type: 'com.toolsku.order.created', data: { orderId: randomUUID(), ...order } };
    const answers = [
      await send('POST', '/orders', order),
      await send('GET', `/orders/${orderId}`),
      await send('POST', '/', event, { 'content-type': 'application/cloudevents+json', authorization: `Bearer ${INGRESS_TOKEN}` }),
    ];
    for (const answer of answers) {
      expect(answer).toEqual({ status: 503, retryAfter: expect.stringMatching(/^[1-9]\d*$/), text: expect.stringContaining('"code":"DATABASE_UNAVAILABLE"') });
      expect(answer.text).not.toContain(String(proxy.port));
      expect(answer.text).not.toContain('127.0.0.1');
    }

    proxy.heal();
    await eventually(async () => expect((await send('GET', `/orders/${orderId}`)).status).toBe(200));
    expect((await send('POST', '/orders', order)).status).toBe(202);
  });
});
