import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { toDecimal, toMinorUnits } from '../../../kernel/money';
import { InventoryConfig, inventoryConfig } from '../inventory.config';
import { IncompleteStockItemError, SkuNotFoundError } from './stock.errors';
import { StockItem } from './stock-item.entity';

export interface StockItemView {
  sku: string;
  name: string;
  price: string;
  currency: string;
  available: number;
}

export interface StockItemChange {
  name?: string;
  /** A decimal in INVENTORY_CURRENCY, with at most its minor-unit digits. */
  price?: string;
  available?: number;
}

/** What is sold, at what price, and how many are available: read by anyone, changed by an admin. */
@Injectable()
export class Catalog {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    @Inject(inventoryConfig.KEY) private readonly config: InventoryConfig,
  ) {}

  async item(sku: string): Promise<StockItemView> {
    const item = await this.txHost.tx.findOneBy(StockItem, { sku });
    if (!item) throw new SkuNotFoundError(`SKU ${sku} is not in the catalog`);
    return this.view(item);
  }

  /** Updates the given fields; a new SKU needs all of name, price and available. */
  async setItem(sku: string, change: StockItemChange): Promise<StockItemView> {
    const existing = await this.txHost.tx.findOneBy(StockItem, { sku });
    if (!existing && (change.name === undefined || change.price === undefined || change.available === undefined)) {
      throw new IncompleteStockItemError(`SKU ${sku} is new: name, price and available are all required`);
    }
    const { price, ...rest } = change;
    const priceMinor = price === undefined ? undefined : toMinorUnits(price, this.config.INVENTORY_CURRENCY);
    const defined = Object.fromEntries(Object.entries({ ...rest, priceMinor }).filter(([, value]) => value !== undefined));
    const item = this.txHost.tx.merge(StockItem, existing ?? this.txHost.tx.create(StockItem, { sku }), defined);
    return this.view(await this.txHost.tx.save(item));
  }

  private view(item: StockItem): StockItemView {
    return { sku: item.sku, name: item.name, price: toDecimal(item.priceMinor, this.config.INVENTORY_CURRENCY), currency: this.config.INVENTORY_CURRENCY, available: item.available };
  }
}
