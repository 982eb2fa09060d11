import { Client } from 'pg';
import { ThrowawayPostgres } from './throwaway-postgres';

describe('ThrowawayPostgres', () => {
  let postgres: ThrowawayPostgres;

  beforeAll(async () => {
    postgres = await ThrowawayPostgres.start();
  });
  afterAll(() => postgres?.stop());

  async function query(sql: string): Promise<unknown[]> {
    const client = new Client({ connectionString: postgres.url });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('runs a real Postgres on 127.0.0.1', async () => {
    expect(postgres.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    expect(await query("SELECT current_setting('server_version_num')::int / 10000 AS major")).toEqual([{ major: 16 }]);
  });

  it('keeps every committed row across a SIGKILL and restart', async () => {
    await query('CREATE TABLE kept (n int)');
    await query('INSERT INTO kept SELECT generate_series(1, 100)');
    const idle = new Client({ connectionString: postgres.url });
    idle.on('error', () => undefined);
    await idle.connect();

    await postgres.kill();
    await expect(idle.query('SELECT 1')).rejects.toThrow();
    await expect(query('SELECT 1')).rejects.toThrow();
    await postgres.restart();

    expect(await query('SELECT count(*)::int AS n FROM kept')).toEqual([{ n: 100 }]);
  });

  it('ends its server on stop', async () => {
    const other = await ThrowawayPostgres.start();
    await other.stop();
    await expect(new Client({ connectionString: other.url }).connect()).rejects.toThrow();
  });
});
