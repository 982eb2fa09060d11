import { setImmediate as tick } from 'node:timers/promises';
import { Bulkhead } from './bulkhead';

describe('bulkhead', () => {
  it('never runs more than its limit at once and runs everything in the end', async () => {
    const bulkhead = new Bulkhead(2);
    let running = 0;
    let peak = 0;
    const done = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        bulkhead.run(async () => {
          peak = Math.max(peak, ++running);
          await tick();
          running--;
          return index;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(done).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('frees its slot when the work fails', async () => {
    const bulkhead = new Bulkhead(1);
    await expect(bulkhead.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(bulkhead.run(async () => 'next')).resolves.toBe('next');
  });
});
