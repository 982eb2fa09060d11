import { MigrationInterface, QueryRunner } from 'typeorm';

/** A reservation whose payment succeeded is `sold`: no later failed result can give its stock back. */
export class SoldReservations1732500000700 implements MigrationInterface {
  name = 'SoldReservations1732500000700';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE inventory.reservations DROP CONSTRAINT reservations_status_check');
    await db.query(`ALTER TABLE inventory.reservations ADD CONSTRAINT reservations_status_check CHECK (status IN ('reserved', 'insufficient', 'released', 'sold'))`);
    await db.query('ALTER TABLE inventory.reservations ADD COLUMN sold_at timestamptz');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE inventory.reservations DROP COLUMN sold_at');
    await db.query(`UPDATE inventory.reservations SET status = 'reserved' WHERE status = 'sold'`);
    await db.query('ALTER TABLE inventory.reservations DROP CONSTRAINT reservations_status_check');
    await db.query(`ALTER TABLE inventory.reservations ADD CONSTRAINT reservations_status_check CHECK (status IN ('reserved', 'insufficient', 'released'))`);
  }
}
