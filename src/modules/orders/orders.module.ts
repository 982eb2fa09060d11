import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Order } from './domain/order.entity';
import { IdempotencyKeys } from './domain/idempotency-keys';
import { OrderBook } from './domain/order-book';
import { OrderTimeline } from './domain/timeline';
import { MarkReservedWhenPaymentRequestedHandler } from './handlers/mark-reserved-when-payment-requested.handler';
import { RecordOrderWhenOrderCreatedHandler } from './handlers/record-order-when-order-created.handler';
import { RejectWhenStockInsufficientHandler } from './handlers/reject-when-stock-insufficient.handler';
import { SettleWhenPaymentResultHandler } from './handlers/settle-when-payment-result.handler';
import { OrdersConsoleController } from './http/console/orders-console.controller';
import { OrdersController } from './http/orders.controller';
import { ConsoleModule } from '../../platform/http/console/console.module';
import { defineModule } from '../../events';
import { ordersMigrations } from './migrations';
import { ordersConfig } from './orders.config';
import { OrderCreated } from './orders.events';
import { serveApiDocs } from '../../platform/http/api-docs/serve-api-docs';
import { OrdersMetrics } from './orders-metrics';

@Module({
  imports: [ConfigModule.forFeature(ordersConfig), TypeOrmModule.forFeature([Order]), ConsoleModule],
  controllers: [OrdersController, OrdersConsoleController, RecordOrderWhenOrderCreatedHandler, MarkReservedWhenPaymentRequestedHandler, RejectWhenStockInsufficientHandler, SettleWhenPaymentResultHandler],
  providers: [OrderBook, OrderTimeline, IdempotencyKeys, OrdersMetrics],
})
export class OrdersModule {}

/** How a composition root runs this module (the monolith with the others, or alone in src/split). */
export const ORDERS = defineModule({
  name: 'orders',
  owns: 'orders and their status, the timeline',
  module: OrdersModule,
  migrations: ordersMigrations,
  configs: [ordersConfig],
  publishes: [OrderCreated],
  routes: ['/orders'],
  // The API's front door: it alone serves /docs (its own routes).
  apiDocs: serveApiDocs,
});
