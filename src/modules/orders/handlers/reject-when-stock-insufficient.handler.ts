import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventData, Subscribe } from '../../../events';
import { InventoryInsufficient } from '../../inventory';
import { OrderBook } from '../domain/order-book';

@Controller()
export class RejectWhenStockInsufficientHandler {
  constructor(private readonly orders: OrderBook) {}

  @Subscribe(InventoryInsufficient, { name: 'orders-reject-when-stock-insufficient', subscriber: 'orders', batched: true, ordered: true })
  handle(@Payload() shortage: EventData<typeof InventoryInsufficient>): Promise<void> {
    return this.orders.advance(shortage.orderId, 'rejected');
  }
}
