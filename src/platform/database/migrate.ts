import { DataSource, MigrationExecutor } from 'typeorm';

/** Any fixed number: every process of the service takes this one lock to migrate. */
const MIGRATIONS_LOCK = 7_346_275_436;

/**
 * Applies this process's pending migrations under a Postgres advisory lock. Processes that start together
 * against one database (one per module, over Kafka or as Knative Services) take turns instead of racing to
 * create the migrations table or the shared `events` schema. Migrations another process applied and this one
 * does not know are left alone: TypeORM compares by name, so each process only runs what it knows and has not
 * run. Answers the names of the migrations it applied. Run by the `migrate` command (migrate-command.ts), once per
 * rollout, and at start where DATABASE_MIGRATIONS=apply (the monolith's default).
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  // One connection for the lock and the migrations: a session-level lock, and it works with a pool of one
  // (the embedded Postgres takes a single session).
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATIONS_LOCK]);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      return (await executor.executePendingMigrations()).map((migration) => migration.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATIONS_LOCK]);
    }
  } finally {
    await runner.release();
  }
}
