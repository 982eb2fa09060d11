import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Catalog } from './domain/catalog';
import { StockItem } from './domain/stock-item.entity';
import { Stockroom } from './domain/stockroom';
import { ReserveStockWhenOrderCreatedHandler } from './handlers/reserve-stock-when-order-created.handler';
import { SettleReservationWhenPaymentResultHandler } from './handlers/settle-reservation-when-payment-result.handler';
import { InventoryController } from './http/inventory.controller';
import { inventoryConfig } from './inventory.config';
import { InventoryInsufficient, InventoryReleased, PaymentRequest } from './inventory.events';
import { defineModule } from '../../events';
import { inventoryMigrations } from './migrations';

@Module({
  imports: [ConfigModule.forFeature(inventoryConfig), TypeOrmModule.forFeature([StockItem])],
  controllers: [InventoryController, ReserveStockWhenOrderCreatedHandler, SettleReservationWhenPaymentResultHandler],
  providers: [Stockroom, Catalog],
})
export class InventoryModule {}

/** How a composition root runs this module (the monolith with the others, or alone in src/split). */
export const INVENTORY = defineModule({
  name: 'inventory',
  owns: 'catalog, stock, reservations',
  module: InventoryModule,
  migrations: inventoryMigrations,
  configs: [inventoryConfig],
  publishes: [InventoryInsufficient, PaymentRequest, InventoryReleased],
  routes: ['/inventory'],
});
