import { z } from 'zod';
import { SafeText } from '../../../platform/validation/safe-text';

/** `POST /orders` body. Strict: an unknown field is an error, not silently dropped. A customer's token names the customer, so `userId` may be left out then. */
export const PlaceOrderRequest = z
  .object({
    userId: SafeText.min(1).max(128).optional(),
    items: z
      .array(z.object({ sku: SafeText.min(1).max(64), quantity: z.number().int().min(1).max(10_000) }).strict())
      .min(1)
      .max(100),
    paymentMethod: SafeText.min(1).max(64).optional(),
  })
  .strict();

export type PlaceOrderRequest = z.output<typeof PlaceOrderRequest>;
