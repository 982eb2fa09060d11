import { MigrationInterface, QueryRunner } from 'typeorm';

/** A payment is recorded as `pending` before the gateway is called (the intent), then settled with its result. */
export class PaymentIntent1733300000300 implements MigrationInterface {
  name = 'PaymentIntent1733300000300';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE payment.payments DROP CONSTRAINT payments_status_check');
    await db.query(`ALTER TABLE payment.payments ADD CONSTRAINT payments_status_check CHECK (status IN ('pending', 'succeeded', 'failed'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM payment.payments WHERE status = 'pending'`);
    await db.query('ALTER TABLE payment.payments DROP CONSTRAINT payments_status_check');
    await db.query(`ALTER TABLE payment.payments ADD CONSTRAINT payments_status_check CHECK (status IN ('succeeded', 'failed'))`);
  }
}
