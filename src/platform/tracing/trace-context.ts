import { createHash, randomFillSync } from 'node:crypto';

/**
 * W3C Trace Context, carried on every event as the CloudEvents distributed-tracing extension
 * (`traceparent`). A chain keeps its trace id; every hop gets a span id of its own.
 */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function isTraceparent(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = TRACEPARENT.exec(value);
  return !!match && !/^0+$/.test(match[1]) && !/^0+$/.test(match[2]);
}

export function newTraceparent(): string {
  return `00-${randomHex(16)}-${randomHex(8)}-01`;
}

/** A new span in the same trace, or a new trace when the parent is absent or invalid. */
export function childTraceparent(parent: unknown): string {
  if (!isTraceparent(parent)) return newTraceparent();
  const [, traceId, , flags] = TRACEPARENT.exec(parent)!;
  return `00-${traceId}-${randomHex(8)}-${flags}`;
}

export function traceId(traceparent: string): string {
  return traceparent.split('-')[1];
}

/**
 * The trace an event belongs to: its own `traceparent`, or for an event that arrived without one a context
 * derived from its source and id, so every subscription (and every retry) of that event shares one trace.
 */
export function eventTraceparent(event: { traceparent?: unknown; source: string; id: string }): string {
  if (isTraceparent(event.traceparent)) return event.traceparent;
  const digest = createHash('sha256').update(`${event.source}\n${event.id}`).digest('hex');
  return `00-${digest.slice(0, 32)}-${digest.slice(32, 48)}-01`;
}

/**
 * Random ids from a pooled buffer: every handler attempt needs a span id, and on a VM each `getrandom`
 * system call costs more than the rest of making one (measured: 2% of the app's time under load).
 */
const pool = Buffer.alloc(4096);
let used = pool.length;

function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += bytes;
  return pool.toString('hex', used - bytes, used);
}
