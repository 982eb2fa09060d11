import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventData, Subscribe } from '../../../events';
import { OrderBook } from '../domain/order-book';
import { OrderCreated } from '../orders.events';

/**
 * Orders placed elsewhere and sent in as `order.created` become followable here. Our own were recorded when
 * they were placed and are left as they are. Which is which is not told by the event's `source`, which a
 * sender chooses: every order.created is recorded, once per order id.
 */
@Controller()
export class RecordOrderWhenOrderCreatedHandler {
  constructor(private readonly orders: OrderBook) {}

  @Subscribe(OrderCreated, { name: 'orders-record-order-when-order-created', subscriber: 'orders', batched: true })
  handle(@Payload() order: EventData<typeof OrderCreated>): Promise<void> {
    return this.orders.recordOrder(order);
  }
}
