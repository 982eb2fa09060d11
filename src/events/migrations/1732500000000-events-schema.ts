import { MigrationInterface, QueryRunner } from 'typeorm';

/** The bus's own tables: the outbox (events waiting to leave) and the inbox (events each subscription has handled). */
export class EventsSchema1732500000000 implements MigrationInterface {
  name = 'EventsSchema1732500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE SCHEMA IF NOT EXISTS events');
    await db.query(`
      CREATE TABLE events.outbox (
        id bigserial PRIMARY KEY,
        event_id text NOT NULL,
        type text NOT NULL,
        subject text,
        event jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        dispatched_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text
      )`);
    // Dispatchers scan only pending rows: the partial index stays small however long the history grows.
    await db.query('CREATE INDEX outbox_pending ON events.outbox (id) WHERE dispatched_at IS NULL');
    await db.query('CREATE INDEX outbox_subject ON events.outbox (subject, id)');
    await db.query(`
      CREATE TABLE events.inbox (
        subscription text NOT NULL,
        event_source text NOT NULL,
        event_id text NOT NULL,
        type text NOT NULL,
        subject text,
        attempt integer NOT NULL,
        event_time timestamptz,
        handled_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subscription, event_source, event_id)
      )`);
    await db.query('CREATE INDEX inbox_subject ON events.inbox (subject)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP SCHEMA events CASCADE');
  }
}
