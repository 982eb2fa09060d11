import { MigrationInterface, QueryRunner } from 'typeorm';

export class NotificationSchema1732500000400 implements MigrationInterface {
  name = 'NotificationSchema1732500000400';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE SCHEMA IF NOT EXISTS notification');
    await db.query(`
      CREATE TABLE notification.notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id text NOT NULL,
        order_id text NOT NULL,
        channel text NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX notifications_by_user ON notification.notifications (user_id, created_at DESC)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP SCHEMA notification CASCADE');
  }
}
