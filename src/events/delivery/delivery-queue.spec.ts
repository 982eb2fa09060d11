import { DeliveryQueue, Settled } from './delivery-queue';

function deferred(): { promise: Promise<void>; release(): void } {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe('DeliveryQueue', () => {
  it('delivers one at a time while a slot is free, and batches what arrives while every slot is busy', async () => {
    const gate = deferred();
    const batches: number[][] = [];
    const queue = new DeliveryQueue<number, number>(1, 10, async (items) => {
      batches.push(items);
      if (items[0] === 1) await gate.promise;
      return items.map((value) => ({ value: value * 10 }));
    });
    const results = [1, 2, 3, 4].map((n) => queue.submit(n));
    gate.release();
    expect(await Promise.all(results)).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('never puts more than maxBatch in one batch', async () => {
    const gate = deferred();
    const sizes: number[] = [];
    const queue = new DeliveryQueue<number, number>(1, 2, async (items) => {
      sizes.push(items.length);
      await gate.promise;
      return items.map((value) => ({ value }));
    });
    const results = Promise.all([1, 2, 3, 4, 5].map((n) => queue.submit(n)));
    gate.release();
    await results;
    expect(sizes).toEqual([1, 2, 2]);
  });

  it('settles each item on its own: one failure rejects only its submitter', async () => {
    const queue = new DeliveryQueue<number, number>(1, 10, async (items): Promise<Settled<number>[]> => items.map((value) => (value === 2 ? { error: new Error('two') } : { value })));
    await expect(Promise.allSettled([1, 2, 3].map((n) => queue.submit(n)))).resolves.toEqual([
      { status: 'fulfilled', value: 1 },
      { status: 'rejected', reason: new Error('two') },
      { status: 'fulfilled', value: 3 },
    ]);
  });

  it('rejects the whole batch when the batch itself fails, and goes on with the next', async () => {
    let calls = 0;
    const queue = new DeliveryQueue<number, number>(1, 10, async (items) => {
      if (calls++ === 0) throw new Error('commit failed');
      return items.map((value) => ({ value }));
    });
    await expect(queue.submit(1)).rejects.toThrow('commit failed');
    await expect(queue.submit(2)).resolves.toBe(2);
  });

  it('runs up to limit batches at once', async () => {
    const gate = deferred();
    let concurrent = 0;
    let peak = 0;
    const queue = new DeliveryQueue<number, number>(3, 1, async (items) => {
      peak = Math.max(peak, ++concurrent);
      await gate.promise;
      concurrent--;
      return items.map((value) => ({ value }));
    });
    const results = Promise.all([1, 2, 3, 4, 5].map((n) => queue.submit(n)));
    await new Promise(setImmediate);
    gate.release();
    await results;
    expect(peak).toBe(3);
  });

  it('refuses an arrival at once, with a retryable error, when maxWaiting already wait', async () => {
    const gate = deferred();
    const queue = new DeliveryQueue<number, number>(
      1,
      10,
      async (items) => {
        await gate.promise;
        return items.map((value) => ({ value }));
      },
      2,
    );
    const accepted = [1, 2, 3].map((n) => queue.submit(n));
    expect(queue.depth).toBe(2);

    await expect(queue.submit(4)).rejects.toMatchObject({ code: 'EVENT_DELIVERY_BACKLOG_FULL', kind: 'unavailable' });
    gate.release();
    expect(await Promise.all(accepted)).toEqual([1, 2, 3]);
    expect(queue.depth).toBe(0);
  });
});
