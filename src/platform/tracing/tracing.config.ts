import { ConfigType } from '@nestjs/config';
import { z } from 'zod';
import { defineConfig } from '../config/define-config';

export const tracingConfig = defineConfig(
  'tracing',
  z.object({
    OTEL_EXPORTER_OTLP_ENDPOINT: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('OTLP/HTTP collector base URL (spans go to <url>/v1/traces). Unset: no spans, and the OpenTelemetry SDK is never loaded.'),
    OTEL_SERVICE_NAME: z.string().min(1).default('order-events').describe('service.name of the exported spans.'),
    OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().min(1).default(5000).describe('Milliseconds between two span exports.'),
  }),
);

export type TracingConfig = ConfigType<typeof tracingConfig>;
