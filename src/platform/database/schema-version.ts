import type { DataSource } from 'typeorm';

/** A TypeORM migration class (database.module.ts's Migration; declared here too, so neither file imports the other). */
type Migration = new () => object;

/** Postgres' undefined_table: no migration has ever run on this database. */
const UNDEFINED_TABLE = '42P01';

/** TypeORM's name for a migration: the class's `name` property, else the class name. */
export function migrationNames(migrations: readonly Migration[]): string[] {
  return migrations.map((migration) => (new migration() as { name?: string }).name ?? migration.name);
}

/**
 * Whether the database holds every migration this process knows, asked in one query of TypeORM's `migrations`
 * table: what a split bundle does at start instead of migrating (docs/adr/0023). Once current it stays current
 * (a schema never goes back), so later readiness probes cost nothing.
 */
export class SchemaVersion {
  private current = false;
  private readonly names: string[];

  constructor(
    private readonly dataSource: DataSource,
    migrations: readonly Migration[],
  ) {
    this.names = migrationNames(migrations);
  }

  /** The known migrations the database has not applied, in order; empty when the schema is current. */
  async missing(): Promise<string[]> {
    if (this.current) return [];
    let applied: Set<string>;
    try {
      const rows: { name: string }[] = await this.dataSource.query('SELECT name FROM migrations WHERE name = ANY($1)', [this.names]);
      applied = new Set(rows.map((row) => row.name));
    } catch (error) {
      if ((error as { code?: string }).code !== UNDEFINED_TABLE) throw error;
      applied = new Set();
    }
    const missing = this.names.filter((name) => !applied.has(name));
    this.current = missing.length === 0;
    return missing;
  }
}

/** What /readyz and the start-up log say when the schema is behind. */
export function schemaBehindMessage(missing: readonly string[]): string {
  return `schema behind: ${missing.length} migration(s) not applied (${missing.join(', ')}); run the migrate command (the migrate Job of this rollout)`;
}
