import { ConfigType } from '@nestjs/config';
import { z } from 'zod';
import { defineConfig, isoDuration } from '../config/define-config';

export const databaseConfig = defineConfig(
  'database',
  z.object({
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional()
      .describe('Postgres connection URL. Unset: an embedded Postgres (PGlite) in EMBEDDED_POSTGRES_DIR.'),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20).describe('Connections this process keeps open to Postgres.'),
    DATABASE_CONNECT_TIMEOUT: isoDuration.default('PT5S').describe('Longest wait for a pooled connection (a new one included) before the request answers 503 with Retry-After.'),
    DATABASE_PREPARED_STATEMENTS: z.coerce
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(100)
      .describe('Distinct parameterised statements this process prepares on each connection and then runs by name (0: none, for a pooler that cannot keep prepared statements).'),
    DATABASE_MIGRATIONS: z
      .enum(['apply', 'verify'])
      .optional()
      .describe(
        "At start, 'apply' pending migrations (under an advisory lock) or only 'verify' that the schema is current, answering /readyz 503 until it is (the `migrate` command applies them). Default: apply in dist/main.js, verify in a split bundle (docs/adr/0023).",
      ),
    EMBEDDED_POSTGRES_DIR: z.string().default('.data/pglite').describe('Where the embedded Postgres keeps its files when DATABASE_URL is unset.'),
  }),
);

export type DatabaseConfig = ConfigType<typeof databaseConfig>;
