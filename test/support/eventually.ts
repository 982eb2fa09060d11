import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls until `probe` stops throwing (its assertions pass) and returns its result; the last failure is
 * rethrown at the deadline. Waiting for events this way never depends on how fast the machine is.
 */
export async function eventually<T>(probe: () => T | Promise<T>, { timeoutMs = 20_000, intervalMs = 50 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await sleep(intervalMs);
    }
  }
}
