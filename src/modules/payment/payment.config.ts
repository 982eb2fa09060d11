import { ConfigType } from '@nestjs/config';
import { z } from 'zod';
import { MoneyAmount } from '../../kernel/money';
import { defineConfig } from '../../platform/config/define-config';

export const paymentConfig = defineConfig(
  'payment',
  z.object({
    PAYMENT_MAX_AMOUNT: MoneyAmount.default('10000.00').describe('The simulated gateway declines any charge above this amount.'),
  }),
);

export type PaymentConfig = ConfigType<typeof paymentConfig>;
