import { publishedTypes } from '../events';
import { MODULES, ModuleName } from '../modules';
import { modulesConfig } from '../modules/modules.config';
import { parseConfig } from '../platform/config/define-config';
import { RunningApp, StartOptions, startModules } from './start-modules';

export type { RunningApp } from './start-modules';

/** The modules MODULES names (all by default). */
export function modulesToRun(env: NodeJS.ProcessEnv = process.env): ModuleName[] {
  return parseConfig(modulesConfig.namespace, modulesConfig.schema, env).MODULES;
}

/** The monolith's composition root: the modules MODULES names, from the registry of every module. */
export function startApp(env: NodeJS.ProcessEnv = process.env, options: Partial<StartOptions> = {}): Promise<RunningApp> {
  return startModules(
    modulesToRun(env).map((name) => MODULES[name]),
    env,
    { eventTypes: publishedTypes(Object.values(MODULES)), ...options },
  );
}
