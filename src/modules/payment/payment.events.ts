import { z } from 'zod';
import { SafeText } from '../../platform/validation/safe-text';
import { defineEvent, EventType, MoneyAmount } from '../../events';

/**
 * `payment.result`: the gateway's answer for an order. `failed` carries the reason (declined, over the limit).
 * The status travels as the `paymentstatus` attribute too, so a Trigger can select the failures.
 */
export const PaymentResult = defineEvent(
  EventType.PaymentResult,
  'payment',
  z.object({
    orderId: SafeText.min(1),
    userId: SafeText.min(1),
    status: z.enum(['succeeded', 'failed']),
    amount: MoneyAmount,
    reason: SafeText.optional(),
  }),
  { attributes: (result) => ({ paymentstatus: result.status }) },
);
