import { RecordedEvent, RecordedFailure, RecordedHandling } from '../../../events';
import { timeline } from './timeline';

const created: RecordedEvent = { type: 'com.toolsku.order.created', id: 'e1', source: 'orders', time: '2026-01-01T00:00:00.000Z', traceId: 't1' };
const requested: RecordedEvent = { type: 'com.toolsku.payment.request', id: 'e2', source: 'inventory', time: '2026-01-01T00:00:01.000Z' };
const reserved: RecordedHandling = { source: 'orders', id: 'e1', subscription: 'inventory-reserve-stock-when-order-created', attempt: 1, time: '2026-01-01T00:00:00.500Z' };
const paid: RecordedHandling = { source: 'inventory', id: 'e2', subscription: 'payment-take-payment-when-payment-requested', attempt: 2, time: '2026-01-01T00:00:03.000Z' };
const failure = (attempt: number, time: string, deadLettered: boolean): RecordedFailure => ({
  type: requested.type,
  id: 'e2',
  source: 'inventory',
  time,
  module: 'payment',
  subscription: 'payment-take-payment-when-payment-requested',
  attempt,
  errorCode: 'PAYMENT_GATEWAY_UNAVAILABLE',
  error: 'down',
  deadLettered,
});

describe('an order timeline', () => {
  it('lists each event with the subscriptions that handled it, naming their module', () => {
    expect(timeline([created], [reserved], [])).toEqual([{ ...created, handledBy: [{ module: 'inventory', subscription: reserved.subscription, attempt: 1, outcome: 'handled', time: reserved.time }] }]);
  });

  it('puts failed attempts between the events by time, a dead-lettered one as such', () => {
    const entries = timeline([requested, created], [paid], [failure(2, '2026-01-01T00:00:02.000Z', true), failure(1, '2026-01-01T00:00:01.000Z', false)]);
    expect(entries.map((entry) => ('outcome' in entry ? `${entry.outcome} ${entry.attempt}` : entry.id))).toEqual(['e1', 'e2', 'failed 1', 'dead_lettered 2']);
  });
});
