import { randomUUID } from 'node:crypto';
import { moduleScenario, ModuleScenario } from '../../../test/support/module-scenario/module-scenario';
import { InventoryInsufficient, PaymentRequest } from '../inventory';
import { PaymentResult } from '../payment';
import { ORDERS } from './orders.module';
import { OrderCreated } from './orders.events';

describe('orders, on its own: taking orders and following them through the chain', () => {
  let scenario: ModuleScenario;

  beforeAll(async () => {
    scenario = await moduleScenario(ORDERS);
  });

  afterAll(() => scenario?.close());

  const order = async (orderId: string) => (await scenario.http('GET', `/orders/${orderId}`, undefined, { admin: true })).body;

  /** An order placed over the module's own API, as a customer places one. */
  async function placed(): Promise<string> {
    const answer = await scenario.http('POST', '/orders', { userId: 'ada', items: [{ sku: 'SKU-001', quantity: 2 }] });
    expect(answer.status).toBe(202);
    return answer.body.orderId;
  }

  it('publishes order.created for an order placed over HTTP and keeps it pending', async () => {
    let orderId = '';

    await scenario
      .stimulate(async () => (orderId = await placed()))
      .expectPublished(OrderCreated, (created) => expect(created).toMatchObject({ orderId, userId: 'ada', items: [{ sku: 'SKU-001', quantity: 2 }], paymentMethod: 'card' }))
      .expectState(async () => expect(await order(orderId)).toMatchObject({ status: 'pending', total: null }));
  });

  it('records an order placed elsewhere, so it can be followed here', async () => {
    const orderId = randomUUID();

    await scenario
      .when(OrderCreated, { orderId, userId: 'grace', items: [{ sku: 'SKU-003', quantity: 1 }], currency: 'EUR' })
      .expectState(async () => expect(await order(orderId)).toMatchObject({ orderId, userId: 'grace', status: 'pending', currency: 'EUR' }));
  });

  it('marks an order reserved with the total inventory priced', async () => {
    const orderId = await placed();

    await scenario
      .when(PaymentRequest, { orderId, userId: 'ada', amount: '49.98', currency: 'USD', method: 'card' })
      .expectState(async () => expect(await order(orderId)).toMatchObject({ status: 'reserved', total: '49.98', currency: 'USD' }));
  });

  it('rejects an order inventory could not fill', async () => {
    const orderId = await placed();

    await scenario
      .when(InventoryInsufficient, { orderId, userId: 'ada', reason: 'insufficient stock', missing: [{ sku: 'SKU-001', requested: 2, available: 1 }] })
      .expectState(async () => expect(await order(orderId)).toMatchObject({ status: 'rejected' }));
  });

  it('settles a reserved order as failed when its payment failed, and a late success does not pay it', async () => {
    const orderId = await placed();
    await scenario.given.event(PaymentRequest, { orderId, userId: 'ada', amount: '49.98', currency: 'USD', method: 'card' });
    await scenario.when(PaymentResult, { orderId, userId: 'ada', status: 'failed', amount: '49.98', currency: 'USD', reason: 'card declined' });

    await scenario
      .when(PaymentResult, { orderId, userId: 'ada', status: 'succeeded', amount: '49.98', currency: 'USD' })
      .expectState(async () => expect(await order(orderId)).toMatchObject({ status: 'payment_failed', total: '49.98' }));
  });
});
