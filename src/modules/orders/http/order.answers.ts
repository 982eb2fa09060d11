import { z } from 'zod';
import { ORDER_STATUSES } from '../domain/order-status';

// What the routes answer, for the OpenAPI document (/docs); test/api-docs.e2e-spec.ts checks real answers against them.

const Status = z.enum(ORDER_STATUSES);

export const PlacedOrderAnswer = z.object({ orderId: z.string(), status: Status });

const TimelineEntry = z
  .object({
    type: z.string(),
    id: z.string(),
    source: z.string(),
    time: z.string(),
    outcome: z.enum(['failed', 'dead_lettered']).optional().describe('Set on a failed delivery attempt; absent on an event.'),
  })
  .loose()
  .describe('An event about the order with `handledBy` (the subscriptions that handled it) and `traceId`, or a failed attempt with `module`, `subscription`, `attempt`, `errorCode`, `error`.');

export const OrderSummaryAnswer = z.object({
  orderId: z.string(),
  userId: z.string(),
  status: Status,
  items: z.array(z.object({ sku: z.string(), quantity: z.number().int(), name: z.string().optional(), price: z.string().optional() })),
  total: z.string().nullable().describe('Decimal, once inventory priced the order.'),
  currency: z.string(),
  createdAt: z.string(),
});

export const OrderAnswer = OrderSummaryAnswer.extend({ timeline: z.array(TimelineEntry) });
