import { ConfigType } from '@nestjs/config';
import { z } from 'zod';
import { Currency } from '../../kernel/money';
import { defineConfig } from '../../platform/config/define-config';

export const inventoryConfig = defineConfig(
  'inventory',
  z.object({
    INVENTORY_CURRENCY: Currency.default('USD').describe('Currency of the catalog prices (ISO 4217).'),
  }),
);

export type InventoryConfig = ConfigType<typeof inventoryConfig>;
