import { z } from 'zod';
import { MODULE_NAMES, MODULES, ModuleName } from '../modules';
import { parseConfig } from './config/define-config';
import { RunningApp, startModules } from './start-modules';

export type { RunningApp } from './start-modules';

const modulesConfig = z.object({
  MODULES: z
    .string()
    .default(MODULE_NAMES.join(','))
    .transform((list) => list.split(',').map((name) => name.trim()).filter(Boolean))
    .pipe(z.array(z.enum(MODULE_NAMES as [ModuleName, ...ModuleName[]])).min(1))
    .describe('Comma-separated modules this process runs (default: all, the monolith).'),
});

/** The modules MODULES names (all by default). */
export function modulesToRun(env: NodeJS.ProcessEnv = process.env): ModuleName[] {
  return parseConfig('modules', modulesConfig, env).MODULES;
}

/** The monolith's composition root: the modules MODULES names, from the registry of every module. */
export function startApp(env: NodeJS.ProcessEnv = process.env): Promise<RunningApp> {
  return startModules(modulesToRun(env).map((name) => MODULES[name]), env);
}
