import { SimulatedGateway } from './simulated-gateway';
import { GatewayUnavailableError } from './gateway-unavailable.error';

const gateway = () => new SimulatedGateway({ PAYMENT_MAX_AMOUNT: '100.00' });
const charge = (method: string, amountMinor = 1000, idempotencyKey = 'order-1') => ({ idempotencyKey, amountMinor, currency: 'USD', method });

describe('simulated gateway', () => {
  it('accepts an ordinary card', async () => {
    await expect(gateway().charge(charge('card'))).resolves.toEqual({ status: 'succeeded' });
  });

  it('declines test_decline and amounts above the limit', async () => {
    await expect(gateway().charge(charge('test_decline'))).resolves.toEqual({ status: 'declined', reason: 'card declined' });
    await expect(gateway().charge(charge('card', 10_001))).resolves.toEqual({ status: 'declined', reason: 'amount exceeds the limit' });
  });

  it('fails test_flaky transiently twice per order, then succeeds', async () => {
    const flaky = gateway();
    await expect(flaky.charge(charge('test_flaky'))).rejects.toBeInstanceOf(GatewayUnavailableError);
    await expect(flaky.charge(charge('test_flaky', 1000, 'order-2'))).rejects.toBeInstanceOf(GatewayUnavailableError);
    await expect(flaky.charge(charge('test_flaky'))).rejects.toBeInstanceOf(GatewayUnavailableError);
    await expect(flaky.charge(charge('test_flaky'))).resolves.toEqual({ status: 'succeeded' });
  });

  it('remembers a bounded number of flaky orders, forgetting the oldest first', async () => {
    const flaky = gateway();
    const orders = Array.from({ length: SimulatedGateway.FLAKY_ORDERS_REMEMBERED + 2 }, (_, n) => `order-${n}`);
    for (const order of orders) await expect(flaky.charge(charge('test_flaky', 1000, order))).rejects.toBeInstanceOf(GatewayUnavailableError);

    expect(flaky.flakyOrders).toBe(SimulatedGateway.FLAKY_ORDERS_REMEMBERED);
    // The newest order is remembered (its second failure, then success); the oldest was forgotten and starts over.
    const newest = charge('test_flaky', 1000, orders[orders.length - 1]);
    await expect(flaky.charge(newest)).rejects.toBeInstanceOf(GatewayUnavailableError);
    await expect(flaky.charge(newest)).resolves.toEqual({ status: 'succeeded' });
    const oldest = charge('test_flaky', 1000, orders[0]);
    await expect(flaky.charge(oldest)).rejects.toBeInstanceOf(GatewayUnavailableError);
    await expect(flaky.charge(oldest)).rejects.toBeInstanceOf(GatewayUnavailableError);
  });
});
