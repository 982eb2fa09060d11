import { z } from 'zod';
import { SafeText } from '../../platform/validation/safe-text';
import { defineEvent } from '../../events';
import { amountsInCurrency, Currency, MoneyAmount } from '../../kernel/money';

/**
 * `order.created`: a customer placed an order. Items carry name and price when the sender knows them
 * (the reference Order shape does); inventory prices the order from its own catalog either way. The one
 * event producers outside the system may send (a storefront), at `POST /` with the ingress token.
 */
export const OrderCreated = defineEvent(
  'order.created',
  'orders',
  z
    .object({
      orderId: SafeText.min(1).max(64),
      userId: SafeText.min(1).max(128),
      items: z
        .array(z.object({ sku: SafeText.min(1).max(64), quantity: z.number().int().min(1).max(10_000), name: SafeText.max(200).optional(), price: MoneyAmount.optional() }))
        .min(1)
        .max(100),
      total: MoneyAmount.optional(),
      currency: Currency.default('USD'),
      status: SafeText.max(32).optional(),
      createdAt: z.iso.datetime({ offset: true }).optional(),
      paymentMethod: SafeText.min(1).max(64).default('card'),
    })
    .superRefine(amountsInCurrency((order) => [order.total, ...order.items.map((item) => item.price)])),
  { external: true },
);
