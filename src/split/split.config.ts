import { z } from 'zod';
import { defineConfig } from '../platform/config/define-config';

/** What a split entrypoint needs on top of the monolith's configuration. */
export const splitConfig = defineConfig(
  'split',
  z.object({
    // The embedded Postgres is one process's: the split modules must share a real database.
    DATABASE_URL: z.string().describe('Postgres connection URL, required: every split module shares this database.'),
  }),
);
