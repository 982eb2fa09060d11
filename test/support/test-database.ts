import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The server tests create their databases on: TEST_DATABASE_URL, else the local Postgres this machine runs. */
export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  /** Runs one parameterised query and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** A fresh, empty database per test file, so suites run in parallel without seeing each other's rows. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  await withClient(ADMIN_DATABASE_URL, (admin) => admin.query(`CREATE DATABASE ${name}`)).catch((error: Error) => {
    throw new Error(`cannot create a test database on ${ADMIN_DATABASE_URL.replace(/\/\/[^@]*@/, '//')} (${error.message}): start Postgres or set TEST_DATABASE_URL`);
  });
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    query: (sql, params) => withClient(url.toString(), async (client) => (await client.query(sql, params)).rows),
    drop: () => withClient(ADMIN_DATABASE_URL, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
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
