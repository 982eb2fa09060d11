import { z } from 'zod';
import { SafeText } from '../../platform/validation/safe-text';
import { defineEvent } from '../../events';
import { amountsInCurrency, Currency, MoneyAmount } from '../../kernel/money';

/**
 * `payment.result`: the gateway's answer for an order. `failed` carries the reason (declined, over the limit).
 * The status travels as the `paymentstatus` attribute too, so a Trigger can select the failures. The amount and
 * its currency are the request's, so a subscriber that has not seen the request yet still learns the priced total
 * (`currency` is absent from results published before 0.2, which may still sit in an outbox or a dead letter).
 */
export const PaymentResult = defineEvent(
  'payment.result',
  'payment',
  z
    .object({
      orderId: SafeText.min(1),
      userId: SafeText.min(1),
      status: z.enum(['succeeded', 'failed']),
      amount: MoneyAmount,
      currency: Currency.optional(),
      reason: SafeText.optional(),
    })
    .superRefine(amountsInCurrency((result) => [result.amount])),
  { attributes: (result) => ({ paymentstatus: result.status }) },
);
