import { z } from 'zod';
import { defineConfig } from '../platform/config/define-config';
import { MODULE_NAMES, ModuleName } from './index';

/** Which modules a process runs: the monolith's composition root (src/app/bootstrap.ts) reads it. */
export const modulesConfig = defineConfig(
  'modules',
  z.object({
    MODULES: z
      .string()
      .default(MODULE_NAMES.join(','))
      .transform((list) =>
        list
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.enum(MODULE_NAMES as [ModuleName, ...ModuleName[]])).min(1))
      .describe('Comma-separated modules this process runs (default: all, the monolith).'),
  }),
);
