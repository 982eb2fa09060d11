import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventData, Subscribe } from '../../../events';
import { PaymentResult } from '../../payment';
import { OrderBook } from '../domain/order-book';

@Controller()
export class SettleWhenPaymentResultHandler {
  constructor(private readonly orders: OrderBook) {}

  @Subscribe(PaymentResult, { subscriber: 'orders', ordered: true })
  handle(@Payload() result: EventData<typeof PaymentResult>): Promise<void> {
    return this.orders.advance(result.orderId, result.status === 'succeeded' ? 'paid' : 'payment_failed');
  }
}
