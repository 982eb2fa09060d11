import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { eventually } from './support/eventually';
import { publishToOutbox } from './support/outbox-event';
import { ADMIN_TOKEN, AppProcess, request } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

/**
 * The built app (`dist/main.js`) as an operator sees it: JSON log lines, one per delivery attempt, without
 * secrets (also when the configuration is wrong), OpenTelemetry spans when a collector is configured, and a
 * SIGTERM that turns readiness off before draining. A real process also because the OTLP exporter loads
 * `http` with a dynamic import, which Jest refuses in process.
 */

const ROOT = resolve(__dirname, '..');
const MAIN = resolve(ROOT, 'dist/main.js');
const DB_PASSWORD = 's3cret-pw';
const RESERVE = 'inventory-reserve-stock-when-order-created';

/** The test database's URL with a password in it (the local Postgres trusts local connections, so any works). */
function withPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = DB_PASSWORD;
  return parsed.toString();
}

function parsedLines(lines: string[]): Array<Record<string, any>> {
  return lines.map((line) => {
    try {
      return JSON.parse(line);
    } catch {
      throw new Error(`not a JSON log line: ${line}`);
    }
  });
}

/** A notification webhook that holds every call until released, so a delivery stays in flight. */
class HeldWebhook {
  readonly held: ServerResponse[] = [];
  private readonly server: Server = createServer((_request: IncomingMessage, response: ServerResponse) => this.held.push(response));

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/notify`;
  }

  release(): void {
    for (const response of this.held.splice(0)) response.writeHead(204).end();
  }

  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}

/** A tiny OTLP/HTTP collector: keeps the spans posted to it as JSON. */
class Collector {
  readonly spans: ExportedSpan[] = [];
  readonly paths: string[] = [];
  private readonly server: Server = createServer((request, response) => void this.receive(request).then(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{}')));

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private async receive(request: IncomingMessage): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const body = JSON.parse((request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'));
    this.paths.push(request.url ?? '');
    for (const resource of body.resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) this.spans.push(...scope.spans);
  }
}

describe('the built app, as operators see it', () => {
  let db: TestDatabase;
  let app: AppProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  }, 120_000);

  afterEach(async () => {
    await app?.kill('SIGKILL');
    app = undefined;
  });

  afterAll(async () => {
    await db?.drop();
  });

  async function start(env: Record<string, string> = {}): Promise<{ app: AppProcess; url: string }> {
    app = new AppProcess({ DATABASE_URL: withPassword(db.url), EVENTS_OUTBOX_POLL_INTERVAL: 'PT0.2S', ...env });
    await app.start();
    return { app, url: app.url };
  }

  it('logs JSON lines: a handful at start, one per delivery attempt with its outcome and trace, and no secret anywhere', async () => {
    const { app, url } = await start({ LOG_LEVEL: 'info' });
    const sku = `T-logs-${Date.now()}`;
    expect((await request(url, 'PUT', `/inventory/${sku}`, { name: 'Logged', price: '1.00', available: 5 }, { admin: true })).status).toBe(200);
    expect((await request(url, 'GET', '/dead-letters', undefined, { admin: true })).status).toBe(200);
    const placed = await request(url, 'POST', '/orders', { userId: 'logged', items: [{ sku, quantity: 1 }] });
    const orderId: string = placed.body.orderId;
    const order = await eventually(async () => {
      const { body } = await request(url, 'GET', `/orders/${orderId}`);
      expect(body.status).toBe('paid');
      expect(body.timeline).toHaveLength(4);
      return body;
    });
    const created = order.timeline[0];

    const lines = await eventually(() => {
      const all = parsedLines(app.lines());
      expect(all.filter((line) => line.subject === orderId && line.outcome)).toHaveLength(8);
      return all;
    });
    const reserved = lines.filter((line) => line.subscription === RESERVE && line.id === created.id);
    expect(reserved).toEqual([
      expect.objectContaining({
        level: 'info',
        type: 'com.toolsku.order.created',
        id: created.id,
        subject: orderId,
        module: 'inventory',
        subscription: RESERVE,
        attempt: 1,
        outcome: 'handled',
        duration_ms: expect.any(Number),
        trace_id: created.traceId,
      }),
    ]);
    expect(
      lines
        .filter((line) => line.subject === orderId && line.outcome)
        .map((line) => line.outcome)
        .sort(),
    ).toEqual([...Array(7).fill('handled'), 'skipped']);
    // A quiet start: what runs, how events travel, which database (no password), who may call, where it listens.
    const database = new URL(db.url);
    expect(lines.filter((line) => line.context === 'Startup').map((line) => line.msg)).toEqual([
      expect.stringMatching(/^toolsku-order-events \d+\.\d+\.\d+ on Node v\d+/),
      'modules: orders, inventory, payment, notification, deadletter (10 subscriptions)',
      'events: in process',
      `database: Postgres ${database.hostname}:${database.port}, database ${database.pathname.slice(1)}`,
      expect.stringMatching(/^access: /),
      expect.stringMatching(/^listening on http:\/\/0\.0\.0\.0:\d+$/),
    ]);
    expect(lines.find((line) => line.context === 'Startup' && line.modules)).toMatchObject({ subscriptions: { payment: ['payment-take-payment-when-payment-requested <- payment.request'] } });
    // Nest's own wiring and route lines are at debug.
    expect(lines.filter((line) => ['InstanceLoader', 'RoutesResolver', 'RouterExplorer'].includes(line.context))).toEqual([]);
    // Requests are logged without headers or bodies.
    const put = lines.find((line) => line.req?.method === 'PUT' && line.res);
    expect(put).toMatchObject({ req: { method: 'PUT', url: `/inventory/${sku}` }, res: { statusCode: 200 } });
    expect(Object.keys(put!.req).sort()).toEqual(['id', 'method', 'url']);
    // Probes are not logged; delivery lines do not carry the id of the request that woke the dispatcher.
    expect(lines.filter((line) => line.req?.url === '/readyz')).toEqual([]);
    expect(reserved[0].req).toBeUndefined();
    const output = app.output.join('');
    expect(output).not.toContain(ADMIN_TOKEN);
    expect(output).not.toContain(DB_PASSWORD);
  });

  it('says what is wrong with a bad configuration in one JSON line, without the DATABASE_URL password', () => {
    const env = { ...process.env, LOG_LEVEL: 'info', ADMIN_TOKEN, DATABASE_URL: withPassword(db.url) };
    const badPort = spawnSync(process.execPath, [MAIN], { env: { ...env, PORT: 'eighty' }, encoding: 'utf8' });
    const badUrl = spawnSync(process.execPath, [MAIN], { env: { ...env, DATABASE_URL: `mysql://app:${DB_PASSWORD}@127.0.0.1/orders` }, encoding: 'utf8' });

