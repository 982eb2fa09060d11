import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CloudEvent, HTTP } from 'cloudevents';
import { randomUUID } from 'node:crypto';
import { DeliveryContext } from '../src/events';
import { SubscriptionRegistry } from '../src/events/delivery/subscription-registry';
import { startTestApp, TestApp } from './support/test-app';

/**
 * A delivery that runs out of time is stopped, not abandoned: its transaction is rolled back (its backend
 * gone from pg_stat_activity) before the sender hears 503, and its slot frees only then, so a subscription
 * never runs more transactions than declared and timed-out work cannot drain the pool.
 */
const SLOW = 'notification-call-webhook-when-notification-send';

describe('delivery timeouts', () => {
  let app: TestApp;
  /** The backend of each event's transaction, by event id. */
  const backendOf = new Map<string, number>();
  /** For each transaction, when it began, how many earlier ones still had a backend. */
  const alongside: number[] = [];

  beforeAll(async () => {
    // Four connections: had the four timed-out transactions kept theirs, nothing else could run. Knative mode
    // (the Broker's token check off): there, as from a Broker, internal events arrive at POST /.
    app = await startTestApp({ EVENTS_SUBSCRIPTION_CONCURRENCY: '1', DATABASE_POOL_SIZE: '4', EVENT_TRANSPORT: 'http', EVENTS_BROKER_AUTH: 'off' });
    const txHost = app.app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost);
    // The webhook's subscription made slow: a statement that never ends, or a handler that waits forever.
    const subscription = app.app.get(SubscriptionRegistry).named(SLOW)! as { delivery: object; invoke: (data: unknown, context: DeliveryContext) => Promise<unknown> };
    subscription.delivery = { ...subscription.delivery, timeout: 'PT1S' };
    subscription.invoke = async (data, context) => {
      const [{ pid }] = await txHost.tx.query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid');
      const [{ alive }] = await app.db.query<{ alive: string }>('SELECT count(*) AS alive FROM pg_stat_activity WHERE pid = ANY($1)', [[...backendOf.values()]]);
      alongside.push(Number(alive));
      backendOf.set(context.event.id, pid);
      if ((data as { title: string }).title === 'statement') await txHost.tx.query('SELECT pg_sleep(60)');
      else await new Promise(() => undefined);
    };
  });

  afterAll(async () => {
    await app?.stop();
  });

  const notification = (title: string) =>
    new CloudEvent({
      id: randomUUID(),
      source: 'notification',
      type: 'com.toolsku.notification.send',
      subject: 'order-1',
      notificationchannel: 'webhook',
      datacontenttype: 'application/json',
      data: { orderId: 'order-1', userId: 'slow', channel: 'webhook', title, body: 'b' },
    });

  async function post(event: CloudEvent<unknown>): Promise<{ status: number; backendAlive: boolean }> {
    const message = HTTP.binary(event);
    const response = await fetch(app.url, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
    await response.text();
    const pid = backendOf.get(event.id);
    const rows = await app.db.query('SELECT pid FROM pg_stat_activity WHERE pid = $1', [pid]);
    return { status: response.status, backendAlive: rows.length > 0 };
  }

  it('rolls a slow handler’s transaction back before answering 503, and never runs two at once', async () => {
    const events = ['statement', 'waiting', 'statement', 'waiting'].map(notification);
    const answers = await Promise.all(events.map(post));

    expect(answers).toEqual(events.map(() => ({ status: 503, backendAlive: false })));
    expect(alongside).toEqual(events.map(() => 0));
    expect(await app.db.query('SELECT event_id FROM events.inbox WHERE subscription = $1', [SLOW])).toEqual([]);
  }, 60_000);

  it('leaves the pool whole: all four connections serve again after the timed-out deliveries', async () => {
    // Had the timed-out transactions kept their connections, these would wait out DATABASE_CONNECT_TIMEOUT: 503.
    const placed = await Promise.all([0, 1, 2, 3].map((n) => app.http('POST', '/orders', { userId: `after-timeouts-${n}`, items: [{ sku: 'SKU-003', quantity: 1 }] })));
    expect(placed.map((answer) => answer.status)).toEqual([202, 202, 202, 202]);
  });
});
