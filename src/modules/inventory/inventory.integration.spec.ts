import { randomUUID } from 'node:crypto';
import { moduleScenario, ModuleScenario } from '../../../test/support/module-scenario/module-scenario';
import { OrderCreated } from '../orders';
import { PaymentResult } from '../payment';
import { INVENTORY } from './inventory.module';
import { InventoryInsufficient, InventoryReleased, PaymentRequest } from './inventory.events';

describe('inventory, on its own: reserving stock for orders and giving it back', () => {
  let scenario: ModuleScenario;

  beforeAll(async () => {
    scenario = await moduleScenario(INVENTORY);
  });

  afterAll(() => scenario?.close());

  /** A SKU of this test's own, so the tests share the module without sharing stock. */
  async function stocked(available: number, price = '12.50'): Promise<string> {
    const sku = `SKU-${randomUUID().slice(0, 8)}`;
    const answer = await scenario.http('PUT', `/inventory/${sku}`, { name: 'Scenario item', price, available }, { admin: true });
    expect(answer.status).toBe(200);
    return sku;
  }

  const available = async (sku: string) => (await scenario.db.query<{ available: number }>('SELECT available FROM inventory.stock WHERE sku = $1', [sku]))[0].available;

  it('reserves the stock of an order that fits and asks for its payment, priced from the catalog', async () => {
    const sku = await stocked(5);
    const orderId = randomUUID();

    await scenario
      .when(OrderCreated, { orderId, userId: 'ada', items: [{ sku, quantity: 2 }], paymentMethod: 'card' })
      .expectPublished(PaymentRequest, (request) => expect(request).toEqual({ orderId, userId: 'ada', amount: '25.00', currency: 'USD', method: 'card' }))
      .expectNotPublished(InventoryInsufficient)
      .expectState(async () => expect(await available(sku)).toBe(3));
  });

  it('reports an order it cannot fill and leaves the stock untouched', async () => {
    const sku = await stocked(1);
    const orderId = randomUUID();

    await scenario
      .when(OrderCreated, { orderId, userId: 'ada', items: [{ sku, quantity: 2 }] })
      .expectPublished(InventoryInsufficient, (shortage) => expect(shortage).toMatchObject({ orderId, missing: [{ sku, requested: 2, available: 1 }] }))
      .expectNotPublished(PaymentRequest)
      .expectState(async () => expect(await available(sku)).toBe(1));
  });

  it('gives a reservation back to stock when its payment failed', async () => {
    const sku = await stocked(5);
    const orderId = randomUUID();
    await scenario.given.event(OrderCreated, { orderId, userId: 'ada', items: [{ sku, quantity: 2 }] });

    await scenario
      .when(PaymentResult, { orderId, userId: 'ada', status: 'failed', amount: '25.00', currency: 'USD', reason: 'card declined' })
      .expectPublished(InventoryReleased, (release) => expect(release).toEqual({ orderId, items: [{ sku, quantity: 2 }] }))
      .expectState(async (db) => {
        expect(await available(sku)).toBe(5);
        expect(await db.query('SELECT status FROM inventory.reservations WHERE order_id = $1', [orderId])).toEqual([{ status: 'released' }]);
      });
  });

  it('keeps a paid reservation sold: nothing goes back to stock', async () => {
    const sku = await stocked(5);
    const orderId = randomUUID();
    await scenario.given.event(OrderCreated, { orderId, userId: 'ada', items: [{ sku, quantity: 2 }] });

    await scenario
      .when(PaymentResult, { orderId, userId: 'ada', status: 'succeeded', amount: '25.00', currency: 'USD' })
      .expectNotPublished(InventoryReleased)
      .expectState(async (db) => {
        expect(await available(sku)).toBe(3);
        expect(await db.query('SELECT status FROM inventory.reservations WHERE order_id = $1', [orderId])).toEqual([{ status: 'sold' }]);
      });
  });
});