    for (const [key, run] of [
      ['PORT', badPort],
      ['DATABASE_URL', badUrl],
    ] as const) {
      expect(run.status).toBe(1);
      const lines = parsedLines(`${run.stdout}${run.stderr}`.split('\n').filter(Boolean));
      expect(lines).toEqual([expect.objectContaining({ level: 'fatal', code: 'CONFIG_INVALID', msg: expect.stringContaining(key) })]);
      expect(`${run.stdout}${run.stderr}`).not.toContain(DB_PASSWORD);
      expect(`${run.stdout}${run.stderr}`).not.toContain(ADMIN_TOKEN);
    }
  });

  it('exports one OpenTelemetry span per handler attempt, in the trace of the request that placed the order', async () => {
    const collector = new Collector();
    try {
      const { url } = await start({ OTEL_EXPORTER_OTLP_ENDPOINT: await collector.start(), OTEL_BSP_SCHEDULE_DELAY: '100' });
      const traceId = randomBytes(16).toString('hex');
      const placed = await request(url, 'POST', '/orders', { userId: 'traced', items: [{ sku: 'SKU-003', quantity: 1 }] }, { headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } });
      const orderId: string = placed.body.orderId;

      // Seven handlings: every subscription of the four events (orders records its own order.created too).
      const spans = await eventually(() => {
        const ours = collector.spans.filter((span) => span.traceId === traceId);
        expect(ours).toHaveLength(7);
        return ours;
      });
      expect(new Set(collector.paths)).toEqual(new Set(['/v1/traces']));
      expect(spans.map((span) => span.name).sort()).toEqual(
        [
          'inventory-reserve-stock-when-order-created',
          'inventory-settle-reservation-when-payment-result',
          'notification-notify-when-payment-result',
          'orders-mark-reserved-when-payment-requested',
          'orders-record-order-when-order-created',
          'orders-settle-when-payment-result',
          'payment-take-payment-when-payment-requested',
        ].map((name) => `${name} process`),
      );
      // The span of a handler is the parent of the spans handling what it published.
      const reserve = spans.find((span) => span.name.startsWith('inventory-reserve'))!;
      const payment = spans.find((span) => span.name.startsWith('payment-take'))!;
      expect(payment.parentSpanId).toBe(reserve.spanId);
      const [{ traceparent }] = await db.query<{ traceparent: string }>(`SELECT event->>'traceparent' AS traceparent FROM events.outbox WHERE subject = $1 AND type = 'com.toolsku.payment.request'`, [orderId]);
      expect(traceparent).toBe(`00-${traceId}-${reserve.spanId}-01`);
      expect(payment.attributes).toContainEqual({ key: 'order_events.attempt', value: { intValue: 1 } });
    } finally {
      await collector.stop();
    }
  });

  it('answers 503 on /readyz as soon as SIGTERM arrives, while it drains a delivery still in flight, then exits', async () => {
    const webhook = new HeldWebhook();
    try {
      const { app, url } = await start({ NOTIFICATION_WEBHOOK_URL: await webhook.start(), NOTIFICATION_WEBHOOK_SECRET: `whsec_${Buffer.from('operability-test-secret-012345678').toString('base64')}` });
      const placed = await request(url, 'POST', '/orders', { userId: 'draining', items: [{ sku: 'SKU-002', quantity: 1 }] });
      const orderId: string = placed.body.orderId;
      await eventually(() => expect(webhook.held).toHaveLength(1));
      expect((await fetch(`${url}/readyz`)).status).toBe(200);

      const exited = app.kill('SIGTERM');
      const answer = await eventually(async () => {
        const response = await fetch(`${url}/readyz`);
        expect(response.status).toBe(503);
        return (await response.json()) as { status: string; error?: { shutdown?: { status: string } } };
      });
      // Our readiness indicator (down before any drain starts) or Terminus's own shutdown flag answers: either says why.
      const why = answer.status === 'shutting_down' ? answer.status : answer.error?.shutdown?.status;
      expect({ why }).toEqual({ why: expect.stringMatching(/^(down|shutting_down)$/) });
      expect(webhook.held).toHaveLength(1);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      webhook.release();
      await exited;
      // The delivery in flight finished and committed before the database closed.
      expect(await db.query('SELECT channel FROM notification.notifications WHERE order_id = $1 ORDER BY channel', [orderId])).toEqual([{ channel: 'log' }, { channel: 'webhook' }]);
    } finally {
      await webhook.stop();
    }
  });

  it('ends a delivery waiting out its backoff when SIGTERM arrives, and delivers its event after the restart', async () => {
    const orderId = `shutdown-${randomBytes(4).toString('hex')}`;
    const type = (name: string) => `com.toolsku.${name}`;
    ({ app } = await start({ MODULES: 'orders' }));
    // Orders has not recorded the order: marking it reserved fails, retryably, and waits out seconds of backoff.
    const eventId = await publishToOutbox(db, { type: type('payment.request'), source: 'inventory', subject: orderId }, { orderId, userId: 'shutdown', amount: '5.00', currency: 'USD', method: 'card' });
    await eventually(async () => expect(await db.query('SELECT count(*)::int AS n FROM events.delivery_failures WHERE event_id = $1', [eventId])).toEqual([{ n: 1 }]));

    // Ended by its own shutdown (Nest re-raises the signal once closed), not by the SIGKILL that follows a grace.
    expect(await app.kill('SIGTERM')).toEqual({ code: null, signal: 'SIGTERM' });
    // Ended unsettled: not marked dispatched, so not dead-lettered either (its retries were far from spent).
    expect(await db.query('SELECT dispatched_at FROM events.outbox WHERE event_id = $1', [eventId])).toEqual([{ dispatched_at: null }]);

    // The order arrives while the process is down: after the restart both wait in the outbox, the payment request first.
    await publishToOutbox(db, { type: type('order.created'), source: 'orders', subject: orderId }, { orderId, userId: 'shutdown', items: [{ sku: 'SKU-001', quantity: 1 }] });
    ({ app } = await start({ MODULES: 'orders' }));
    await eventually(async () => expect(await db.query('SELECT status FROM orders.orders WHERE id = $1', [orderId])).toEqual([{ status: 'reserved' }]), { timeoutMs: 60_000 });
  }, 180_000);
});
