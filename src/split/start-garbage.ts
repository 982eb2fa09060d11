import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** No request in flight for this long after the first answers: the burst a cold start was woken for is over. */
export const IDLE_MS = 250;

/**
 * A start allocates far more than the Service then holds (evaluating the bundle, building Nest's module): V8 grows
 * its young generation to 2 x 16 MB on the way and gives it back only when its memory reducer runs, some 8 s after
 * the start's last full collection. A scale-to-zero Service idles most of its life, so it gives that memory back
 * once, as soon as its first answers are sent and nothing is in flight: one full collection (~50 ms) in the
 * process's life, for ~20 MB less idle RSS (docs/performance.md). Later idle spells are V8's memory reducer's.
 * Resolves with the collection's figures once it has run.
 */
export function collectStartGarbageWhenIdle(server: Server, collect: () => void = lastResortCollection, idleMs = IDLE_MS): Promise<StartGarbageCollected> {
  return new Promise((collected) => {
    let inFlight = 0;
    let timer: NodeJS.Timeout | undefined;
    const run = () => {
      server.off('request', onRequest);
      const before = process.memoryUsage.rss();
      const started = performance.now();
      collect();
      collected({ ms: performance.now() - started, rssBefore: before, rssAfter: process.memoryUsage.rss() });
    };
    const onRequest = (_request: IncomingMessage, response: ServerResponse) => {
      inFlight++;
      clearTimeout(timer);
      response.once('close', () => {
        // Unref'd: a process that is closing does not wait for it.
        if (--inFlight === 0) timer = setTimeout(run, idleMs).unref();
      });
    };
    server.on('request', onRequest);
  });
}

export interface StartGarbageCollected {
  ms: number;
  rssBefore: number;
  rssAfter: number;
}

/**
 * V8's collection of everything it can, which also shrinks the young generation and returns pooled pages. Node
 * exposes no memory-pressure call: `gc` is V8's, installed in contexts made once --expose-gc is set.
 */
function lastResortCollection(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
