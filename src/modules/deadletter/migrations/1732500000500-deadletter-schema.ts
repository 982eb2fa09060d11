import { MigrationInterface, QueryRunner } from 'typeorm';

export class DeadletterSchema1732500000500 implements MigrationInterface {
  name = 'DeadletterSchema1732500000500';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE SCHEMA IF NOT EXISTS deadletter');
    await db.query(`
      CREATE TABLE deadletter.events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscription text NOT NULL,
        event_id text NOT NULL,
        event_source text NOT NULL,
        event_type text NOT NULL,
        subject text,
        event jsonb NOT NULL,
        attempts integer NOT NULL,
        error_code text NOT NULL,
        error_message text NOT NULL,
        status text NOT NULL DEFAULT 'dead' CHECK (status IN ('dead', 'replayed')),
        created_at timestamptz NOT NULL DEFAULT now(),
        replayed_at timestamptz
      )`);
    // A redelivered dead letter (the same event failing the same subscription again) is stored once.
    await db.query(`CREATE UNIQUE INDEX dead_letters_once ON deadletter.events (subscription, event_source, event_id) WHERE status = 'dead'`);
    await db.query('CREATE INDEX dead_letters_by_subject ON deadletter.events (subject)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP SCHEMA deadletter CASCADE');
  }
}
