import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './support/eventually';
import { INGRESS_TOKEN, startTestApp, TestApp } from './support/test-app';
import { TokenIssuer, TokenOptions } from './support/token-issuer';

/**
 * Behind a Knative Broker (EVENT_TRANSPORT=http) the receivers take events from the Broker only: its OIDC
 * token, issued by the cluster (here a local issuer with OpenID discovery) for this Service's audience. The
 * dead-letter intake is routed here, for the Broker alone. Publishing to K_SINK presents the token the
 * SinkBinding mounts.
 */
const AUDIENCE = 'order-events-orders';

describe('the receivers behind a Knative Broker with OIDC', () => {
  let issuer: TokenIssuer;
  let app: TestApp;
  let sink: Server;
  const published: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    issuer = await new TokenIssuer().start();
    // The Broker double: it takes every event and keeps the headers it came with.
    sink = createServer((request, response) => {
      published.push(request.headers);
      request.resume().on('end', () => response.writeHead(202).end());
    }).listen(0, '127.0.0.1');
    await once(sink, 'listening');
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'oidc-')), 'token');
    writeFileSync(tokenFile, 'sink-binding-oidc-token');
    app = await startTestApp({
      EVENT_TRANSPORT: 'http',
      K_SINK: `http://127.0.0.1:${(sink.address() as { port: number }).port}/`,
      K_SINK_TOKEN_FILE: tokenFile,
      EVENTS_OIDC_ISSUER: issuer.url,
      EVENTS_OIDC_AUDIENCE: AUDIENCE,
    });
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    sink?.closeAllConnections();
    await new Promise((closed) => (sink ? sink.close(closed) : closed(undefined)));
    await issuer?.stop();
  });

  async function pendingOrder(): Promise<string> {
    const orderId = randomUUID();
    await app.db.query(`INSERT INTO orders.orders (id, user_id, status, items, currency, payment_method) VALUES ($1, 'oidc', 'pending', '[]', 'USD', 'card')`, [orderId]);
    return orderId;
  }

  function paymentRequest(orderId: string, authorization?: string): Promise<Response> {
    return fetch(`${app.url}/`, {
      method: 'POST',
      headers: { ...(authorization ? { authorization } : {}), 'ce-specversion': '1.0', 'ce-id': randomUUID(), 'ce-source': 'inventory', 'ce-type': 'com.toolsku.payment.request', 'content-type': 'application/json' },
      body: JSON.stringify({ orderId, userId: 'oidc', amount: '12.34', currency: 'USD', method: 'test_decline' }),
    });
  }

  async function broker(options?: TokenOptions): Promise<string> {
    return `Bearer ${await issuer.sign('system:serviceaccount:knative-eventing:kafka-broker', AUDIENCE, options)}`;
  }

  const refused: Array<[string, () => Promise<string | undefined>]> = [
    ['no token', async () => undefined],
    ['an expired token', () => broker({ expiresIn: -120 })],
    ['a token for another Service', () => broker({ audience: 'order-events-payment' })],
    ['a token of another issuer', () => broker({ issuer: 'https://kubernetes.example' })],
    ['a token signed with an unknown key', () => broker({ unknownKey: true })],
    ['an unsigned token (alg: none)', async () => `Bearer ${issuer.unsigned('system:serviceaccount:x:y', AUDIENCE)}`],
    ['the external ingress token', async () => `Bearer ${INGRESS_TOKEN}`],
  ];

  it.each(refused)('answers 401 with the Broker challenge to %s, and changes nothing', async (_what, authorization) => {
    const orderId = await pendingOrder();

    const response = await paymentRequest(orderId, await authorization());

    expect({ status: response.status, challenge: response.headers.get('www-authenticate'), code: ((await response.json()) as { code: string }).code }).toEqual({
      status: 401,
      challenge: 'Bearer realm="knative-broker"',
      code: 'EVENT_SENDER_UNAUTHENTICATED',
    });
    expect(await app.db.query('SELECT status, total_minor FROM orders.orders WHERE id = $1', [orderId])).toEqual([{ status: 'pending', total_minor: null }]);
    expect(await app.db.query('SELECT order_id FROM payment.payments WHERE order_id = $1', [orderId])).toEqual([]);
  });

  it("accepts the Broker's token, RS256 or ES256, and handles the event", async () => {
    for (const alg of ['RS256', 'ES256'] as const) {
      const orderId = await pendingOrder();

      expect((await paymentRequest(orderId, await broker({ alg }))).status).toBe(204);

      expect(await app.db.query('SELECT status, total_minor FROM orders.orders WHERE id = $1', [orderId])).toEqual([{ status: 'reserved', total_minor: '1234' }]);
    }
  });

  it('presents the SinkBinding token with every event it publishes to K_SINK', async () => {
    const orderId = await pendingOrder();
    expect((await paymentRequest(orderId, await broker())).status).toBe(204);

    await eventually(() => expect(published.filter((headers) => headers['ce-subject'] === orderId)).toHaveLength(1));
    expect(published.every((headers) => headers.authorization === 'Bearer sink-binding-oidc-token')).toBe(true);
  });

  it("routes the dead-letter intake, for the Broker's dead-letter delivery only", async () => {
    const eventId = randomUUID();
    const intake = (authorization?: string) =>
      fetch(`${app.url}/dead-letters/intake?subscription=payment-take-payment-when-payment-requested`, {
        method: 'POST',
        headers: {
          ...(authorization ? { authorization } : {}),
          'ce-specversion': '1.0',
          'ce-id': eventId,
          'ce-source': 'inventory',
          'ce-type': 'com.toolsku.payment.request',
          'ce-knativeerrorcode': '500',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ orderId: randomUUID(), userId: 'oidc', amount: '1.00', currency: 'USD', method: 'card' }),
      });

    expect((await intake()).status).toBe(401);
    expect((await intake(await broker({ audience: 'elsewhere' }))).status).toBe(401);
    expect(await app.db.query('SELECT event_id FROM deadletter.events WHERE event_id = $1', [eventId])).toEqual([]);

    expect((await intake(await broker())).status).toBe(204);
    expect(await app.db.query('SELECT subscription FROM deadletter.events WHERE event_id = $1', [eventId])).toEqual([{ subscription: 'payment-take-payment-when-payment-requested' }]);
  });
});
