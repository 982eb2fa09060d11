import { z } from 'zod';
import { MODULE_NAMES, MODULES, ModuleName } from '../modules';
import { parseConfig } from './config/define-config';
import { RunningApp, StartOptions, startModules } from './start-modules';

export type { RunningApp } from './start-modules';

const modulesConfig = z.object({
  MODULES: z
    .string()
    .default(MODULE_NAMES.join(','))
    .transform((list) => list.split(',').map((name) => name.trim()).filter(Boolean))
    .pipe(z.array(z.enum(MODULE_NAMES as [ModuleName, ...ModuleName[]])).min(1))
    .describe('Comma-separated modules this process runs (default: all, the monolith).'),
});

/** The monolith's composition root: the modules MODULES names (all by default), from the registry of every module. */
export function startApp(env: NodeJS.ProcessEnv = process.env, options: StartOptions = {}): Promise<RunningApp> {
  const { MODULES: names } = parseConfig('modules', modulesConfig, env);
  return startModules(names.map((name) => MODULES[name]), env, options);
}
