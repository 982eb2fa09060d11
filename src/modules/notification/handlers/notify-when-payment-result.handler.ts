import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventData, Subscribe } from '../../../events';
import { PaymentResult } from '../../payment';
import { paymentMessage } from '../domain/messages';
import { Notifier } from '../domain/notifier';

@Controller()
export class NotifyWhenPaymentResultHandler {
  constructor(private readonly notifier: Notifier) {}

  @Subscribe(PaymentResult, { name: 'notification-notify-when-payment-result', subscriber: 'notification', batched: true, retry: 3, backoffPolicy: 'exponential', backoffDelay: 'PT0.25S' })
  handle(@Payload() result: EventData<typeof PaymentResult>): Promise<void> {
    return this.notifier.notify(paymentMessage(result));
  }
}
