import { childTraceparent, eventTraceparent, isTraceparent, newTraceparent, traceId } from './trace-context';

describe('trace context', () => {
  it('keeps the trace id and changes the span id on every hop', () => {
    const root = newTraceparent();
    const child = childTraceparent(root);
    expect(isTraceparent(child)).toBe(true);
    expect(traceId(child)).toBe(traceId(root));
    expect(child).not.toBe(root);
  });

  it('gives every trace and span an id of its own, across refills of the random pool', () => {
    const ids = Array.from({ length: 1000 }, () => newTraceparent());
    expect(new Set(ids.map(traceId)).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.split('-')[2])).size).toBe(ids.length);
    expect(ids.every(isTraceparent)).toBe(true);
  });

  it('starts a new trace from an invalid or all-zero parent', () => {
    expect(isTraceparent(childTraceparent('garbage'))).toBe(true);
    expect(isTraceparent(`00-${'0'.repeat(32)}-${'1'.repeat(16)}-01`)).toBe(false);
  });
});

describe('the trace of an event', () => {
  it('is its traceparent, or one derived from source and id that every delivery of it shares', () => {
    const traceparent = newTraceparent();
    expect(eventTraceparent({ traceparent, source: 's', id: '1' })).toBe(traceparent);
    const derived = eventTraceparent({ source: 'storefront', id: '42' });
    expect(isTraceparent(derived)).toBe(true);
    expect(eventTraceparent({ traceparent: 'garbage', source: 'storefront', id: '42' })).toBe(derived);
    expect(traceId(eventTraceparent({ source: 'storefront', id: '43' }))).not.toBe(traceId(derived));
  });
});
