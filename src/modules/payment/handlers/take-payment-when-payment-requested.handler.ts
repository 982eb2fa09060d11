import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventData, Subscribe } from '../../../events';
import { PaymentRequest } from '../../inventory';
import { Cashier } from '../domain/cashier';

@Controller()
export class TakePaymentWhenPaymentRequestedHandler {
  constructor(private readonly cashier: Cashier) {}

  @Subscribe(PaymentRequest, { subscriber: 'payment', retry: 5, backoffPolicy: 'exponential', backoffDelay: 'PT0.5S' })
  handle(@Payload() request: EventData<typeof PaymentRequest>): Promise<void> {
    return this.cashier.takePayment(request);
  }
}
