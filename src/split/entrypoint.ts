import 'reflect-metadata';
import { parseConfig } from '../platform/config/define-config';
import { isMigrateCommand, migrateCommand } from '../app/migrate-command';
import { exitOnFailedStart } from '../platform/logging/failed-start';
import { reportListening } from '../app/report-listening';
import { RunnableModule } from '../platform/runnable-module';
import { StartOptions, startModules } from '../app/start-modules';
import { splitConfig } from './split.config';

/**
 * The composition root of one split entrypoint (dist/split/<module>/main.js, one Knative Service): that
 * module alone, the bus and the platform. Events leave over HTTP to K_SINK unless EVENT_TRANSPORT says
 * otherwise; MODULES is not read, the bundle holds one module. SIGTERM drains through Nest's shutdown hooks.
 * `main.js migrate` applies the module's migrations (and the bus's) and ends: the migrate Job's command.
 */
export function runModule(module: RunnableModule, env: NodeJS.ProcessEnv = process.env, options: StartOptions = {}): void {
  // Set in the environment itself: the config namespaces Nest registers read process.env.
  env.EVENT_TRANSPORT ||= 'http';
  // The migrate Job applies the migrations once per rollout; a cold start only checks them (docs/adr/0023).
  env.DATABASE_MIGRATIONS ||= 'verify';
  const migrating = isMigrateCommand();
  Promise.resolve()
    .then(() => parseConfig(splitConfig.namespace, splitConfig.schema, env))
    .then(() => (migrating ? migrateCommand([module], env).then(() => process.exit(0)) : startModules([module], env, options).then(reportListening)))
    .catch(exitOnFailedStart);
}
