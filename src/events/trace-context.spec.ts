import { childTraceparent, isTraceparent, newTraceparent, traceId } from './trace-context';

describe('trace context', () => {
  it('keeps the trace id and changes the span id on every hop', () => {
    const root = newTraceparent();
    const child = childTraceparent(root);
    expect(isTraceparent(child)).toBe(true);
    expect(traceId(child)).toBe(traceId(root));
    expect(child).not.toBe(root);
  });

  it('starts a new trace from an invalid or all-zero parent', () => {
    expect(isTraceparent(childTraceparent('garbage'))).toBe(true);
    expect(isTraceparent(`00-${'0'.repeat(32)}-${'1'.repeat(16)}-01`)).toBe(false);
  });
});
