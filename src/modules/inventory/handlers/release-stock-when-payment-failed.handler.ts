import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventData, Subscribe } from '../../../events';
import { PaymentResult } from '../../payment';
import { Stockroom } from '../domain/stockroom';

/** Compensation: a failed payment gives the order's reservation back to stock. */
@Controller()
export class ReleaseStockWhenPaymentFailedHandler {
  constructor(private readonly stockroom: Stockroom) {}

  @Subscribe(PaymentResult, { subscriber: 'inventory', when: { exact: { paymentstatus: 'failed' } } })
  handle(@Payload() result: EventData<typeof PaymentResult>): Promise<void> {
    return this.stockroom.releaseStock(result.orderId);
  }
}
