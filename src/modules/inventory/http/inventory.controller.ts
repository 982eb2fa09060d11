import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { SafeText } from '../../../platform/validation/safe-text';
import { MoneyAmount } from '../../../events';
import { AdminGuard } from '../../../platform/http/admin.guard';
import { ZodPipe } from '../../../platform/http/zod-body.pipe';
import { Catalog, StockItemView } from '../domain/catalog';

const SetStockItemRequest = z
  .object({
    name: SafeText.min(1).max(200).optional(),
    price: MoneyAmount.optional(),
    available: z.number().int().min(0).max(1_000_000_000).optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give at least one of name, price, available');

const Sku = SafeText.regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores');

@Controller('inventory')
export class InventoryController {
  constructor(private readonly catalog: Catalog) {}

  @Get(':sku')
  item(@Param('sku', new ZodPipe(Sku)) sku: string): Promise<StockItemView> {
    return this.catalog.item(sku);
  }

  @Put(':sku')
  @UseGuards(AdminGuard)
  setItem(@Param('sku', new ZodPipe(Sku)) sku: string, @Body(new ZodPipe(SetStockItemRequest)) body: z.output<typeof SetStockItemRequest>): Promise<StockItemView> {
    return this.catalog.setItem(sku, body);
  }
}
