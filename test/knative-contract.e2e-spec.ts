import { CloudEvent, HTTP } from 'cloudevents';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './support/eventually';
import { BrokerDouble } from './support/split/broker-double';
import { BundleProcess, buildSplitBundles } from './support/split/bundles';
import { ADMIN_TOKEN } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

/**
 * The Knative contract of each built bundle (dist/split/<module>/main.js), run as its own process: the test
 * plays the Broker. It posts CloudEvents in binary and structured mode; a malformed event gets a 4xx and
 * stores nothing; a failing handler a 5xx (Knative retries); a duplicate a 2xx and no second effect; what
 * the module emits arrives at the HTTP receiver given as K_SINK.
 */

const ROOT = join(__dirname, '..');
const TYPE = (name: string) => `com.toolsku.${name}`;

interface Contract {
  module: string;
  consumes: string;
  data: (orderId: string) => Record<string, unknown>;
  /** The rows the delivery leaves, counted per order. */
  effect: (db: TestDatabase, orderId: string) => Promise<number>;
  emits?: string;
}

const count = async (db: TestDatabase, sql: string, orderId: string) => Number((await db.query<{ n: string }>(sql, [orderId]))[0].n);

const CONTRACTS: Contract[] = [
  {
    module: 'orders',
    consumes: 'order.created',
    data: (orderId) => ({ orderId, userId: 'ursula', items: [{ sku: 'SKU-001', quantity: 1, price: '24.99' }], total: '24.99' }),
    effect: (db, orderId) => count(db, 'SELECT count(*) AS n FROM orders.orders WHERE id = $1', orderId),
  },
  {
    module: 'inventory',
    consumes: 'order.created',
    data: (orderId) => ({ orderId, userId: 'ursula', items: [{ sku: 'SKU-003', quantity: 1 }] }),
    effect: (db, orderId) => count(db, 'SELECT count(*) AS n FROM inventory.reservations WHERE order_id = $1', orderId),
    emits: 'payment.request',
  },
  {
    module: 'payment',
    consumes: 'payment.request',
    data: (orderId) => ({ orderId, userId: 'ursula', amount: '9.99', currency: 'USD', method: 'card' }),
    effect: (db, orderId) => count(db, 'SELECT count(*) AS n FROM payment.payments WHERE order_id = $1', orderId),
    emits: 'payment.result',
  },
  {
    module: 'notification',
    consumes: 'payment.result',
    data: (orderId) => ({ orderId, userId: 'ursula', status: 'succeeded', amount: '9.99' }),
    effect: (db, orderId) => count(db, 'SELECT count(*) AS n FROM notification.notifications WHERE order_id = $1', orderId),
    emits: 'notification.send',
  },
];

function event(type: string, data: unknown, id = randomUUID()): CloudEvent<unknown> {
  // The attribute notification.send's publisher derives from the data, which the webhook's subscription filters on.
  const channel = (data as { channel?: string }).channel;
  return new CloudEvent({
    id,
    source: 'https://broker.example/test',
    type: TYPE(type),
    subject: (data as { orderId?: string }).orderId,
    datacontenttype: 'application/json',
    data,
    ...(channel ? { notificationchannel: channel } : {}),
  });
}

