import { randomUUID } from 'node:crypto';
import { eventually } from './support/eventually';
import { PAYMENT_RESULT_SUBSCRIPTIONS, publishPoisonPaymentResult } from './support/poison-event';
import { startTestApp, TestApp } from './support/test-app';

/**
 * `GET /metrics` end to end: after a real order chain and a poison event, the Prometheus exposition carries
 * the delivery counters, the scrape-time gauges (outbox backlog, orders by status), the HTTP latency by
 * route pattern and the process metrics, with bounded label values only.
 */

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A tiny parser for the text exposition format: `name{label="value",...} value` per line, comments skipped. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/.exec(line);
    if (!match) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key] = raw.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The samples named `name` whose labels include `labels`. */
function select(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
}

/** The sum over the matching samples (0 when none matches: a counter not yet incremented). */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return select(samples, name, labels).reduce((sum, sample) => sum + sample.value, 0);
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('GET /metrics', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  }, 120_000);

  afterAll(() => app?.stop());

  async function scrape(): Promise<Sample[]> {
    const response = await fetch(`${app.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(await response.text());
  }

  it('counts a happy-path order through the chain, with scrape-time gauges, HTTP latency by route and process metrics', async () => {
    const placed = await app.http('POST', '/orders', { userId: `metrics-${randomUUID().slice(0, 8)}`, items: [{ sku: 'SKU-001', quantity: 1 }] });
    expect(placed).toMatchObject({ status: 202, body: { orderId: expect.any(String) } });
    const orderId: string = placed.body.orderId;
    await eventually(async () => expect((await app.http('GET', `/orders/${orderId}`)).body.status).toBe('paid'));

    const samples = await eventually(async () => {
      const scraped = await scrape();
      expect(total(scraped, 'events_delivered_total', { subscription: 'inventory-reserve-stock-when-order-created', outcome: 'handled' })).toBe(1);
      expect(total(scraped, 'events_outbox_pending')).toBe(0);
      return scraped;
    });

    expect(select(samples, 'events_delivered_total', { subscription: 'inventory-reserve-stock-when-order-created' })).toEqual([
      { name: 'events_delivered_total', labels: { module: 'inventory', subscription: 'inventory-reserve-stock-when-order-created', type: 'order.created', outcome: 'handled' }, value: 1 },
    ]);
    expect(total(samples, 'event_handler_duration_seconds_count', { subscription: 'inventory-reserve-stock-when-order-created' })).toBe(1);
    expect(total(samples, 'events_outbox_oldest_pending_age_seconds')).toBe(0);
    expect(select(samples, 'orders_by_status')).toEqual([{ name: 'orders_by_status', labels: { status: 'paid' }, value: 1 }]);
    expect(total(samples, 'http_request_duration_seconds_count', { route: '/orders', method: 'POST', status_code: '202' })).toBe(1);
    // The route pattern, never the raw URL with the order id in it.
    expect(total(samples, 'http_request_duration_seconds_count', { route: '/orders/:orderId', method: 'GET', status_code: '200' })).toBeGreaterThanOrEqual(1);
    expect(select(samples, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(select(samples, 'events_dead_lettered_total')).toEqual([]);
  });

  it('counts a poison payment.result as dead-lettered once per consuming subscription, and exposes no unbounded label values', async () => {
    const before = total(await scrape(), 'events_dead_lettered_total', { code: 'EVENT_MALFORMED' });
    await publishPoisonPaymentResult(app.db);

    const samples = await eventually(async () => {
      const scraped = await scrape();
      expect(total(scraped, 'events_dead_lettered_total', { code: 'EVENT_MALFORMED' })).toBe(before + PAYMENT_RESULT_SUBSCRIPTIONS.length);
      return scraped;
    });
    expect(
      select(samples, 'events_dead_lettered_total', { code: 'EVENT_MALFORMED' })
        .sort((a, b) => a.labels.subscription.localeCompare(b.labels.subscription))
        .map(({ labels, value }) => ({ ...labels, value })),
    ).toEqual(PAYMENT_RESULT_SUBSCRIPTIONS.map((subscription) => ({ module: subscription.split('-')[0], subscription, type: 'payment.result', code: 'EVENT_MALFORMED', value: 1 })));
    // A poison event is not retried.
    expect(total(samples, 'events_retried_total', { type: 'payment.result' })).toBe(0);

    const unbounded = samples.flatMap((sample) =>
      Object.entries(sample.labels)
        .filter(([, value]) => UUID.test(value))
        .map(([key, value]) => `${sample.name}{${key}="${value}"}`),
    );
    expect(unbounded).toEqual([]);
  });

  it('names only counters *_total, as Prometheus conventions require', async () => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    // prom-client's own process metrics (nodejs_active_handles_total is a gauge) are not ours to rename.
    const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => ({ name, type })).filter(({ name }) => !/^(nodejs|process)_/.test(name));
    expect(types.length).toBeGreaterThan(0);
    expect(types.filter(({ name, type }) => name.endsWith('_total') && type !== 'counter')).toEqual([]);
  });
});
