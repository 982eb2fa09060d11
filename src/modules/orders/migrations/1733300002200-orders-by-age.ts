import { MigrationInterface, QueryRunner } from 'typeorm';

/** GET /orders pages every order newest first (the console's live view): an index in that order. */
export class OrdersByAge1733300002200 implements MigrationInterface {
  name = 'OrdersByAge1733300002200';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE INDEX orders_by_age ON orders.orders (created_at, id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX orders.orders_by_age');
  }
}
