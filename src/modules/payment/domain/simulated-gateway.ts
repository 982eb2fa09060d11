import { Inject, Injectable } from '@nestjs/common';
import { toMinorUnits } from '../../../kernel/money';
import { PaymentConfig, paymentConfig } from '../payment.config';
import { GatewayUnavailableError } from './gateway-unavailable.error';
import { ChargeOutcome, ChargeRequest, PaymentGateway } from './payment-gateway';

/**
 * A deterministic stand-in for a card processor. Like a processor's test cards, the payment method picks the outcome:
 *
 * | method          | outcome                                                           |
 * | --------------- | ----------------------------------------------------------------- |
 * | `test_decline`  | declined: "card declined"                                         |
 * | `test_flaky`    | unavailable twice for the same order (a transient error), then succeeds |
 * | anything else   | succeeds, unless the amount is above PAYMENT_MAX_AMOUNT (declined) |
 *
 * PAYMENT_MAX_AMOUNT is read in the charge's currency: 10000.00 is ten thousand dollars, or yen.
 */
@Injectable()
export class SimulatedGateway implements PaymentGateway {
  static readonly FLAKY_FAILURES = 2;
  /** Flaky orders remembered at most: an order that never comes back (dead-lettered, crashed) is forgotten, oldest first. */
  static readonly FLAKY_ORDERS_REMEMBERED = 10_000;
  private readonly flakyAttempts = new Map<string, number>();
  private readonly maxAmount: string;

  constructor(@Inject(paymentConfig.KEY) config: PaymentConfig) {
    this.maxAmount = config.PAYMENT_MAX_AMOUNT;
  }

  /** How many flaky orders the simulator remembers now. */
  get flakyOrders(): number {
    return this.flakyAttempts.size;
  }

  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    if (request.method === 'test_decline') return { status: 'declined', reason: 'card declined' };
    if (request.method === 'test_flaky' && this.failsThisTime(request.idempotencyKey)) {
      throw new GatewayUnavailableError('simulated gateway: temporarily unavailable (test_flaky)');
    }
    if (request.amountMinor > toMinorUnits(this.maxAmount, request.currency)) return { status: 'declined', reason: 'amount exceeds the limit' };
    return { status: 'succeeded' };
  }

  private failsThisTime(key: string): boolean {
    const attempts = (this.flakyAttempts.get(key) ?? 0) + 1;
    if (attempts > SimulatedGateway.FLAKY_FAILURES) {
      this.flakyAttempts.delete(key);
      return false;
    }
    this.flakyAttempts.set(key, attempts);
    // A Map iterates in insertion order: its first key is the oldest order.
    if (this.flakyAttempts.size > SimulatedGateway.FLAKY_ORDERS_REMEMBERED) this.flakyAttempts.delete(this.flakyAttempts.keys().next().value!);
    return true;
  }
}
