import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { eventually } from './support/eventually';
import { ADMIN_TOKEN, startTestApp, TestApp } from './support/test-app';
import { SwitchableWebhook } from './support/webhook';

/** The built `order-events` CLI (package.json `bin`, built by the suite's global setup) against the running service. */
const CLI = resolve(__dirname, '../dist/cli/order-events.js');
const CALL_WEBHOOK = 'notification-call-webhook-when-notification-send';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('order-events CLI', () => {
  const webhook = new SwitchableWebhook();
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(await webhook.start());
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await webhook.stop();
  }, 90_000);

  /** Runs the CLI with the service's URL and, unless told otherwise, the admin token in its environment. */
  function cli(args: string[], env: Record<string, string | undefined> = { ADMIN_TOKEN }): Promise<Run> {
    return new Promise((done) => {
      execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ORDER_EVENTS_URL: app.url, ...env }, timeout: 90_000 }, (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });
  }

  it('places an order, follows it to paid and prints its id and timeline, exiting 0', async () => {
    const run = await cli(['place', '--user', 'alice', '--item', 'SKU-001:2', '--wait']);
    expect(run).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    const orderId = UUID.exec(run.stdout)?.[0];
    expect(run.stdout).toContain(`order ${orderId} paid, total 49.98 USD`);
    expect(run.stdout).toMatch(/payment\.request\s+inventory\s+payment-take-payment-when-payment-requested\s+1\s+handled/);
    expect(run.stdout + run.stderr).not.toContain(ADMIN_TOKEN);
  });

  it('exits 1 for a declined payment', async () => {
    const run = await cli(['place', '--user', 'bob', '--item', 'SKU-002:1', '--payment-method', 'test_decline', '--wait']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/order \S+ payment_failed/);
  });

  it('prints JSON for scripts', async () => {
    const placed = await cli(['place', '--user', 'carol', '--item', 'SKU-003:1', '--item', 'SKU-001:1', '--wait', '--json']);
    expect(placed.code).toBe(0);
    const order = JSON.parse(placed.stdout);
    expect(order).toEqual(
      expect.objectContaining({
        userId: 'carol',
        status: 'paid',
        items: [
          { sku: 'SKU-003', quantity: 1 },
          { sku: 'SKU-001', quantity: 1 },
        ],
      }),
    );
    const read = await cli(['order', order.orderId, '--json']);
    expect(JSON.parse(read.stdout)).toEqual(expect.objectContaining({ orderId: order.orderId, timeline: expect.arrayContaining([expect.objectContaining({ type: 'com.toolsku.order.created' })]) }));
    expect(JSON.parse((await cli(['stock', 'SKU-003', '--json'])).stdout)).toEqual(expect.objectContaining({ sku: 'SKU-003', currency: 'USD' }));
  });

  it('exits 3 when the order is still in flight at the timeout', async () => {
    const placed = await cli(['place', '--user', 'dave', '--item', 'SKU-001:1', '--payment-method', 'test_flaky']);
    const [orderId] = UUID.exec(placed.stdout)!;
    // The flaky gateway backs off for seconds before it pays: a 0.2 s watch ends first.
    const run = await cli(['order', orderId, '--watch', '--timeout', '0.2']);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(`order ${orderId} still`);
  });

  it('lists dead letters by subscription and replays them', async () => {
    const placed = await cli(['place', '--user', 'erin', '--item', 'SKU-001:1', '--json']);
    const { orderId } = JSON.parse(placed.stdout);
    const letter = await eventually(
      async () => {
        const run = await cli(['dead-letters', 'list', '--subscription', CALL_WEBHOOK, '--json']);
        expect(run.code).toBe(0);
        const found = JSON.parse(run.stdout).items.find((item: { subject: string }) => item.subject === orderId);
        expect(found).toBeDefined();
        return found as { id: string };
      },
      { timeoutMs: 60_000 },
    );
    const listed = await cli(['dead-letters', 'list', '--subscription', CALL_WEBHOOK]);
    expect(listed.stdout).toMatch(new RegExp(`${letter.id}\\s+dead\\s+${CALL_WEBHOOK}\\s+notification.send\\s+NOTIFICATION_WEBHOOK_UNAVAILABLE\\s+${orderId}`));

    webhook.answer = 200;
    expect(await cli(['dead-letters', 'replay', letter.id])).toEqual(expect.objectContaining({ code: 0, stdout: `${letter.id}  replayed\n` }));
    const again = await cli(['dead-letters', 'replay', letter.id]);
    expect(again.code).toBe(4);
    expect(again.stdout).toContain('DEAD_LETTER_ALREADY_REPLAYED');
  });

  it('exits 4 with the service refusal when the token is missing, and 2 on bad usage', async () => {
    const refused = await cli(['dead-letters', 'list'], {});
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('401 ADMIN_TOKEN_REQUIRED');
    expect((await cli(['place', '--user', 'alice', '--item', 'SKU-001'])).code).toBe(2);
    expect((await cli(['order'])).code).toBe(2);
  });
});
