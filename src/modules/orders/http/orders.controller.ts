import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ShedWhenBacklogged } from '../../../events';
import { actingFor, Caller, CurrentCaller, ownerScope } from '../../../platform/http/customers/caller';
import { cursorPosition, Page, PageQuery } from '../../../platform/http/page';
import { CustomerGuard } from '../../../platform/http/customers/customer.guard';
import { ZodPipe } from '../../../platform/http/zod-body.pipe';
import { SafeText } from '../../../platform/validation/safe-text';
import { OrderBook, OrderSummary, OrderView } from '../domain/order-book';
import { ORDER_STATUSES, OrderStatus } from '../domain/order-status';
import { PlaceOrderRequest } from './place-order.request';

const OrderId = SafeText.min(1).max(64);

export const OrdersQuery = z.object({ userId: SafeText.min(1).max(128).optional(), status: z.enum(ORDER_STATUSES).optional(), ...PageQuery }).strict();

/** Printable ASCII, as the IETF Idempotency-Key draft's examples (a UUID is typical). */
const IdempotencyKey = SafeText.regex(/^[\x21-\x7e]{1,255}$/, 'must be 1-255 printable ASCII characters').optional();

// Nest's @Headers() takes no pipes: the header is validated by the same pipe, called here.
const idempotencyKeyPipe = new ZodPipe(IdempotencyKey);

/** A customer places and reads its own orders; the admin token reads anyone's. */
@Controller('orders')
@UseGuards(CustomerGuard)
export class OrdersController {
  constructor(private readonly orders: OrderBook) {}

  /**
   * 202 with the order's `Location`: the order is accepted (durably, with its `order.created`); the chain runs
   * after the answer. With an `Idempotency-Key` seen before, the same answer for the same order.
   */
  @Post()
  @HttpCode(202)
  @ShedWhenBacklogged()
  async place(
    @Body(new ZodPipe(PlaceOrderRequest)) request: PlaceOrderRequest,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<{ orderId: string; status: OrderStatus }> {
    const placed = await this.orders.placeOrder({ ...request, userId: actingFor(caller, request.userId) }, idempotencyKeyPipe.transform(idempotencyKey));
    void reply.header('location', `/orders/${encodeURIComponent(placed.orderId)}`);
    return placed;
  }

  /** Newest first: a customer its own (`userId` is its token's subject, or left out); the admin anyone's, or everyone's. */
  @Get()
  list(@Query(new ZodPipe(OrdersQuery)) query: z.output<typeof OrdersQuery>, @CurrentCaller() caller: Caller): Promise<Page<OrderSummary>> {
    const userId = ownerScope(caller) === undefined ? query.userId : actingFor(caller, query.userId);
    return this.orders.list({ userId, status: query.status }, query.limit, cursorPosition(query.cursor, OrderId));
  }

  @Get(':orderId')
  find(@Param('orderId', new ZodPipe(OrderId)) orderId: string, @CurrentCaller() caller: Caller): Promise<OrderView> {
    return this.orders.find(orderId, ownerScope(caller));
  }
}
