import { z } from 'zod';
import { SafeText } from '../../platform/validation/safe-text';
import { defineEvent } from '../../events';
import { amountsInCurrency, Currency, MoneyAmount } from '../../kernel/money';

const StockLine = z.object({ sku: SafeText.min(1), quantity: z.number().int().min(1) });

/** `inventory.insufficient`: not every item could be reserved, so none was. */
export const InventoryInsufficient = defineEvent(
  'inventory.insufficient',
  'inventory',
  z.object({
    orderId: SafeText.min(1),
    userId: SafeText.min(1),
    reason: SafeText,
    missing: z.array(z.object({ sku: SafeText.min(1), requested: z.number().int().min(1), available: z.number().int().min(0) })).min(1),
  }),
);

/** `payment.request`: every item is reserved; take this amount, priced from the inventory catalog. */
export const PaymentRequest = defineEvent(
  'payment.request',
  'inventory',
  z
    .object({
      orderId: SafeText.min(1),
      userId: SafeText.min(1),
      amount: MoneyAmount,
      currency: Currency,
      method: SafeText.min(1).max(64),
    })
    .superRefine(amountsInCurrency((request) => [request.amount])),
);

/** `inventory.released`: a reservation was given back to stock (its payment failed). */
export const InventoryReleased = defineEvent('inventory.released', 'inventory', z.object({ orderId: SafeText.min(1), items: z.array(StockLine).min(1) }));
