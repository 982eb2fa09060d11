import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import type { DeadLetterView } from '../src/modules/deadletter/domain/dead-letter-office';
import { eventually } from './support/eventually';
import { PAYMENT_RESULT_SUBSCRIPTIONS, publishPoisonPaymentResult } from './support/poison-event';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Dead letters end to end: a subscription that runs out of retries (the notification webhook keeps failing)
 * and a poison event (data that breaks its schema) both land in `deadletter.events`, are listed to admins
 * only, and a dead letter replays once, to the subscription that failed, after the cause is fixed.
 */

/** The webhook runs from committed state, in a subscription of its own (ADR 15). */
const CALL_WEBHOOK = 'notification-call-webhook-when-notification-send';
/** Every subscription of `payment.result`, one per consuming module. */
/** The webhook's subscription retries 3 times after the first attempt. */
const NOTIFY_ATTEMPTS = 4;

/** A notification webhook whose answer the test switches at runtime; it counts the calls for each order. */
class Webhook {
  answer = 500;
  private readonly calls = new Map<string, number>();
  private readonly server: Server = createServer((request, response) => void this.receive(request, response));

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/notify`;
  }

  callsFor(orderId: string): number {
    return this.calls.get(orderId) ?? 0;
  }

  async stop(): Promise<void> {
    const closed = once(this.server, 'close');
    this.server.close();
    this.server.closeAllConnections();
    await closed;
  }

  private async receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let orderId = '(unparsable body)';
    try {
      orderId = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { orderId?: unknown }).orderId);
    } catch {
      // counted under the placeholder: a test expecting a call for its order then fails visibly
    }
    this.calls.set(orderId, this.callsFor(orderId) + 1);
    response.statusCode = this.answer;
    response.end();
  }
}

describe('dead letters', () => {
  const webhook = new Webhook();
  let app: TestApp;

  beforeAll(async () => {
    const url = await webhook.start();
    app = await startTestApp({ NOTIFICATION_WEBHOOK_URL: url, NOTIFICATION_WEBHOOK_SECRET: `whsec_${Buffer.from('dead-letters-test-secret-0123456').toString('base64')}` });
  }, 120_000);

  afterAll(async () => {
    if (app) {
      await app.stop();
    }
    await webhook.stop();
  }, 90_000);

  async function deadLetters(query = ''): Promise<DeadLetterView[]> {
    const { status, body } = await app.http<{ items: DeadLetterView[] }>('GET', `/dead-letters${query}`, undefined, { admin: true });
    expect(status).toBe(200);
    return body.items;
  }

  async function notificationRows(orderId: string): Promise<Array<{ channel: string }>> {
    return app.db.query('SELECT channel FROM notification.notifications WHERE order_id = $1 ORDER BY channel', [orderId]);
  }

  it('dead-letters a notification whose webhook keeps failing, after 1 + 3 attempts, and replays it once the webhook works', async () => {
    webhook.answer = 500;
    const userId = `dl-${randomUUID().slice(0, 8)}`;
    const placed = await app.http('POST', '/orders', { userId, items: [{ sku: 'SKU-001', quantity: 1 }] });
    expect(placed).toMatchObject({ status: 202, body: { orderId: expect.any(String) } });
    const orderId: string = placed.body.orderId;

    // A failing notification does not hold the order back.
    await eventually(async () => expect((await app.http('GET', `/orders/${orderId}`)).body.status).toBe('paid'));

    const letter = await eventually(async () => {
      const letters = (await deadLetters()).filter((candidate) => candidate.subject === orderId);
      expect(letters).toHaveLength(1);
      return letters[0];
    });
    expect(letter).toMatchObject({
      subscription: CALL_WEBHOOK,
      eventType: 'com.toolsku.notification.send',
      subject: orderId,
      attempts: NOTIFY_ATTEMPTS,
      errorCode: 'NOTIFICATION_WEBHOOK_UNAVAILABLE',
      errorMessage: expect.stringContaining('500'),
      status: 'dead',
      replayedAt: null,
      event: expect.objectContaining({ type: 'com.toolsku.notification.send', data: expect.objectContaining({ orderId, userId, channel: 'webhook' }) }),
    });
    // The first attempt and three retries each called the webhook; the letter is only written after the last.
    expect(webhook.callsFor(orderId)).toBe(NOTIFY_ATTEMPTS);
    // The notification was recorded, on both channels, before the webhook was called.
    expect(await notificationRows(orderId)).toEqual([{ channel: 'log' }, { channel: 'webhook' }]);
    expect((await deadLetters('?status=dead')).map((candidate) => candidate.id)).toContain(letter.id);
    const [{ count: stored }] = await app.db.query<{ count: string }>('SELECT count(*) FROM deadletter.events WHERE subscription = $1 AND subject = $2 AND attempts = $3 AND error_code = $4', [
      CALL_WEBHOOK,
      orderId,
      NOTIFY_ATTEMPTS,
      'NOTIFICATION_WEBHOOK_UNAVAILABLE',
    ]);
    expect(Number(stored)).toBe(1);
    // The order's timeline shows every failed attempt of that subscription, the last one dead-lettered.
    const { body: order } = await app.http('GET', `/orders/${orderId}`);
    const failures = order.timeline.filter((entry: { outcome?: string }) => entry.outcome);
    expect(failures.map(({ subscription, module, attempt, outcome, errorCode }: Record<string, unknown>) => ({ subscription, module, attempt, outcome, errorCode }))).toEqual(
      [1, 2, 3, 4].map((attempt) => ({ subscription: CALL_WEBHOOK, module: 'notification', attempt, outcome: attempt === NOTIFY_ATTEMPTS ? 'dead_lettered' : 'failed', errorCode: 'NOTIFICATION_WEBHOOK_UNAVAILABLE' })),
    );
    const types = order.timeline.map((entry: { type: string; outcome?: string }) => `${entry.type}${entry.outcome ? ` ${entry.outcome}` : ''}`);
    expect(types.indexOf('com.toolsku.notification.send')).toBeLessThan(types.indexOf('com.toolsku.notification.send failed'));
    expect(types[types.length - 1]).toBe('com.toolsku.notification.send dead_lettered');

    webhook.answer = 204;
    const replayed = await app.http<DeadLetterView>('POST', `/dead-letters/${letter.id}/replay`, undefined, { admin: true });

    expect(replayed.body).toEqual(expect.objectContaining({ id: letter.id, status: 'replayed', replayedAt: expect.any(String), subscription: CALL_WEBHOOK }));
    expect(webhook.callsFor(orderId)).toBe(NOTIFY_ATTEMPTS + 1);
    // Still one notification per channel: the replay called the webhook, and recorded nothing twice.
    expect(await notificationRows(orderId)).toEqual([{ channel: 'log' }, { channel: 'webhook' }]);
    const inbox = await app.db.query('SELECT subscription FROM events.inbox WHERE subscription = $1 AND event_id = $2', [CALL_WEBHOOK, letter.eventId]);
    expect(inbox).toHaveLength(1);
    expect((await deadLetters('?status=replayed')).map((candidate) => candidate.id)).toContain(letter.id);
    expect((await deadLetters('?status=dead')).map((candidate) => candidate.id)).not.toContain(letter.id);

    const again = await app.http('POST', `/dead-letters/${letter.id}/replay`, undefined, { admin: true });

    expect(again).toEqual({ status: 409, body: expect.objectContaining({ statusCode: 409, error: 'Conflict', message: expect.any(String), code: 'DEAD_LETTER_ALREADY_REPLAYED' }) });
    expect(webhook.callsFor(orderId)).toBe(NOTIFY_ATTEMPTS + 1);
    expect(await notificationRows(orderId)).toEqual([{ channel: 'log' }, { channel: 'webhook' }]);
    // The replay answers 200 with the letter (checked last, so a wrong status code cannot hide the behaviour above).
    expect(replayed.status).toBe(200);
  });

  it('dead-letters a poison payment.result once per subscribed module, at the first attempt, without retrying it', async () => {
    webhook.answer = 204;
    const { eventId, orderId } = await publishPoisonPaymentResult(app.db);

    const letters = await eventually(async () => {
      const found = (await deadLetters()).filter((candidate) => candidate.eventId === eventId);
      expect(found).toHaveLength(PAYMENT_RESULT_SUBSCRIPTIONS.length);
      return found;
    });

    expect(letters.map(({ subscription, attempts, errorCode, status }) => ({ subscription, attempts, errorCode, status })).sort((a, b) => a.subscription.localeCompare(b.subscription))).toEqual(
      PAYMENT_RESULT_SUBSCRIPTIONS.map((subscription) => ({ subscription, attempts: 1, errorCode: 'EVENT_MALFORMED', status: 'dead' })),
    );
    for (const letter of letters) expect(letter.errorMessage).toMatch(/schema/);
    // Delivered once (no dispatch retry), handled by nobody: no inbox record, no webhook call, no order touched.
    await eventually(async () => {
      const [row] = await app.db.query<{ attempts: number; dispatched_at: Date | null }>('SELECT attempts, dispatched_at FROM events.outbox WHERE event_id = $1', [eventId]);
      expect(row).toEqual({ attempts: 1, dispatched_at: expect.any(Date) });
    });
    expect(await app.db.query('SELECT subscription FROM events.inbox WHERE event_id = $1', [eventId])).toEqual([]);
    expect(webhook.callsFor(orderId)).toBe(0);
    expect(await app.db.query('SELECT id FROM orders.orders WHERE id = $1', [orderId])).toEqual([]);
    const [{ count }] = await app.db.query<{ count: string }>('SELECT count(*) FROM deadletter.events WHERE event_id = $1', [eventId]);
    expect(Number(count)).toBe(PAYMENT_RESULT_SUBSCRIPTIONS.length);
  });

  it('answers 401 to a dead-letter request without a token or with a wrong one', async () => {
    const letterId = randomUUID();
    const unauthorized = { status: 401, body: expect.objectContaining({ statusCode: 401, error: 'Unauthorized', message: expect.any(String), code: 'ADMIN_TOKEN_REQUIRED' }) };

    expect(await app.http('GET', '/dead-letters')).toEqual(unauthorized);
    expect(await app.http('GET', '/dead-letters', undefined, { headers: { authorization: 'Bearer not-the-admin-token-at-all' } })).toEqual(unauthorized);
    expect(await app.http('GET', '/dead-letters', undefined, { headers: { authorization: 'Basic dGVzdDp0ZXN0' } })).toEqual(unauthorized);
    expect(await app.http('POST', `/dead-letters/${letterId}/replay`)).toEqual(unauthorized);
    expect(await app.http('POST', `/dead-letters/${letterId}/replay`, undefined, { headers: { authorization: 'Bearer not-the-admin-token-at-all' } })).toEqual(unauthorized);
  });

  it('answers 404 to a replay of a dead letter that does not exist', async () => {
    const missing = await app.http('POST', `/dead-letters/${randomUUID()}/replay`, undefined, { admin: true });

    expect(missing).toEqual({ status: 404, body: expect.objectContaining({ statusCode: 404, message: expect.any(String), code: 'DEAD_LETTER_NOT_FOUND' }) });
  });
});

describe('dead letters on an app started without ADMIN_TOKEN', () => {
  let app: TestApp;

  beforeAll(async () => {
    // An empty value counts as unset.
    app = await startTestApp({ ADMIN_TOKEN: '' });
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('answers 403: admin endpoints are closed, never open, even to the token other apps accept', async () => {
    const forbidden = { status: 403, body: expect.objectContaining({ statusCode: 403, error: 'Forbidden', message: expect.any(String), code: 'ADMIN_DISABLED' }) };

    expect(await app.http('GET', '/dead-letters', undefined, { admin: true })).toEqual(forbidden);
    expect(await app.http('GET', '/dead-letters')).toEqual(forbidden);
    expect(await app.http('POST', `/dead-letters/${randomUUID()}/replay`, undefined, { admin: true })).toEqual(forbidden);
  });
});
