import type { TestRun } from './global-setup';

/** Jest global teardown: removes the throwaway Postgres the global setup started (if it started one). */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { testRun?: TestRun }).testRun?.postgres.stop();
}
