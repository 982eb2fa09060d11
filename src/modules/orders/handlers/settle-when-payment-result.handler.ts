import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventData, Subscribe, toMinorUnits } from '../../../events';
import { PaymentResult } from '../../payment';
import { OrderBook } from '../domain/order-book';

/**
 * The result carries the amount too: subscriptions run apart, so it may settle an order before the payment
 * request that priced it is recorded, and that request can no longer move the order.
 */
@Controller()
export class SettleWhenPaymentResultHandler {
  constructor(private readonly orders: OrderBook) {}

  @Subscribe(PaymentResult, { subscriber: 'orders' })
  handle(@Payload() result: EventData<typeof PaymentResult>): Promise<void> {
    return this.orders.advance(result.orderId, result.status === 'succeeded' ? 'paid' : 'payment_failed', toMinorUnits(result.amount));
  }
}
