import { MigrationInterface, QueryRunner } from 'typeorm';

export class InventorySchema1732500000200 implements MigrationInterface {
  name = 'InventorySchema1732500000200';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE SCHEMA IF NOT EXISTS inventory');
    await db.query(`
      CREATE TABLE inventory.stock (
        sku text PRIMARY KEY,
        name text NOT NULL,
        price_minor bigint NOT NULL CHECK (price_minor >= 0),
        available integer NOT NULL CHECK (available >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE inventory.reservations (
        order_id text PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('reserved', 'insufficient', 'released')),
        items jsonb NOT NULL,
        amount_minor bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        released_at timestamptz
      )`);
    await db.query(`
      INSERT INTO inventory.stock (sku, name, price_minor, available) VALUES
        ('SKU-001', 'Wireless Mouse', 2499, 100),
        ('SKU-002', 'Mechanical Keyboard', 8900, 50),
        ('SKU-003', 'USB-C Cable', 999, 200)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP SCHEMA inventory CASCADE');
  }
}
