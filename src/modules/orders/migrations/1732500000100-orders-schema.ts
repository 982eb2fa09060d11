import { MigrationInterface, QueryRunner } from 'typeorm';

export class OrdersSchema1732500000100 implements MigrationInterface {
  name = 'OrdersSchema1732500000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE SCHEMA IF NOT EXISTS orders');
    await db.query(`
      CREATE TABLE orders.orders (
        id text PRIMARY KEY,
        user_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'reserved', 'paid', 'rejected', 'payment_failed')),
        items jsonb NOT NULL,
        total_minor bigint CHECK (total_minor >= 0),
        currency text NOT NULL,
        payment_method text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX orders_by_user ON orders.orders (user_id, created_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP SCHEMA orders CASCADE');
  }
}
