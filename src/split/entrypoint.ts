import 'reflect-metadata';
import { parseConfig } from '../platform/config/define-config';
import { exitOnFailedStart } from '../platform/logging/failed-start';
import { reportListening } from '../platform/report-listening';
import { RunnableModule } from '../platform/runnable-module';
import { StartOptions, startModules } from '../platform/start-modules';
import { splitConfig } from './split.config';

/**
 * The composition root of one split entrypoint (dist/split/<module>/main.js, one Knative Service): that
 * module alone, the bus and the platform. Events leave over HTTP to K_SINK unless EVENT_TRANSPORT says
 * otherwise; MODULES is not read, the bundle holds one module. SIGTERM drains through Nest's shutdown hooks.
 */
export function runModule(module: RunnableModule, env: NodeJS.ProcessEnv = process.env, options: StartOptions = {}): void {
  // Set in the environment itself: the config namespaces Nest registers read process.env.
  env.EVENT_TRANSPORT ||= 'http';
  Promise.resolve()
    .then(() => parseConfig(splitConfig.namespace, splitConfig.schema, env))
    .then(() => startModules([module], env, options))
    .then(reportListening)
    .catch(exitOnFailedStart);
}
