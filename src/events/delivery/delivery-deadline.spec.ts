import { DeliveryTimeoutError } from '../errors';
import { DeliveryDeadline } from './delivery-deadline';

describe('a delivery batch’s deadline', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('settles with the work when it finishes in time, without stopping it', async () => {
    const deadline = new DeliveryDeadline(1000, 'subscription-a');
    const stop = jest.fn(async () => undefined);

    await expect(deadline.race(Promise.resolve('handled'), stop)).resolves.toBe('handled');
    deadline.clear();
    jest.advanceTimersByTime(2000);
    expect(stop).not.toHaveBeenCalled();
    expect(deadline.expired).toBe(false);
  });

  it('rejects with the timeout only once the stopping finished, never before', async () => {
    const deadline = new DeliveryDeadline(1000, 'subscription-a');
    let stopped!: () => void;
    const stop = jest.fn(() => new Promise<void>((resolve) => (stopped = resolve)));
    const outcome = deadline.race(new Promise(() => undefined), stop).then(
      () => 'resolved',
      (error: unknown) => error,
    );
    let settled = false;
    void outcome.then(() => (settled = true));

    jest.advanceTimersByTime(1000);
    await Promise.resolve();
    expect(stop).toHaveBeenCalledTimes(1);
    expect(settled).toBe(false);

    stopped();
    const error = await outcome;
    expect(error).toBeInstanceOf(DeliveryTimeoutError);
    expect((error as Error).message).toBe('subscription-a did not finish within 1000 ms');
  });
});
