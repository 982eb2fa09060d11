import { ConfigType } from '@nestjs/config';
import { z } from 'zod';
import { defineConfig, isoDuration } from '../config/define-config';

export const healthConfig = defineConfig(
  'health',
  z.object({
    SHUTDOWN_READINESS_GRACE: isoDuration.default('PT0S').describe('On SIGTERM, how long /readyz answers 503 before draining starts, so load balancers stop sending traffic first (ISO-8601 duration).'),
  }),
);

export type HealthConfig = ConfigType<typeof healthConfig>;
