import { randomUUID } from 'node:crypto';
import { moduleScenario, ModuleScenario } from '../../../test/support/module-scenario/module-scenario';
import { InventoryInsufficient } from '../inventory';
import { PaymentResult } from '../payment';
import { NOTIFICATION } from './notification.module';
import { NotificationSend } from './notification.events';

describe('notification, on its own: telling customers what happened to their orders', () => {
  let scenario: ModuleScenario;

  beforeAll(async () => {
    scenario = await moduleScenario(NOTIFICATION);
  });

  afterAll(() => scenario?.close());

  const notifications = async (userId: string) => (await scenario.http('GET', `/notifications?userId=${userId}`, undefined, { admin: true })).body.items;

  it('tells the customer their payment failed, and why', async () => {
    const orderId = randomUUID();
    const userId = `user-${orderId}`;

    await scenario
      .when(PaymentResult, { orderId, userId, status: 'failed', amount: '25.00', currency: 'USD', reason: 'card declined' })
      .expectPublished(NotificationSend, (sent) => expect(sent).toEqual({ orderId, userId, channel: 'log', title: 'Payment failed', body: `Your payment of 25.00 for order ${orderId} failed: card declined.` }))
      .expectState(async () => expect(await notifications(userId)).toEqual([expect.objectContaining({ orderId, channel: 'log', title: 'Payment failed' })]));
  });

  it('tells the customer an order could not be filled, naming the SKUs short', async () => {
    const orderId = randomUUID();
    const userId = `user-${orderId}`;

    await scenario
      .when(InventoryInsufficient, { orderId, userId, reason: 'insufficient stock', missing: [{ sku: 'SKU-002', requested: 3, available: 1 }] })
      .expectPublished(NotificationSend, (sent) => sent.orderId === orderId && sent.title === 'Order could not be fulfilled' && sent.body.includes('SKU-002'))
      .expectState(async () => expect(await notifications(userId)).toHaveLength(1));
  });
});
