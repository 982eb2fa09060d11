import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventData, Subscribe } from '../../../events';
import { PaymentRequest } from '../../inventory';
import { Cashier } from '../domain/cashier';

/** Batched: the charge outside the database is idempotent by order id, so a re-run within the batch charges nothing twice (Cashier). */
@Controller()
export class TakePaymentWhenPaymentRequestedHandler {
  constructor(private readonly cashier: Cashier) {}

  @Subscribe(PaymentRequest, { name: 'payment-take-payment-when-payment-requested', subscriber: 'payment', batched: true, retry: 5, backoffPolicy: 'exponential', backoffDelay: 'PT0.5S' })
  handle(@Payload() request: EventData<typeof PaymentRequest>): Promise<void> {
    return this.cashier.takePayment(request);
  }
}
