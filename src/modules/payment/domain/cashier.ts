import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EventData, Outbox } from '../../../events';
import { toMinorUnits } from '../../../kernel/money';
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

  /**
   * Records the intent first, then calls the gateway with the order id as its idempotency key, then records the
   * result. A request for an order that has a payment already (another event, a replay) stops at the intent,
   * before the gateway; a concurrent one waits on the intent's row lock, then stops there too. When the
   * transaction rolls back after the call (a batch-mate failed), the retry calls again with the same key,
   * which the gateway answers with the charge it made.
   */
  async takePayment(request: EventData<typeof PaymentRequest>): Promise<void> {
    const amountMinor = toMinorUnits(request.amount, request.currency);
    const intended: unknown[] = await this.txHost.tx.query(
      `INSERT INTO payment.payments (order_id, user_id, amount_minor, currency, method, status)
       VALUES ($1, $2, $3, $4, $5, 'pending') ON CONFLICT DO NOTHING RETURNING 1`,
      [request.orderId, request.userId, amountMinor, request.currency, request.method],
    );
    if (intended.length === 0) return;
    const outcome = await this.gateway.charge({ idempotencyKey: request.orderId, amountMinor, currency: request.currency, method: request.method });
    const status = outcome.status === 'succeeded' ? 'succeeded' : 'failed';
    const reason = outcome.status === 'declined' ? outcome.reason : undefined;
    await this.txHost.tx.query('UPDATE payment.payments SET status = $2, reason = $3 WHERE order_id = $1', [request.orderId, status, reason ?? null]);
    await this.outbox.publish(PaymentResult, { orderId: request.orderId, userId: request.userId, status, amount: request.amount, currency: request.currency, reason }, request.orderId);
  }
}
