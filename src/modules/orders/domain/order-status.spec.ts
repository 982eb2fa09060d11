import { isFinal, reachableFrom } from './order-status';

describe('order status', () => {
  it('never moves a settled order back', () => {
    expect(reachableFrom('reserved')).not.toContain('paid');
    expect(reachableFrom('paid')).not.toContain('payment_failed');
  });

  it('lets a payment result settle an order whose reservation is not recorded yet', () => {
    expect(reachableFrom('paid')).toContain('pending');
  });

  it('knows which statuses end the chain', () => {
    expect(['paid', 'rejected', 'payment_failed'].every((s) => isFinal(s as never))).toBe(true);
    expect(isFinal('pending') || isFinal('reserved')).toBe(false);
  });
});
