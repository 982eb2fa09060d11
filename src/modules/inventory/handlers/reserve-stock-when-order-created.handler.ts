import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventData, Subscribe } from '../../../events';
import { OrderCreated } from '../../orders';
import { Stockroom } from '../domain/stockroom';

@Controller()
export class ReserveStockWhenOrderCreatedHandler {
  constructor(private readonly stockroom: Stockroom) {}

  @Subscribe(OrderCreated, { name: 'inventory-reserve-stock-when-order-created', subscriber: 'inventory', batched: true })
  handle(@Payload() order: EventData<typeof OrderCreated>): Promise<void> {
    return this.stockroom.reserveStock(order);
  }
}
