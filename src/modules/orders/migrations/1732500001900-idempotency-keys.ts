import { MigrationInterface, QueryRunner } from 'typeorm';

/** The `Idempotency-Key`s of POST /orders: per customer, the request they first came with and the order it placed. */
export class IdempotencyKeys1732500001900 implements MigrationInterface {
  name = 'IdempotencyKeys1732500001900';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE orders.idempotency_keys (
        user_id text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        order_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, key)
      )`);
    await db.query('CREATE INDEX idempotency_keys_by_age ON orders.idempotency_keys (created_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE orders.idempotency_keys');
  }
}
