import buildOnce from './build-once';
import { provideTestPostgres } from './test-database';

/** What the teardown (same process) stops. */
export interface TestRun {
  postgres: { stop(): Promise<void> };
}

/**
 * Jest global setup: a Postgres for the test databases (TEST_DATABASE_URL, else a throwaway cluster whose URL the
 * workers inherit through TEST_DATABASE_URL) and one build of `dist/`. The cluster initialises while the build runs.
 */
export default async function globalSetup(): Promise<void> {
  const starting = provideTestPostgres();
  try {
    buildOnce();
  } finally {
    (globalThis as { testRun?: TestRun }).testRun = { postgres: await starting };
  }
}
