import { matchesFilter } from './attribute-filter';

describe('a subscription filter on event attributes', () => {
  const event = { type: 'com.toolsku.payment.result', source: 'payment', paymentstatus: 'failed' };

  it('matches when every exact attribute is equal, and only then', () => {
    expect(matchesFilter({ exact: { source: 'payment', paymentstatus: 'failed' } }, event)).toBe(true);
    expect(matchesFilter({ exact: { paymentstatus: 'succeeded' } }, event)).toBe(false);
    expect(matchesFilter({ exact: { missing: 'x' } }, event)).toBe(false);
  });

  it('negates with not', () => {
    expect(matchesFilter({ not: { exact: { source: 'orders' } } }, event)).toBe(true);
    expect(matchesFilter({ not: { exact: { source: 'payment' } } }, event)).toBe(false);
  });
});
