import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EventData, Outbox, toMinorUnits } from '../../../events';
import type { PaymentRequest } from '../../inventory';
import { PaymentResult } from '../payment.events';
import { PAYMENT_GATEWAY, PaymentGateway } from './payment-gateway';

/** Takes the payment an order's reservation asked for and records the result, once per order. */
@Injectable()
export class Cashier {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly outbox: Outbox,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
  ) {}

  async takePayment(request: EventData<typeof PaymentRequest>): Promise<void> {
    const amountMinor = toMinorUnits(request.amount, request.currency);
    const outcome = await this.gateway.charge({ idempotencyKey: request.orderId, amountMinor, currency: request.currency, method: request.method });
    const status = outcome.status === 'succeeded' ? 'succeeded' : 'failed';
    const reason = outcome.status === 'declined' ? outcome.reason : undefined;
    const recorded: unknown[] = await this.txHost.tx.query(
      `INSERT INTO payment.payments (order_id, user_id, amount_minor, currency, method, status, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING 1`,
      [request.orderId, request.userId, amountMinor, request.currency, request.method, status, reason ?? null],
    );
    if (recorded.length === 0) return;
    await this.outbox.publish(PaymentResult, { orderId: request.orderId, userId: request.userId, status, amount: request.amount, reason }, request.orderId);
  }
}
