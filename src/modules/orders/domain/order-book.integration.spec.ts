import { randomUUID } from 'node:crypto';
import { DataSource, QueryRunner } from 'typeorm';
import { inTransaction } from '../../../../test/support/in-transaction';
import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database';
import { ordersMigrations } from '../migrations';
import { OrderBook } from './order-book';
import { OrderNotRecordedYetError } from './order-not-recorded-yet.error';

const PRICED = { minorUnits: 500, currency: 'USD' };

/**
 * A step (`payment.request` -> reserved) and the order's own `order.created` are handled by two subscriptions, in
 * two transactions that may run at the same moment: the step must never be acknowledged while its order stays behind.
 */
describe('an order step racing the recording of its order', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: db.url, migrations: ordersMigrations, migrationsRun: true, logging: false }).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const record = (orderId: string) => dataSource.query(`INSERT INTO orders.orders (id, user_id, status, items, currency, payment_method) VALUES ($1, 'racer', 'pending', '[]', 'USD', 'card')`, [orderId]);

  /** An OrderBook whose statements run in `step`'s transaction; `afterFirstUpdate` runs once its first UPDATE returned. */
  function orderBookIn(step: QueryRunner, afterFirstUpdate: () => Promise<unknown> = async () => undefined): OrderBook {
    let updated = false;
    const query = async (sql: string, params?: unknown[]) => {
      const result: unknown = await step.query(sql, params);
      if (!updated && sql.trimStart().startsWith('UPDATE')) {
        updated = true;
        await afterFirstUpdate();
      }
      return result;
    };
    return new OrderBook({ tx: { query } } as never, undefined as never, undefined as never, undefined as never);
  }

  it('moves an order recorded after the step’s UPDATE began, rather than acknowledging the step and losing it', async () => {
    const orderId = randomUUID();
    await inTransaction(dataSource, (step) => orderBookIn(step, () => record(orderId)).advance(orderId, 'reserved', PRICED));

    expect(await dataSource.query('SELECT status, total_minor FROM orders.orders WHERE id = $1', [orderId])).toEqual([{ status: 'reserved', total_minor: '500' }]);
  });

  it('fails a step for an order not recorded at all, retryably', async () => {
    const orderId = randomUUID();
    await expect(inTransaction(dataSource, (step) => orderBookIn(step).advance(orderId, 'reserved', PRICED))).rejects.toBeInstanceOf(OrderNotRecordedYetError);
  });

  it('leaves an order that has passed the step as it is', async () => {
    const orderId = randomUUID();
    await record(orderId);
    await dataSource.query(`UPDATE orders.orders SET status = 'paid', total_minor = 700 WHERE id = $1`, [orderId]);
    await inTransaction(dataSource, (step) => orderBookIn(step).advance(orderId, 'reserved', PRICED));

    expect(await dataSource.query('SELECT status, total_minor FROM orders.orders WHERE id = $1', [orderId])).toEqual([{ status: 'paid', total_minor: '700' }]);
  });
});
