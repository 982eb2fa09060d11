import { ConfigType } from '@nestjs/config';
import { defineConfig, isoDuration } from '../../platform/config/define-config';
import { z } from 'zod';

export const ordersConfig = defineConfig(
  'orders',
  z.object({
    ORDERS_IDEMPOTENCY_WINDOW: isoDuration.default('P1D').describe('How long POST /orders remembers an Idempotency-Key: a retry within it returns the first order; after it the key places a new one.'),
  }),
);

export type OrdersConfig = ConfigType<typeof ordersConfig>;
