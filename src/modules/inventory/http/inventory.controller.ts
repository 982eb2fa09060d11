import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { SafeText } from '../../../platform/validation/safe-text';
import { AmountNotInCurrencyError, MoneyAmount } from '../../../kernel/money';
import { ApiOperation, PUBLIC_ACCESS } from '../../../platform/http/api-docs/api-operation';
import { ADMIN_ACCESS, AdminGuard } from '../../../platform/http/admin.guard';
import { ZodPipe } from '../../../platform/http/zod-body.pipe';
import { Catalog, StockItemView } from '../domain/catalog';
import { IncompleteStockItemError, SkuNotFoundError } from '../domain/stock.errors';

const SetStockItemRequest = z
  .object({
    name: SafeText.min(1).max(200).optional(),
    price: MoneyAmount.optional(),
    available: z.number().int().min(0).max(1_000_000_000).optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give at least one of name, price, available');

const Sku = SafeText.regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores');

// What GET and PUT answer, for /docs.
const StockItemAnswer = z.object({ sku: z.string(), name: z.string(), price: z.string().describe('Decimal, in `currency`.'), currency: z.string(), available: z.number().int() });

@Controller('inventory')
export class InventoryController {
  constructor(private readonly catalog: Catalog) {}

  @Get(':sku')
  @ApiOperation({
    tag: 'inventory',
    summary: 'Read a stock item',
    description: 'Public: the catalog is no secret.',
    access: PUBLIC_ACCESS,
    responses: { 200: { description: 'The item.', schema: StockItemAnswer } },
    errors: [SkuNotFoundError],
  })
  item(@Param('sku', new ZodPipe(Sku)) sku: string): Promise<StockItemView> {
    return this.catalog.item(sku);
  }

  @Put(':sku')
  @ApiOperation({
    tag: 'inventory',
    summary: 'Create or change a stock item',
    description: 'A new SKU needs name, price and available; an existing one takes any of them. The price is in INVENTORY_CURRENCY.',
    access: ADMIN_ACCESS,
    responses: { 200: { description: 'The item as stored.', schema: StockItemAnswer } },
    errors: [IncompleteStockItemError, AmountNotInCurrencyError],
  })
  @UseGuards(AdminGuard)
  setItem(@Param('sku', new ZodPipe(Sku)) sku: string, @Body(new ZodPipe(SetStockItemRequest)) body: z.output<typeof SetStockItemRequest>): Promise<StockItemView> {
    return this.catalog.setItem(sku, body);
  }
}
