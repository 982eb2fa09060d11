import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ThrowawayPostgres } from './postgres/throwaway-postgres';

/**
 * The server tests create their databases on: TEST_DATABASE_URL. Jest's global setup sets it (to a throwaway
 * cluster) when the caller did not; a run outside Jest calls `provideTestPostgres()` first.
 */
function adminDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the tests through jest, whose global setup provides a Postgres, or call provideTestPostgres() first');
  return url;
}

/** Sets TEST_DATABASE_URL to a throwaway Postgres cluster unless it is set already; `stop()` removes that cluster. */
export async function provideTestPostgres(): Promise<{ stop(): Promise<void> }> {
  if (process.env.TEST_DATABASE_URL) return { stop: async () => undefined };
  const postgres = await ThrowawayPostgres.start();
  process.env.TEST_DATABASE_URL = postgres.url;
  return {
    stop: async () => {
      delete process.env.TEST_DATABASE_URL;
      await postgres.stop();
    },
  };
}

/** Runs `work` (a benchmark's main) with a Postgres for `createTestDatabase()`, as Jest's global setup provides one. */
export async function withTestPostgres<T>(work: () => Promise<T>): Promise<T> {
  const postgres = await provideTestPostgres();
  try {
    return await work();
  } finally {
    await postgres.stop();
  }
}

export interface TestDatabase {
  url: string;
  /** Runs one parameterised query and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database per test file, so suites run in parallel without seeing each other's rows; on the
 * server `admin` names when given (a test's own cluster), else on TEST_DATABASE_URL.
 */
export async function createTestDatabase(admin = adminDatabaseUrl()): Promise<TestDatabase> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  await withClient(admin, (client) => client.query(`CREATE DATABASE ${name}`)).catch((error: Error) => {
    throw new Error(`cannot create a test database on ${admin.replace(/\/\/[^@]*@/, '//')} (${error.message})`);
  });
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    query: (sql, params) => withClient(url.toString(), async (client) => (await client.query(sql, params)).rows),
    drop: () => withClient(admin, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
