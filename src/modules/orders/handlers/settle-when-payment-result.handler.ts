import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventData, Subscribe } from '../../../events';
import { toMinorUnits } from '../../../kernel/money';
import { PaymentResult } from '../../payment';
import { OrderBook } from '../domain/order-book';

/** The result carries the priced total too: it may arrive before the payment.request that would have recorded it. */
@Controller()
export class SettleWhenPaymentResultHandler {
  constructor(private readonly orders: OrderBook) {}

  @Subscribe(PaymentResult, { name: 'orders-settle-when-payment-result', subscriber: 'orders', batched: true, ordered: true })
  handle(@Payload() result: EventData<typeof PaymentResult>): Promise<void> {
    const total = result.currency === undefined ? undefined : { minorUnits: toMinorUnits(result.amount, result.currency), currency: result.currency };
    return this.orders.advance(result.orderId, result.status === 'succeeded' ? 'paid' : 'payment_failed', total);
  }
}
