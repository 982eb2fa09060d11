import { eventually } from './support/eventually';
import { TcpFaultProxy } from './support/faults/tcp-proxy';
import { ThrowawayPostgres } from './support/postgres/throwaway-postgres';
import { AppProcess, request } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

/**
 * The built monolith on a Postgres that fails under it while orders keep coming: the network path cut, stalled or
 * reset by a TCP proxy between the app and the server, and the server itself SIGKILLed and restarted. The app may
 * refuse orders while its database is away (5xx, or no answer); every order it accepted (202) must still reach a
 * final status, stock must balance, and each payment and each notification must happen exactly once.
 */

const CONCURRENCY = 4;
/** Orders answered before the fault strikes, so part of the chain is in flight when it does. */
const BEFORE_FAULT = 10;
/** Orders placed after the fault is healed. */
const AFTER_HEAL = 10;
/** Bounds a run whose fault never shows. */
const MAX_ORDERS = 400;
const SCARCE_STOCK = 15;
const PLENTY_STOCK = 1000;
const FINAL = ['paid', 'rejected', 'payment_failed'];

interface OrderLine {
  sku: string;
  quantity: number;
}

/** Orders placed `CONCURRENCY` at a time until told how many more, sorted by how the app answered. */
class OrderLoad {
  readonly accepted: string[] = [];
  /** Statuses of refused orders (0: no answer at all). */
  readonly refused: number[] = [];
  readonly unexpected: Array<{ status: number; body: unknown }> = [];
  inFlight = 0;
  private placed = 0;
  private limit = MAX_ORDERS;

  constructor(
    private readonly url: string,
    private readonly label: string,
    private readonly order: (n: number) => { items: OrderLine[]; paymentMethod?: string },
  ) {}

  get answered(): number {
    return this.accepted.length + this.refused.length + this.unexpected.length;
  }

  /** Places `more` orders and stops: however long the fault lasted, the load ran through all of it. */
  finishAfter(more: number): void {
    this.limit = Math.min(this.limit, this.placed + more);
  }

  run(): Promise<void> {
    return Promise.all(Array.from({ length: CONCURRENCY }, () => this.worker())).then(() => undefined);
  }

  private async worker(): Promise<void> {
    while (this.placed < this.limit) {
      const n = this.placed++;
      this.inFlight++;
      try {
        const answer = await request(this.url, 'POST', '/orders', { userId: `${this.label}-${n}`, ...this.order(n) });
        if (answer.status === 202) this.accepted.push(answer.body.orderId);
        else if (answer.status >= 500) this.refused.push(answer.status);
        else this.unexpected.push(answer);
      } catch {
        this.refused.push(0);
      } finally {
        this.inFlight--;
      }
    }
  }
}

interface Fault {
  name: string;
  inject(): Promise<void> | void;
  /** Whether the app has run into the fault, so that healing it now ends a fault that did something. */
  felt(load: OrderLoad, refusedBefore: number): boolean;
  heal(): Promise<void> | void;
}

