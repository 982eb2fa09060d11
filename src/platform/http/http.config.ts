import { ConfigType } from '@nestjs/config';
import { z } from 'zod';
import { defineConfig } from '../config/define-config';

export const httpConfig = defineConfig(
  'http',
  z.object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8080).describe('TCP port the HTTP server listens on.'),
    HTTP_BODY_LIMIT: z.coerce
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(256 * 1024)
      .describe('Largest request body accepted, in bytes (413 above it).'),
    ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().describe('Bearer token for admin endpoints (PUT /inventory, dead letters). Unset: admin endpoints answer 403.'),
    API_DOCS: z.enum(['on', 'off']).default('on').describe('on: GET /docs serves the OpenAPI document and Swagger UI (the monolith and the orders bundle); off: not routed.'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info').describe('Least severe log level written.'),
  }),
);

export type HttpConfig = ConfigType<typeof httpConfig>;
