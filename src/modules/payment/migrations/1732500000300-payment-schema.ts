import { MigrationInterface, QueryRunner } from 'typeorm';

export class PaymentSchema1732500000300 implements MigrationInterface {
  name = 'PaymentSchema1732500000300';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE SCHEMA IF NOT EXISTS payment');
    await db.query(`
      CREATE TABLE payment.payments (
        order_id text PRIMARY KEY,
        user_id text NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
        currency text NOT NULL,
        method text NOT NULL,
        status text NOT NULL CHECK (status IN ('succeeded', 'failed')),
        reason text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP SCHEMA payment CASCADE');
  }
}