describe('the built app while its Postgres fails', () => {
  let postgres: ThrowawayPostgres;
  let db: TestDatabase;
  let proxy: TcpFaultProxy;
  let app: AppProcess;

  beforeAll(async () => {
    // A cluster of this file's own: the one every suite shares must not be killed.
    postgres = await ThrowawayPostgres.start();
    db = await createTestDatabase(postgres.url);
    proxy = await TcpFaultProxy.inFrontOf(db.url);
    app = new AppProcess({ DATABASE_URL: proxy.urlThrough(db.url), EVENTS_OUTBOX_POLL_INTERVAL: 'PT0.2S' });
    await app.start(60_000);
  }, 120_000);

  afterAll(async () => {
    await app?.kill('SIGTERM');
    await proxy?.close();
    await postgres?.stop();
  });

  const faults: Fault[] = [
    { name: 'the network path cut', inject: () => proxy.cut(), felt: (load, before) => load.refused.length > before, heal: () => proxy.heal() },
    {
      name: 'the network path stalled',
      inject: () => proxy.stall(),
      // Every order in flight waits on a query the proxy holds.
      felt: (load) => proxy.heldBytes > 0 && load.inFlight === CONCURRENCY,
      heal: () => proxy.heal(),
    },
    {
      name: 'every connection reset',
      inject: () => {
        expect(proxy.connections).toBeGreaterThan(0);
        proxy.reset();
      },
      felt: () => true,
      heal: () => undefined,
    },
    { name: 'Postgres SIGKILLed and restarted', inject: () => postgres.kill(), felt: (load, before) => load.refused.length > before, heal: () => postgres.restart() },
  ];

  it.each(faults.map((fault) => [fault.name, fault] as const))(
    'keeps every accepted order whole through %s',
    async (_name, fault) => {
      const label = `fault-${faults.indexOf(fault)}`;
      const scarce = `${label}-SCARCE`;
      const plenty = `${label}-PLENTY`;
      const initial = { [scarce]: SCARCE_STOCK, [plenty]: PLENTY_STOCK };
      for (const [sku, available] of Object.entries(initial)) expect((await request(app.url, 'PUT', `/inventory/${sku}`, { name: sku, price: '1.00', available }, { admin: true })).status).toBe(200);
      // More demand for the scarce SKU than stock (some orders rejected), some taking both SKUs, some declined at payment.
      const load = new OrderLoad(app.url, label, (n) => ({
        items:
          n % 2 === 0
            ? [{ sku: scarce, quantity: 1 + (n % 3) }]
            : [
                { sku: plenty, quantity: 1 },
                { sku: scarce, quantity: 1 },
              ],
        ...(n % 5 === 4 ? { paymentMethod: 'test_decline' } : {}),
      }));

      const running = load.run();
      let injected = false;
      try {
        await eventually(() => expect(load.answered).toBeGreaterThanOrEqual(BEFORE_FAULT));
        const refusedBefore = load.refused.length;
        await fault.inject();
        injected = true;
        await eventually(() => expect(fault.felt(load, refusedBefore)).toBe(true), { timeoutMs: 30_000 });
      } finally {
        // Also when the test failed: a load left running would outlive it.
        if (injected) await fault.heal();
        load.finishAfter(AFTER_HEAL);
        await running;
      }

      expect(load.unexpected).toEqual([]);
      expect(load.accepted.length).toBeGreaterThan(0);
      await expectSettledAndBalanced(label, load.accepted, initial);
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    },
    240_000,
  );

  /** Every order of this run (accepted, or committed though its answer was lost) final, paid and told once, stock balanced. */
  async function expectSettledAndBalanced(label: string, accepted: string[], initial: Record<string, number>): Promise<void> {
    const orders = await eventually(
      async () => {
        const rows = await db.query<{ id: string; status: string; items: OrderLine[] }>('SELECT id, status, items FROM orders.orders WHERE user_id LIKE $1', [`${label}-%`]);
        expect(rows.filter((row) => !FINAL.includes(row.status))).toEqual([]);
        return rows;
      },
      { timeoutMs: 120_000, intervalMs: 200 },
    );
    await eventually(async () => expect(await db.query('SELECT id, type FROM events.outbox WHERE dispatched_at IS NULL')).toEqual([]), { timeoutMs: 60_000, intervalMs: 200 });
    const ids = orders.map((order) => order.id);
    expect(ids).toEqual(expect.arrayContaining(accepted));

    const payments = await db.query<{ order_id: string; status: string }>('SELECT order_id, status FROM payment.payments WHERE order_id = ANY($1::text[])', [ids]);
    const notifications = await db.query<{ order_id: string }>('SELECT order_id FROM notification.notifications WHERE order_id = ANY($1::text[])', [ids]);
    const reservations = await db.query<{ order_id: string; status: string }>('SELECT order_id, status FROM inventory.reservations WHERE order_id = ANY($1::text[])', [ids]);
    const PAYMENT: Record<string, string[]> = { paid: ['succeeded'], payment_failed: ['failed'], rejected: [] };
    const RESERVATION: Record<string, string> = { paid: 'sold', payment_failed: 'released', rejected: 'insufficient' };
    for (const order of orders) {
      expect({ order: order.id, status: order.status, payments: payments.filter((row) => row.order_id === order.id).map((row) => row.status) }).toEqual({
        order: order.id,
        status: order.status,
        payments: PAYMENT[order.status],
      });
      expect({ order: order.id, notifications: notifications.filter((row) => row.order_id === order.id).length }).toEqual({ order: order.id, notifications: 1 });
      expect({ order: order.id, reservations: reservations.filter((row) => row.order_id === order.id).map((row) => row.status) }).toEqual({ order: order.id, reservations: [RESERVATION[order.status]] });
    }

    // Stock is conserved: initial = available + sold, where sold is what the paid orders bought.
    const sold: Record<string, number> = Object.fromEntries(Object.keys(initial).map((sku) => [sku, 0]));
    for (const { items } of orders.filter((order) => order.status === 'paid')) for (const { sku, quantity } of items) sold[sku] += quantity;
    const stock = await db.query<{ sku: string; available: number }>('SELECT sku, available FROM inventory.stock WHERE sku = ANY($1::text[])', [Object.keys(initial)]);
    expect(Object.fromEntries(stock.map(({ sku, available }) => [sku, available + sold[sku]]))).toEqual(initial);
    expect(await db.query('SELECT subscription, event_type, error_code FROM deadletter.events')).toEqual([]);
  }
});
