import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventData, Subscribe } from '../../../events';
import { OrderBook } from '../domain/order-book';
import { OrderCreated } from '../orders.events';

/** Orders placed elsewhere and sent in as `order.created` become followable here; for our own the insert is a no-op. */
@Controller()
export class RecordOrderWhenOrderCreatedHandler {
  constructor(private readonly orders: OrderBook) {}

  @Subscribe(OrderCreated, { subscriber: 'orders' })
  handle(@Payload() order: EventData<typeof OrderCreated>): Promise<void> {
    return this.orders.recordOrder(order);
  }
}
