import { randomUUID } from 'node:crypto';
import { InventoryInsufficient, PaymentRequest } from '../../../src/modules/inventory';
import { INVENTORY } from '../../../src/modules/inventory/inventory.module';
import { ORDERS } from '../../../src/modules/orders/orders.module';
import { OrderCreated } from '../../../src/modules/orders';
import { PaymentResult } from '../../../src/modules/payment';
import { moduleScenario, ModuleScenario } from './module-scenario';

/** The harness must fail a scenario whose module does not do what it expects: each case below expects wrongly. */
describe('a module scenario that expects what the module does not do', () => {
  let scenario: ModuleScenario;

  beforeAll(async () => {
    scenario = await moduleScenario(INVENTORY, { timeoutMs: 1_500 });
  });

  afterAll(() => scenario?.close());

  const orderThatFits = () => ({ orderId: randomUUID(), userId: 'ada', items: [{ sku: 'SKU-001', quantity: 1 }] });

  it('fails when the expected event is not published, naming what was', async () => {
    await expect(scenario.when(OrderCreated, orderThatFits()).expectPublished(InventoryInsufficient)).rejects.toThrow(/expected the module to publish inventory\.insufficient; it published \S+\.payment\.request/);
  });

  it('fails when the event published does not match, saying why', async () => {
    await expect(scenario.when(OrderCreated, orderThatFits()).expectPublished(PaymentRequest, (request) => expect(request.amount).toBe('1.00'))).rejects.toThrow(
      /the payment\.request it published did not match .*Expected: "1\.00"/s,
    );
  });

  it('fails when the matcher returns false', async () => {
    await expect(scenario.when(OrderCreated, orderThatFits()).expectPublished(PaymentRequest, (request) => request.method === 'test_decline')).rejects.toThrow('the predicate returned false');
  });

  it('fails when an event expected not to be published is', async () => {
    await expect(scenario.when(OrderCreated, orderThatFits()).expectNotPublished(PaymentRequest)).rejects.toThrow('expected the module to publish no payment.request');
  });

  it('fails when the state is not as expected', async () => {
    const order = orderThatFits();
    const state = scenario.when(OrderCreated, order).expectState(async (db) => expect(await db.query('SELECT status FROM inventory.reservations WHERE order_id = $1', [order.orderId])).toEqual([{ status: 'sold' }]));
    await expect(state).rejects.toThrow(/"status": "reserved"/);
  });

  it('fails when the module takes no such event, rather than passing on an event nothing handled', async () => {
    await expect(scenario.when(PaymentRequest, { orderId: randomUUID(), userId: 'ada', amount: '1.00', currency: 'USD', method: 'card' })).rejects.toThrow('the inventory module has no subscription for payment.request');
  });

  it('passes the same expectations when they describe what the module did', async () => {
    const order = orderThatFits();
    await scenario
      .when(OrderCreated, order)
      .expectPublished(PaymentRequest, (request) => request.orderId === order.orderId)
      .expectNotPublished(InventoryInsufficient)
      .expectState(async (db) => expect(await db.query('SELECT status FROM inventory.reservations WHERE order_id = $1', [order.orderId])).toEqual([{ status: 'reserved' }]));
  });
});

describe('a module scenario whose module cannot handle the event', () => {
  it('fails the when, with the failures the bus recorded', async () => {
    const scenario = await moduleScenario(ORDERS, { timeoutMs: 1_500 });
    const orderId = randomUUID();
    try {
      await expect(scenario.when(PaymentResult, { orderId, userId: 'ada', status: 'failed', amount: '1.00', currency: 'USD' })).rejects.toThrow(
        new RegExp(`has not settled event .*attempt 1 failed: order ${orderId} is not recorded yet`),
      );
    } finally {
      // Recorded now, so the delivery's next retry settles it: stopping waits for a delivery in its backoff.
      await scenario.given.sql(`INSERT INTO orders.orders (id, user_id, status, items, currency, payment_method) VALUES ($1, 'ada', 'pending', '[]', 'USD', 'card')`, [orderId]);
      await scenario.close();
    }
  });
});

describe('a module scenario left unawaited', () => {
  it('fails on close: the expectations it chained never ran', async () => {
    const scenario = await moduleScenario(INVENTORY);
    void scenario.when(OrderCreated, { orderId: randomUUID(), userId: 'ada', items: [{ sku: 'SKU-001', quantity: 1 }] }).expectPublished(InventoryInsufficient);
    await expect(scenario.close()).rejects.toThrow('1 when(...) or stimulate(...) never awaited');
  });
});
