import { PartitionProgress } from './partition-progress';

/** A settle step the test finishes by hand. */
function deferred(): { settle: (previousSettled: boolean) => Promise<boolean>; finish(done: boolean): void; started(): boolean; sawPrevious(): boolean | undefined } {
  let finish!: (done: boolean) => void;
  let started = false;
  let previous: boolean | undefined;
  const result = new Promise<boolean>((resolve) => (finish = resolve));
  return {
    settle: (previousSettled) => ((started = true), (previous = previousSettled), result),
    finish: (done) => finish(done),
    started: () => started,
    sawPrevious: () => previous,
  };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the progress of a partition', () => {
  it('commits only past records that all settled, whatever order they finished in', async () => {
    const progress = new PartitionProgress();
    const [a, b, c] = [deferred(), deferred(), deferred()];
    void progress.add('order-1', '10', a.settle);
    void progress.add('order-2', '11', b.settle);
    void progress.add('order-3', '12', c.settle);

    b.finish(true);
    c.finish(true);
    await flush();
    expect(progress.toCommit()).toBeUndefined();

    a.finish(true);
    await flush();
    expect(progress.toCommit()).toBe('13');
    progress.markCommitted('13');
    expect(progress.toCommit()).toBeUndefined();
    expect(progress.pending).toBe(0);
  });

  it('never commits past a record that did not settle', async () => {
    const progress = new PartitionProgress();
    const [a, b] = [deferred(), deferred()];
    void progress.add('order-1', '5', a.settle);
    void progress.add('order-2', '6', b.settle);

    a.finish(false);
    b.finish(true);
    await flush();

    expect(progress.toCommit()).toBeUndefined();
    expect(progress.pending).toBe(2);
  });

  it('starts a record only after the one before it of the same key, and tells it how that one ended', async () => {
    const progress = new PartitionProgress();
    const [first, otherKey, second] = [deferred(), deferred(), deferred()];
    void progress.add('order-1', '1', first.settle);
    void progress.add('order-2', '2', otherKey.settle);
    void progress.add('order-1', '3', second.settle);
    await flush();
    expect([first.started(), otherKey.started(), second.started()]).toEqual([true, true, false]);

    first.finish(false);
    await flush();
    expect(second.started()).toBe(true);
    expect(second.sawPrevious()).toBe(false);
  });

  it('lets a paused partition resume once enough records settled, or when it is released', async () => {
    const progress = new PartitionProgress();
    const steps = [deferred(), deferred(), deferred()];
    steps.forEach((step, n) => progress.add(`order-${n}`, String(n), step.settle));
    let resumed = 0;
    void progress.drained(2).then(() => resumed++);
    void progress.drained(1).then(() => resumed++);

    steps[0].finish(true);
    steps[1].finish(true);
    await flush();
    expect(resumed).toBe(1);

    progress.release();
    await flush();
    expect(resumed).toBe(2);
  });
});
