import { destination, pino } from 'pino';
import * as pg from 'pg';
import { DataSource } from 'typeorm';
import { eventsMigrations } from '../events';
import { parseConfig } from '../platform/config/define-config';
import { logOptions } from '../platform/logging/log-options';
import { ModuleDeclaration } from '../events/module-declaration';
import { databaseConfig } from '../platform/database/database.config';
import { startEmbeddedPostgres } from '../platform/database/embedded-postgres';
import { migrate } from '../platform/database/migrate';

/** `<entrypoint> migrate`: what the process was asked to do instead of serving. */
export const isMigrateCommand = (argv: readonly string[] = process.argv): boolean => argv[2] === 'migrate';

/**
 * The `migrate` command (`node dist/main.js migrate`, `node dist/split/<module>/main.js migrate`): applies the
 * pending migrations of `modules` and of the event bus, under the advisory lock every process respects, logs
 * what it applied as one JSON line, and ends. Run once per rollout (the generated migrate Job), before the
 * Services, which only verify the schema at start (docs/adr/0023).
 */
export async function migrateCommand(modules: readonly ModuleDeclaration[], env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const config = parseConfig('database', databaseConfig.schema, env);
  const embedded = config.DATABASE_URL ? undefined : await startEmbeddedPostgres(config.EMBEDDED_POSTGRES_DIR);
  const dataSource = new DataSource({
    type: 'postgres',
    driver: pg,
    url: embedded?.url ?? config.DATABASE_URL,
    migrations: [...eventsMigrations, ...modules.flatMap((module) => module.migrations)],
    logging: false,
    extra: { max: 1 },
  });
  try {
    await dataSource.initialize();
    const applied = await migrate(dataSource);
    pino(logOptions('info'), destination({ fd: 1, sync: true })).info({ code: 'MIGRATED', applied, modules: modules.map((module) => module.name) }, `migrations applied: ${applied.length}`);
    return applied;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}
