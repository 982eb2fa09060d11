import { deliveriesPerTransaction } from './deliveries-per-transaction';

describe('how many deliveries share a transaction', () => {
  it('is EVENTS_DELIVERY_BATCH for a subscription that opted in to batches', () => {
    expect(deliveriesPerTransaction({ batched: true }, 32)).toBe(32);
  });

  it('is one for a subscription that did not, whatever the batch size', () => {
    expect(deliveriesPerTransaction({ batched: false }, 32)).toBe(1);
  });
});
