import { MODULES } from '../modules';
import { modulesConfig } from '../modules/modules.config';
import { parseConfig } from './config/define-config';
import { RunningApp, StartOptions, startModules } from './start-modules';

export type { RunningApp } from './start-modules';

/** The monolith's composition root: the modules MODULES names (all by default), from the registry of every module. */
export function startApp(env: NodeJS.ProcessEnv = process.env, options: StartOptions = {}): Promise<RunningApp> {
  const { MODULES: names } = parseConfig(modulesConfig.namespace, modulesConfig.schema, env);
  return startModules(names.map((name) => MODULES[name]), env, options);
}
