import { resolve } from 'node:path';
import { eventually } from '../eventually';
import type { AppProcess } from '../test-app';

/**
 * Environment for a built app that SIGKILLs itself at `checkpoint` (src/events/checkpoints.ts), the n-th time
 * it gets there: crash-at.js preloaded, as only tests do (ADR 17).
 */
export function crashAt(checkpoint: 'outbox.published' | 'receiver.committed', nth = 1): Record<string, string> {
  return { TEST_CRASH_AT: `${checkpoint}:${nth}`, NODE_OPTIONS: `--require ${resolve(__dirname, 'crash-at.js')}` };
}

/** Resolves once the process is gone (it killed itself). */
export async function exited(app: AppProcess, timeoutMs = 60_000): Promise<void> {
  await eventually(() => expect(alive(app.pid!)).toBe(false), { timeoutMs });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
