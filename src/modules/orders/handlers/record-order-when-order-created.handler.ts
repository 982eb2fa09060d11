import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventData, Subscribe } from '../../../events';
import { OrderBook } from '../domain/order-book';
import { OrderCreated } from '../orders.events';

/**
 * Orders placed elsewhere and sent in as `order.created` become followable here. Our own were recorded when
 * they were placed, so they are skipped before any transaction: one transaction fewer per order.
 */
@Controller()
export class RecordOrderWhenOrderCreatedHandler {
  constructor(private readonly orders: OrderBook) {}

  @Subscribe(OrderCreated, { subscriber: 'orders', when: { not: { exact: { source: OrderCreated.source } } } })
  handle(@Payload() order: EventData<typeof OrderCreated>): Promise<void> {
    return this.orders.recordOrder(order);
  }
}
