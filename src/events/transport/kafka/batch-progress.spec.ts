import { BatchProgress } from './batch-progress';

describe('the progress of a fetched batch', () => {
  it('moves the committable offset only over records that all finished', () => {
    const progress = new BatchProgress(['10', '11', '12', '13']);

    expect(progress.finish(1)).toBeUndefined();
    expect(progress.finish(3)).toBeUndefined();
    expect(progress.finish(0)).toBe('11');
    expect(progress.finish(2)).toBe('13');
  });

  it('never reports an offset past a record that did not finish', () => {
    const progress = new BatchProgress(['5', '6', '7']);

    expect(progress.finish(0)).toBe('5');
    expect(progress.finish(2)).toBeUndefined();
  });
});
