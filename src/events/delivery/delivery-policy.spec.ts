import { backoffMs, deliveryPolicy, worstCaseMs } from './delivery-policy';
import { durationMs } from '../../platform/config/duration';

describe('delivery policy', () => {
  it('reads ISO-8601 durations the way Knative writes them', () => {
    expect(durationMs('PT1S')).toBe(1000);
    expect(durationMs('PT0.25S')).toBe(250);
    expect(durationMs('PT1M30S')).toBe(90_000);
    expect(durationMs('P1DT1H')).toBe(90_000_000);
    expect(() => durationMs('1s')).toThrow(RangeError);
    expect(() => durationMs('PT')).toThrow(RangeError);
    expect(() => durationMs('P')).toThrow(RangeError);
    expect(() => durationMs('P1DT')).toThrow(RangeError);
  });

  it('backs off exponentially as delay * 2^n and linearly as delay * n', () => {
    const exponential = deliveryPolicy({ backoffPolicy: 'exponential', backoffDelay: 'PT0.1S' });
    const linear = deliveryPolicy({ backoffPolicy: 'linear', backoffDelay: 'PT0.1S' });
    expect([1, 2, 3].map((n) => backoffMs(exponential, n))).toEqual([200, 400, 800]);
    expect([1, 2, 3].map((n) => backoffMs(linear, n))).toEqual([100, 200, 300]);
  });

  it('bounds the worst case of a whole delivery', () => {
    const policy = deliveryPolicy({ retry: 2, backoffPolicy: 'linear', backoffDelay: 'PT1S', timeout: 'PT10S' });
    expect(worstCaseMs(policy)).toBe(3 * 10_000 + 1000 + 2000);
  });

  it('refuses a policy it could not honour', () => {
    expect(() => deliveryPolicy({ retry: -1 })).toThrow(RangeError);
    expect(() => deliveryPolicy({ timeout: '30s' })).toThrow(RangeError);
  });
});
