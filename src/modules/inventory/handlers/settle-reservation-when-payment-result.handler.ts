import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventData, Subscribe } from '../../../events';
import { PaymentResult } from '../../payment';
import { Stockroom } from '../domain/stockroom';

/** A paid order's reservation is sold for good; a failed payment gives it back to stock (compensation). */
@Controller()
export class SettleReservationWhenPaymentResultHandler {
  constructor(private readonly stockroom: Stockroom) {}

  @Subscribe(PaymentResult, { name: 'inventory-settle-reservation-when-payment-result', subscriber: 'inventory', batched: true })
  handle(@Payload() result: EventData<typeof PaymentResult>): Promise<void> {
    return result.status === 'succeeded' ? this.stockroom.markSold(result.orderId) : this.stockroom.releaseStock(result.orderId);
  }
}
