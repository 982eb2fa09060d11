import { randomUUID } from 'node:crypto';
import { moduleScenario, ModuleScenario } from '../../../test/support/module-scenario/module-scenario';
import { PaymentRequest } from '../inventory';
import { PAYMENT } from './payment.module';
import { PaymentResult } from './payment.events';

describe('payment, on its own: taking the payment a reservation asks for', () => {
  let scenario: ModuleScenario;

  beforeAll(async () => {
    scenario = await moduleScenario(PAYMENT);
  });

  afterAll(() => scenario?.close());

  const request = (method: string) => ({ orderId: randomUUID(), userId: 'ada', amount: '25.00', currency: 'USD', method });
  const payments = (orderId: string) => scenario.db.query('SELECT status, reason, amount_minor FROM payment.payments WHERE order_id = $1', [orderId]);

  it('charges the requested amount and publishes the success', async () => {
    const requested = request('card');

    await scenario
      .when(PaymentRequest, requested)
      .expectPublished(PaymentResult, (result) => expect(result).toEqual({ orderId: requested.orderId, userId: 'ada', status: 'succeeded', amount: '25.00', currency: 'USD' }))
      .expectState(async () => expect(await payments(requested.orderId)).toEqual([{ status: 'succeeded', reason: null, amount_minor: '2500' }]));
  });

  it('publishes a declined card as a failed payment, with the reason', async () => {
    const requested = request('test_decline');

    await scenario
      .when(PaymentRequest, requested)
      .expectPublished(PaymentResult, (result) => expect(result).toMatchObject({ orderId: requested.orderId, status: 'failed', reason: 'card declined' }))
      .expectState(async () => expect(await payments(requested.orderId)).toEqual([{ status: 'failed', reason: 'card declined', amount_minor: '2500' }]));
  });

  it('retries a gateway that is briefly unavailable until the charge goes through', async () => {
    const requested = request('test_flaky');

    await scenario.when(PaymentRequest, requested).expectPublished(PaymentResult, (result) => result.orderId === requested.orderId && result.status === 'succeeded');
  });

  it('charges an order once: a second request for it publishes nothing', async () => {
    const requested = request('card');
    await scenario.given.event(PaymentRequest, requested);

    await scenario
      .when(PaymentRequest, requested)
      .expectNotPublished(PaymentResult)
      .expectState(async () => expect(await payments(requested.orderId)).toHaveLength(1));
  });
});
