import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { parseConfig } from '../platform/config/define-config';
import { isMigrateCommand, migrateCommand } from '../app/migrate-command';
import { exitOnFailedStart } from '../platform/logging/failed-start';
import { reportListening } from '../app/report-listening';
import { ModuleDeclaration } from '../events/module-declaration';
import { RunningApp, startModules } from '../app/start-modules';
import { splitConfig } from './split.config';
import { collectStartGarbageWhenIdle } from './start-garbage';

/**
 * The composition root of one split bundle (dist/split/<module>/main.js, one Knative Service): that module
 * alone, the bus and the platform. `eventTypes` are the names every module of the system publishes, which the
 * build reads from the declarations (./bundle-entries.ts): the bundle holds one module but knows the catalog.
 * Events leave over HTTP to K_SINK unless EVENT_TRANSPORT says otherwise; MODULES is not read. SIGTERM drains
 * through Nest's shutdown hooks. Once its first answers are sent and nothing is in flight, it hands back the
 * memory its start took (./start-garbage.ts). `main.js migrate` applies the module's migrations (and the bus's) and ends:
 * the migrate Job's command.
 */
export function runModule(module: ModuleDeclaration, eventTypes: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  // Set in the environment itself: the config namespaces Nest registers read process.env.
  env.EVENT_TRANSPORT ||= 'http';
  // The migrate Job applies the migrations once per rollout; a cold start only checks them (docs/adr/0023).
  env.DATABASE_MIGRATIONS ||= 'verify';
  const migrating = isMigrateCommand();
  Promise.resolve()
    .then(() => parseConfig(splitConfig.namespace, splitConfig.schema, env))
    .then(() => (migrating ? migrateCommand([module], env).then(() => process.exit(0)) : startModules([module], env, { apiDocs: module.apiDocs, eventTypes }).then(started)))
    .catch(exitOnFailedStart);
}

function started(running: RunningApp): void {
  reportListening(running);
  // A last-resort collection flushes bytecode, which a code cache in training must keep (./bundle-loader.ts).
  if (process.argv.includes('--train-code-cache')) return;
  void collectStartGarbageWhenIdle(running.app.getHttpServer()).then(({ ms, rssBefore, rssAfter }) =>
    new Logger('Startup').debug({ msg: `collected the start's garbage in ${ms.toFixed(0)} ms: RSS ${mb(rssBefore)} -> ${mb(rssAfter)} MB`, ms, rss_before: rssBefore, rss_after: rssAfter }),
  );
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/** Runs the module declared among `exports` (its compiled `<m>.module.js`) under `name`: what a bundle's entry calls. */
export function runDeclaredModule(exports: Record<string, unknown>, name: string, eventTypes: readonly string[]): void {
  const module = Object.values(exports).find((value): value is ModuleDeclaration => isDeclaration(value) && value.name === name);
  if (!module) throw new Error(`no module named ${name} is declared there`);
  runModule(module, eventTypes);
}

function isDeclaration(value: unknown): value is ModuleDeclaration {
  return typeof value === 'object' && value !== null && 'name' in value && 'module' in value && 'publishes' in value;
}
