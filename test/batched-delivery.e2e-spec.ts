import { CloudEvent } from 'cloudevents';
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { EVENT_TRANSPORT, EventTransport } from '../src/events/transport/event-transport';
import { eventually } from './support/eventually';
import { startTestApp, TestApp } from './support/test-app';

/**
 * With one slot per subscription, events queue up and share transactions (DeliveryTransaction). Each still
 * settles on its own: a notification whose webhook fails rolls its batch back, with the events it had
 * published, and is retried and dead-lettered alone, while the rest of its batch commits without it.
 */
const LUCKY = 30;
const UNLUCKY = 10;

describe('deliveries batched into shared transactions', () => {
  let app: TestApp;
  let webhook: Server;
  const sent: CloudEvent<unknown>[] = [];

  beforeAll(async () => {
    // The webhook refuses every notification for an "unlucky" user.
    webhook = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const { userId } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { userId: string };
        response.statusCode = userId.startsWith('unlucky') ? 503 : 204;
        response.end();
      });
    }).listen(0, '127.0.0.1');
    await once(webhook, 'listening');
    const url = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/notify`;
    app = await startTestApp({ EVENTS_SUBSCRIPTION_CONCURRENCY: '1', NOTIFICATION_WEBHOOK_URL: url });
    const transport = app.app.get<EventTransport>(EVENT_TRANSPORT);
    const publish = transport.publish.bind(transport);
    transport.publish = (event) => {
      sent.push(event);
      return publish(event);
    };
  });

  afterAll(async () => {
    await app?.stop();
    webhook.close();
  });

  it('commits each event of a batch on its own, and never sends an event from a rolled-back attempt', async () => {
    const users = [...Array.from({ length: LUCKY }, (_, n) => `lucky-${n}`), ...Array.from({ length: UNLUCKY }, (_, n) => `unlucky-${n}`)];
    const answers = await Promise.all(users.map((userId) => app.http('POST', '/orders', { userId, items: [{ sku: 'SKU-003', quantity: 1 }] })));
    expect(answers.map(({ status }) => status)).toEqual(users.map(() => 202));
    const orderOf = new Map(users.map((userId, n) => [userId, answers[n].body.orderId as string]));

    await eventually(async () => {
      const [{ count }] = await app.db.query<{ count: string }>(`SELECT count(*) FROM deadletter.events WHERE subscription = 'notification-notify-when-payment-result'`);
      expect(Number(count)).toBe(UNLUCKY);
    }, { timeoutMs: 60_000 });
    await eventually(async () => expect(await app.db.query('SELECT id FROM events.outbox WHERE dispatched_at IS NULL')).toEqual([]), { timeoutMs: 30_000 });

    const notified = await app.db.query<{ user_id: string; channels: string }>(`SELECT user_id, string_agg(channel, ',' ORDER BY channel) AS channels FROM notification.notifications GROUP BY user_id`);
    expect(Object.fromEntries(notified.map((row) => [row.user_id, row.channels]))).toEqual(Object.fromEntries(users.filter((user) => user.startsWith('lucky')).map((user) => [user, 'log,webhook'])));
    const statuses = await app.db.query<{ status: string; count: string }>('SELECT status, count(*) FROM orders.orders WHERE id = ANY($1) GROUP BY status', [[...orderOf.values()]]);
    expect(statuses).toEqual([{ status: 'paid', count: String(users.length) }]);

    // Batches did form: inbox rows written by one transaction share its xmin.
    const [{ rows, transactions }] = await app.db.query<{ rows: string; transactions: string }>(
      `SELECT count(*) AS rows, count(DISTINCT xmin::text) AS transactions FROM events.inbox WHERE subscription = 'notification-notify-when-payment-result'`,
    );
    expect(Number(transactions)).toBeLessThan(Number(rows));
    // Every event handed to the transport was committed: none came from a rolled-back attempt.
    const committed = new Set((await app.db.query<{ event_id: string }>('SELECT event_id FROM events.outbox')).map((row) => row.event_id));
    expect(sent.filter((event) => !committed.has(event.id)).map((event) => `${event.type} ${event.subject}`)).toEqual([]);
    expect(sent.filter((event) => event.type === 'com.toolsku.notification.send')).toHaveLength(LUCKY * 2);
  }, 120_000);
});
