import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed delivery attempts. A failed attempt's transaction rolls back (its inbox row with it), so the failure
 * is written here, outside that transaction, only on the failure path: the order timeline shows retries and
 * dead letters without costing the successful path anything.
 */
export class DeliveryFailures1732500000600 implements MigrationInterface {
  name = 'DeliveryFailures1732500000600';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE events.delivery_failures (
        id bigserial PRIMARY KEY,
        subscription text NOT NULL,
        module text NOT NULL,
        event_source text NOT NULL,
        event_id text NOT NULL,
        type text NOT NULL,
        subject text,
        attempt integer NOT NULL,
        error_code text NOT NULL,
        error_message text NOT NULL,
        dead_lettered boolean NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX delivery_failures_subject ON events.delivery_failures (subject, id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE events.delivery_failures');
  }
}
