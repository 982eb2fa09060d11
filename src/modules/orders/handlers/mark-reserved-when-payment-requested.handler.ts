import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventData, Subscribe } from '../../../events';
import { toMinorUnits } from '../../../kernel/money';
import { PaymentRequest } from '../../inventory';
import { OrderBook } from '../domain/order-book';

@Controller()
export class MarkReservedWhenPaymentRequestedHandler {
  constructor(private readonly orders: OrderBook) {}

  @Subscribe(PaymentRequest, { name: 'orders-mark-reserved-when-payment-requested', subscriber: 'orders', batched: true, ordered: true })
  handle(@Payload() request: EventData<typeof PaymentRequest>): Promise<void> {
    return this.orders.advance(request.orderId, 'reserved', { minorUnits: toMinorUnits(request.amount, request.currency), currency: request.currency });
  }
}