async function post(url: string, message: { headers: Record<string, unknown>; body: unknown }): Promise<number> {
  const response = await fetch(url, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
  await response.text();
  return response.status;
}

describe('each built bundle keeps the Knative contract', () => {
  let build: ReturnType<typeof buildSplitBundles>;
  let db: TestDatabase;
  const sink = new BrokerDouble([]);
  const processes = new Map<string, BundleProcess>();
  let started: Promise<unknown> | undefined;

  beforeAll(() => {
    started = (async () => {
      build = buildSplitBundles();
      db = await createTestDatabase();
      const kSink = await sink.start();
      for (const module of [...CONTRACTS.map((contract) => contract.module), 'deadletter'])
        processes.set(module, new BundleProcess(module, build.dir, { DATABASE_URL: db.url, K_SINK: kSink, K_CE_OVERRIDES: '{"extensions":{"cluster":"test"}}' }));
      await Promise.all([...processes.values()].map((process) => process.start()));
    })();
    return started;
  }, 180_000);

  afterAll(async () => {
    // Jest does not cancel a beforeAll past its timeout: wait until it has stopped starting things before stopping
    // them, or a bundle and the sink's server outlive the suite (and the worker is force-exited).
    await started?.catch(() => undefined);
    await Promise.all([...processes.values()].map((process) => process.stop()));
    await sink.stop();
    await db?.drop();
    build?.remove();
  });

  const url = (module: string) => processes.get(module)!.url;
  const emitted = (type: string, orderId: string) => sink.accepted.filter((candidate) => candidate.type === TYPE(type) && candidate.subject === orderId);

  describe.each(CONTRACTS)('$module', ({ module, consumes, data, effect, emits }) => {
    it(`handles a binary-mode ${consumes} once, and a redelivery of it not again`, async () => {
      const orderId = randomUUID();
      const delivered = event(consumes, data(orderId));

      expect(await post(url(module), HTTP.binary(delivered))).toBe(204);
      expect(await effect(db, orderId)).toBe(1);
      if (emits) await eventually(() => expect(emitted(emits, orderId)).toHaveLength(1));

      expect(await post(url(module), HTTP.binary(delivered))).toBe(204);
      expect(await effect(db, orderId)).toBe(1);
      if (emits) expect(emitted(emits, orderId)).toHaveLength(1);
    });

    it(`handles a structured-mode ${consumes}`, async () => {
      const orderId = randomUUID();
      expect(await post(url(module), HTTP.structured(event(consumes, data(orderId))))).toBe(204);
      expect(await effect(db, orderId)).toBe(1);
      if (emits) await eventually(() => expect(emitted(emits, orderId)[0]).toMatchObject({ source: module, subject: orderId, specversion: '1.0', cluster: 'test' }));
    });

    it('refuses a malformed event with a 4xx and stores nothing', async () => {
      const orderId = randomUUID();
      const noType = HTTP.binary(event(consumes, data(orderId)));
      delete noType.headers['ce-type'];
      const brokenData = HTTP.binary(event(consumes, { orderId }));
      const notForHere = HTTP.binary(event('notification.send', { orderId }));
      const statuses: number[] = [];
      for (const message of [noType, brokenData, notForHere]) statuses.push(await post(url(module), message));
      expect(statuses).toEqual([400, 400, 400]);
      expect(await effect(db, orderId)).toBe(0);
    });
  });

  it('answers 5xx while the payment handler fails, so the Broker retries, and charges once when it recovers', async () => {
    const orderId = randomUUID();
    const flaky = event('payment.request', { orderId, userId: 'ursula', amount: '3.10', currency: 'USD', method: 'test_flaky' });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) statuses.push(await post(url('payment'), HTTP.binary(flaky)));
    expect(statuses).toEqual([503, 503, 204]);
    expect(await count(db, 'SELECT count(*) AS n FROM payment.payments WHERE order_id = $1', orderId)).toBe(1);
  });

  it('keeps an event in the outbox while K_SINK refuses it, and delivers it once K_SINK takes it', async () => {
    const orderId = randomUUID();
    sink.refusals = 2;
    expect(await post(url('payment'), HTTP.binary(event('payment.request', { orderId, userId: 'ursula', amount: '1.00', currency: 'USD', method: 'card' })))).toBe(204);
    await eventually(() => expect(emitted('payment.result', orderId)).toHaveLength(1), { timeoutMs: 30_000 });
    // The dispatcher marks sent rows dispatched in batches, a few milliseconds after K_SINK took them.
    await eventually(async () => {
      const [row] = await db.query<{ attempts: number; dispatched: boolean }>('SELECT attempts, dispatched_at IS NOT NULL AS dispatched FROM events.outbox WHERE subject = $1', [orderId]);
      expect(row.dispatched).toBe(true);
      expect(row.attempts).toBeGreaterThanOrEqual(3);
    });
  });

  describe('deadletter', () => {
    const deadLetters = async () => {
      const response = await fetch(`${url('deadletter')}/dead-letters`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(response.status).toBe(200);
      return ((await response.json()) as { items: Array<{ id: string; subscription: string; eventId: string; errorCode: string; errorMessage: string; status: string }> }).items;
    };

    it("stores Knative's dead-lettered event under the Trigger's subscription, and replays it through K_SINK", async () => {
      const orderId = randomUUID();
      const original = event('payment.request', { orderId, userId: 'ursula', amount: '1.00', currency: 'USD', method: 'card' });
      const letter = new CloudEvent({
        ...original.toJSON(),
        knativeerrordest: 'http://payment.order-events.svc.cluster.local',
        knativeerrorcode: '503',
        knativeerrordata: Buffer.from('gateway down').toString('base64'),
      });
      const intake = `${url('deadletter')}/dead-letters/intake?subscription=payment-take-payment-when-payment-requested`;
      expect(await post(intake, HTTP.binary(letter))).toBe(204);
      expect(await post(intake, HTTP.structured(letter))).toBe(204);

      const stored = (await deadLetters()).filter((candidate) => candidate.eventId === original.id);
      expect(stored).toEqual([
        expect.objectContaining({
          subscription: 'payment-take-payment-when-payment-requested',
          errorCode: 'HTTP_503',
          errorMessage: 'delivery to http://payment.order-events.svc.cluster.local failed: gateway down',
          status: 'dead',
        }),
      ]);
      const replay = await fetch(`${url('deadletter')}/dead-letters/${stored[0].id}/replay`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(replay.status).toBe(200);
      await eventually(() => expect(sink.accepted.filter((candidate) => candidate.id === original.id)).toEqual([expect.objectContaining({ type: TYPE('payment.request'), data: original.data })]));
    });

    it('refuses a dead letter that names no subscription', async () => {
      const letter = event('payment.request', { orderId: randomUUID() });
      expect(await post(`${url('deadletter')}/dead-letters/intake`, HTTP.binary(letter))).toBe(400);
    });
  });

  it('serves /docs from the orders bundle alone, its own routes, with the UI files beside the bundle (no node_modules)', async () => {
    const document = (await (await fetch(`${url('orders')}/docs/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/', '/orders', '/orders/{orderId}', '/docs']));
    expect(document.paths['/inventory/{sku}']).toBeUndefined();
    for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
      // Read whole: a body left unread pauses its socket, which then never sees the server go and holds the jest worker.
      const response = await fetch(`${url('orders')}/docs/${file}`);
      const served = Buffer.from(await response.arrayBuffer());
      expect({ file, status: response.status, same: served.equals(readFileSync(join(build.dir, 'split', 'orders', file))) }).toEqual({ file, status: 200, same: true });
    }
    expect((await fetch(`${url('payment')}/docs`)).status).toBe(404);
    for (const module of ['payment', 'inventory', 'deadletter']) expect(readdirSync(join(build.dir, 'split', module)).filter((file) => file.startsWith('swagger-ui'))).toEqual([]);
  });

  it('starts from the code cache the build wrote, and still starts, saying so, when V8 rejects the cache', async () => {
    for (const bundle of processes.values()) expect(bundle.output.join('')).not.toContain('was rejected');
    // As a cache written by another node build would be: V8 refuses it and the loader compiles the bundle.
    const copy = mkdtempSync(join(tmpdir(), 'split-rejected-cache-'));
    const payment = new BundleProcess('payment', copy, { DATABASE_URL: db.url, K_SINK: sink.url });
    try {
      mkdirSync(join(copy, 'split/payment'), { recursive: true });
      for (const file of ['main.js', 'bundle.js']) copyFileSync(join(build.dir, 'split/payment', file), join(copy, 'split/payment', file));
      writeFileSync(join(copy, 'split/payment/bundle.js.cache'), 'not a V8 code cache');
      await payment.start();
      expect(payment.output.join('')).toContain('bundle.js.cache was rejected');
    } finally {
      await payment.stop();
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it("trains a code cache as the image's code-cache stage does, from the trainer, the bundle and PGlite alone", async () => {
    const copy = mkdtempSync(join(tmpdir(), 'split-trained-cache-'));
    const payment = new BundleProcess('payment', copy, { DATABASE_URL: db.url, K_SINK: sink.url });
    try {
      mkdirSync(join(copy, 'split/payment'), { recursive: true });
      for (const file of ['main.js', 'bundle.js']) copyFileSync(join(build.dir, 'split/payment', file), join(copy, 'split/payment', file));
      copyFileSync(join(ROOT, 'scripts/code-cache.mjs'), join(copy, 'code-cache.mjs'));
      mkdirSync(join(copy, 'node_modules'));
      symlinkSync(join(ROOT, 'node_modules/@electric-sql'), join(copy, 'node_modules/@electric-sql'));
      execFileSync(process.execPath, ['code-cache.mjs', 'split/payment'], { cwd: copy, env: { PATH: process.env.PATH }, stdio: 'pipe', timeout: 120_000 });
      expect(statSync(join(copy, 'split/payment/bundle.js.cache')).size).toBeGreaterThan(2 ** 20);
      await payment.start();
      expect(payment.output.join('')).not.toContain('was rejected');
    } finally {
      await payment.stop();
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('retries a payment.request that reaches orders before the order is recorded, and ends with the order paid', async () => {
    const orderId = randomUUID();
    const early = event('payment.request', { orderId, userId: 'ursula', amount: '24.99', currency: 'USD', method: 'card' });
    // Before the order.created: a 5xx, so the Broker retries it instead of the step being lost.
    expect(await post(url('orders'), HTTP.binary(early))).toBe(503);
    expect(await post(url('orders'), HTTP.binary(event('order.created', CONTRACTS[0].data(orderId))))).toBe(204);
    expect(await post(url('orders'), HTTP.binary(early))).toBe(204);
    expect(await post(url('orders'), HTTP.binary(event('payment.result', { orderId, userId: 'ursula', status: 'succeeded', amount: '24.99' })))).toBe(204);
    const [order] = await db.query<{ status: string; total_minor: string }>('SELECT status, total_minor FROM orders.orders WHERE id = $1', [orderId]);
    expect(order).toEqual({ status: 'paid', total_minor: '2499' });
  });

  it('serves without K_SINK, as a first revision before its SinkBinding, and a revision with a sink sends what it held', async () => {
    // A database of its own: the suite's other bundles have a sink and would dispatch the held event at once.
    const own = await createTestDatabase();
    const sinkless = new BundleProcess('inventory', build.dir, { DATABASE_URL: own.url, K_SINK: '' });
    const bound = new BundleProcess('inventory', build.dir, { DATABASE_URL: own.url, K_SINK: sink.url });
    try {
      await sinkless.start();
      const ready = (await (await fetch(`${sinkless.url}/readyz`)).json()) as { details: Record<string, unknown> };
      expect(ready.details.transport).toEqual({ status: 'up', message: expect.stringMatching(/sink pending/) });
      expect(await (await fetch(`${sinkless.url}/metrics`)).text()).toMatch(/^events_sink_pending 1$/m);

      const orderId = randomUUID();
      expect(await post(sinkless.url, HTTP.binary(event('order.created', { orderId, userId: 'ursula', items: [{ sku: 'SKU-002', quantity: 1 }] })))).toBe(204);
      const held = await own.query<{ type: string }>('SELECT type FROM events.outbox WHERE subject = $1 AND dispatched_at IS NULL', [orderId]);
      expect(held.map((row) => row.type)).toEqual([TYPE('payment.request')]);
      await sinkless.stop();
      expect(emitted('payment.request', orderId)).toEqual([]);

      await bound.start();
      expect(await (await fetch(`${bound.url}/metrics`)).text()).toMatch(/^events_sink_pending 0$/m);
      await eventually(() => expect(emitted('payment.request', orderId)).toHaveLength(1));
      expect(emitted('payment.request', orderId)[0]).toMatchObject({ source: 'inventory', partitionkey: orderId });
    } finally {
      await sinkless.stop('SIGKILL');
      await bound.stop();
      await own.drop();
    }
  });

  it('finishes the delivery in flight before it exits on SIGTERM, as when Knative scales it to zero', async () => {
    // A notification webhook that holds every call until the test lets it answer.
    const held: ServerResponse[] = [];
    const webhook = createServer((request, response) => void request.resume().on('end', () => held.push(response))).listen(0, '127.0.0.1');
    await once(webhook, 'listening');
    const notification = new BundleProcess('notification', build.dir, {
      DATABASE_URL: db.url,
      K_SINK: sink.url,
      NOTIFICATION_WEBHOOK_URL: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/`,
      NOTIFICATION_WEBHOOK_SECRET: `whsec_${Buffer.from('knative-contract-test-secret-0123').toString('base64')}`,
    });
    try {
      await notification.start();
      const orderId = randomUUID();
      // The webhook is called by its own subscription, from the notification.send the Broker delivers back.
      const message = HTTP.binary(event('notification.send', { orderId, userId: 'ursula', channel: 'webhook', title: 'Payment received', body: 'We received your payment.' }));
      const delivery = fetch(notification.url, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
      await eventually(() => expect(held).toHaveLength(1));

      const exited = notification.stop('SIGTERM');
      // The listener is closed (no new connections) while the delivery is still in flight; then it may finish.
      await eventually(() => expect(fetch(`${notification.url}/healthz`)).rejects.toThrow());
      held[0].writeHead(200).end();

      const answer = await delivery;
      expect(answer.status).toBe(204);
      // Else the idle keep-alive connection would hold the server open for its keep-alive timeout.
      expect(answer.headers.get('connection')).toBe('close');
      const exit = await exited;
      expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
      expect(await count(db, `SELECT count(*) AS n FROM events.inbox WHERE subscription = 'notification-call-webhook-when-notification-send' AND subject = $1`, orderId)).toBe(1);
    } finally {
      await notification.stop('SIGKILL');
      webhook.closeAllConnections();
      await new Promise((closed) => webhook.close(closed));
    }
  });
});
