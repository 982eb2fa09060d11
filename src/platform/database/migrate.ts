import { DataSource, MigrationExecutor } from 'typeorm';

/** Any fixed number: the advisory lock every process of this application takes around its migrations. */
const MIGRATION_LOCK = 7_305_119_402;

/**
 * Applies the pending migrations while holding a Postgres advisory lock. Split deployments start one process
 * per module at once on one database, each with the events schema among its migrations: without the lock two
 * would create the same tables. One connection does it all, so it also works with the embedded one-session Postgres.
 * When everything is applied already it costs a handful of short queries: a restart does no migration work.
 */
export async function migrateUnderLock(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'each';
    await executor.executePendingMigrations();
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
