import { CloudEvent } from 'cloudevents';
import { createHmac, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { EVENT_TRANSPORT, EventTransport } from '../src/events/transport/event-transport';
import { PAYMENT_GATEWAY, PaymentGateway } from '../src/modules/payment/domain/payment-gateway';
import { eventually } from './support/eventually';
import { startTestApp, TestApp } from './support/test-app';

/**
 * With one slot per subscription, events queue up and, for subscriptions declared `batched`, share transactions
 * (DeliveryTransaction). Each still settles on its own: a flaky payment rolls its batch back, with the events it
 * had published, and is retried alone while the rest of its batch commits without it. The webhook, an external
 * effect, runs from committed state in a subscription of its own that is not `batched` (ADR 9, 15): one
 * transaction per event, so a batch-mate's failure never calls it again.
 */
const CUSTOMERS = 40;
const WEBHOOK_DOWN_FOR = 8;
const FLAKY_PAYMENTS = 8;
const WEBHOOK_ATTEMPTS = 4;
const SECRET = `whsec_${Buffer.from('batched-delivery-test-secret-0123').toString('base64')}`;
const CALL_WEBHOOK = 'notification-call-webhook-when-notification-send';

interface WebhookCall {
  userId: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('deliveries batched into shared transactions', () => {
  let app: TestApp;
  let webhook: Server;
  const calls: WebhookCall[] = [];
  const sent: CloudEvent<unknown>[] = [];
  const charged: string[] = [];

  beforeAll(async () => {
    // The webhook answers 500 to every notification for an "unlucky" customer.
    webhook = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const { userId } = JSON.parse(body) as { userId: string };
        calls.push({ userId, headers: request.headers, body });
        response.statusCode = userId.startsWith('unlucky') ? 500 : 204;
        response.end();
      });
    }).listen(0, '127.0.0.1');
    await once(webhook, 'listening');
    const url = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/notify`;
    app = await startTestApp({ EVENTS_SUBSCRIPTION_CONCURRENCY: '1', NOTIFICATION_WEBHOOK_URL: url, NOTIFICATION_WEBHOOK_SECRET: SECRET });
    const transport = app.app.get<EventTransport>(EVENT_TRANSPORT);
    const publish = transport.publish.bind(transport);
    transport.publish = (event) => {
      sent.push(event);
      return publish(event);
    };
    const gateway = app.app.get<PaymentGateway>(PAYMENT_GATEWAY);
    const charge = gateway.charge.bind(gateway);
    gateway.charge = (request) => {
      charged.push(request.idempotencyKey);
      return charge(request);
    };
  });

  afterAll(async () => {
    await app?.stop();
    webhook.closeAllConnections();
    await new Promise((closed) => webhook.close(closed));
  });

  const customers = Array.from({ length: CUSTOMERS }, (_, n) => (n < WEBHOOK_DOWN_FOR ? `unlucky-${n}` : `lucky-${n}`));
  const orderOf = new Map<string, string>();
  const callsOf = (userId: string) => calls.filter((call) => call.userId === userId);

  it('calls every customer’s webhook once, from committed state, while flaky payments roll their batches back', async () => {
    // Flaky payments fail twice each: their batches roll back and the others in them run again.
    const answers = await Promise.all(
      customers.map((userId, n) => app.http('POST', '/orders', { userId, items: [{ sku: 'SKU-003', quantity: 1 }], ...(n % (CUSTOMERS / FLAKY_PAYMENTS) === 1 ? { paymentMethod: 'test_flaky' } : {}) })),
    );
    expect(answers.map(({ status }) => status)).toEqual(customers.map(() => 202));
    customers.forEach((userId, n) => orderOf.set(userId, answers[n].body.orderId as string));

    await eventually(
      async () => {
        const [{ count }] = await app.db.query<{ count: string }>('SELECT count(*) FROM deadletter.events WHERE subscription = $1', [CALL_WEBHOOK]);
        expect(Number(count)).toBe(WEBHOOK_DOWN_FOR);
      },
      { timeoutMs: 60_000 },
    );
    await eventually(async () => expect(await app.db.query('SELECT id FROM events.outbox WHERE dispatched_at IS NULL')).toEqual([]), { timeoutMs: 30_000 });

    const lucky = customers.filter((userId) => userId.startsWith('lucky'));
    expect(Object.fromEntries(lucky.map((userId) => [userId, callsOf(userId).length]))).toEqual(Object.fromEntries(lucky.map((userId) => [userId, 1])));
    // The others were retried per policy (the first attempt and three retries), then dead-lettered.
    const unlucky = customers.filter((userId) => userId.startsWith('unlucky'));
    expect(unlucky.map((userId) => callsOf(userId).length)).toEqual(unlucky.map(() => WEBHOOK_ATTEMPTS));

    const statuses = await app.db.query<{ status: string; count: string }>('SELECT status, count(*) FROM orders.orders WHERE id = ANY($1) GROUP BY status', [[...orderOf.values()]]);
    expect(statuses).toEqual([{ status: 'paid', count: String(CUSTOMERS) }]);
    const notified = await app.db.query<{ user_id: string; channels: string }>(`SELECT user_id, string_agg(channel, ',' ORDER BY channel) AS channels FROM notification.notifications GROUP BY user_id`);
    expect(Object.fromEntries(notified.map((row) => [row.user_id, row.channels]))).toEqual(Object.fromEntries(customers.map((userId) => [userId, 'log,webhook'])));

    // Batches did form: inbox rows written by one transaction share its xmin.
    const [{ rows, transactions }] = await app.db.query<{ rows: string; transactions: string }>(
      `SELECT count(*) AS rows, count(DISTINCT xmin::text) AS transactions FROM events.inbox WHERE subscription = 'payment-take-payment-when-payment-requested'`,
    );
    expect(Number(transactions)).toBeLessThan(Number(rows));
    // The webhook's subscription did not opt in to batches: each of its events committed in a transaction of its own.
    const [webhookInbox] = await app.db.query<{ rows: string; transactions: string }>(`SELECT count(*) AS rows, count(DISTINCT xmin::text) AS transactions FROM events.inbox WHERE subscription = $1`, [CALL_WEBHOOK]);
    expect(Number(webhookInbox.rows)).toBe(lucky.length);
    expect(Number(webhookInbox.transactions)).toBe(lucky.length);
    // Every event handed to the transport was committed: none came from a rolled-back attempt.
    const committed = new Set((await app.db.query<{ event_id: string }>('SELECT event_id FROM events.outbox')).map((row) => row.event_id));
    expect(sent.filter((event) => !committed.has(event.id)).map((event) => `${event.type} ${event.subject}`)).toEqual([]);
    expect(sent.filter((event) => event.type === 'com.toolsku.notification.send')).toHaveLength(CUSTOMERS * 2);
  }, 120_000);

  it('signs each call the Standard Webhooks way, with the notification event’s id as its idempotency key', async () => {
    const notificationIds = new Set(sent.filter((event) => event.type === 'com.toolsku.notification.send').map((event) => event.id));
    const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
    for (const { headers, body } of calls) {
      const id = headers['webhook-id'] as string;
      const signed = createHmac('sha256', key)
        .update(`${id}.${headers['webhook-timestamp'] as string}.${body}`)
        .digest('base64');
      expect(headers['webhook-signature']).toBe(`v1,${signed}`);
      expect(notificationIds.has(id)).toBe(true);
    }
    // Retries of one notification carry the same id: the receiver can tell them apart from new ones.
    expect(new Set(callsOf('unlucky-0').map((call) => call.headers['webhook-id'])).size).toBe(1);
  });

  it('records a payment’s intent before calling the gateway: a second request for a paid order never reaches it', async () => {
    const orderId = orderOf.get('lucky-10')!;
    const before = charged.filter((key) => key === orderId).length;
    const again = new CloudEvent({
      id: randomUUID(),
      source: 'inventory',
      type: 'com.toolsku.payment.request',
      subject: orderId,
      datacontenttype: 'application/json',
      data: { orderId, userId: 'lucky-10', amount: '9.99', currency: 'USD', method: 'card' },
    });
    // Published on the bus, as inventory would (an internal type never arrives over HTTP in the monolith).
    await app.app.get<EventTransport>(EVENT_TRANSPORT).publish(again);

    expect(charged.filter((key) => key === orderId).length).toBe(before);
    expect(await app.db.query('SELECT status FROM payment.payments WHERE order_id = $1', [orderId])).toEqual([{ status: 'succeeded' }]);
  });
});
