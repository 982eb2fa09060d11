import { z } from 'zod';
import { defineEvent, EventType, MoneyAmount } from '../../events';

/**
 * `payment.result`: the gateway's answer for an order. `failed` carries the reason (declined, over the limit).
 * The status travels as the `paymentstatus` attribute too, so a Trigger can select the failures.
 */
export const PaymentResult = defineEvent(
  EventType.PaymentResult,
  'payment',
  z.object({
    orderId: z.string().min(1),
    userId: z.string().min(1),
    status: z.enum(['succeeded', 'failed']),
    amount: MoneyAmount,
    reason: z.string().optional(),
  }),
  (result) => ({ paymentstatus: result.status }),
);
