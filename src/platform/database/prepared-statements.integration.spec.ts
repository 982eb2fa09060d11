import { Pool } from 'pg';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database';
import { PreparedStatements, preparingClient } from './prepared-statements';

describe('prepared statements', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.query('CREATE TABLE stock (sku text PRIMARY KEY, available int)');
    await db.query(`INSERT INTO stock VALUES ('SKU-1', 5), ('SKU-2', 7)`);
  });

  afterEach(() => pool.end());

  afterAll(() => db.drop());

  /** One connection, so what it prepared can be read back from pg_prepared_statements. */
  function connect(limit: number): Pool {
    pool = new Pool({ connectionString: db.url, max: 1, Client: preparingClient(new PreparedStatements(limit)) });
    return pool;
  }

  const prepared = async () => (await pool.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements ORDER BY prepare_time')).rows.map((row) => row.statement);

  it('prepares a parameterised statement once per connection and runs it by name after that', async () => {
    connect(10);

    const first = await pool.query('SELECT available FROM stock WHERE sku = $1', ['SKU-1']);
    const second = await pool.query('SELECT available FROM stock WHERE sku = $1', ['SKU-2']);

    expect([first.rows, second.rows]).toEqual([[{ available: 5 }], [{ available: 7 }]]);
    expect(await prepared()).toEqual(['SELECT available FROM stock WHERE sku = $1']);
  });

  it('leaves statements without parameters, and texts past the limit, unnamed', async () => {
    connect(1);

    await pool.query('SELECT sku FROM stock WHERE available > $1', [0]);
    await pool.query('SELECT sku FROM stock WHERE available < $1', [100]);
    await pool.query('SELECT count(*) FROM stock');

    expect(await prepared()).toEqual(['SELECT sku FROM stock WHERE available > $1']);
  });

  it('runs a statement unnamed once the table it was prepared on changed shape, so a retry succeeds', async () => {
    // A checked-out client, as TypeORM uses it (promises, no callback).
    const client = await connect(10).connect();
    const read = () => client.query('SELECT * FROM stock WHERE sku = $1', ['SKU-1']);
    await read();

    await db.query('ALTER TABLE stock ADD COLUMN reserved int NOT NULL DEFAULT 0');

    await expect(read()).rejects.toMatchObject({ code: '0A000' });
    expect((await read()).rows).toEqual([{ sku: 'SKU-1', available: 5, reserved: 0 }]);
    client.release();
  });
});
