import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { BackloggedError, ShedWhenBacklogged } from '../../../events';
import { ApiOperation } from '../../../platform/http/api-docs/api-operation';
import { actingFor, Caller, CurrentCaller, CustomerMismatchError, CustomerRequiredError, ownerScope } from '../../../platform/http/customers/caller';
import { CUSTOMER_ACCESS, CustomerGuard } from '../../../platform/http/customers/customer.guard';
import { cursorPosition, InvalidCursorError, Page, PageAnswer, PageQuery } from '../../../platform/http/page';
import { ZodPipe } from '../../../platform/http/zod-body.pipe';
import { SafeText } from '../../../platform/validation/safe-text';
import { OrderBook, OrderSummary, OrderView } from '../domain/order-book';
import { IdempotencyKeyReusedError } from '../domain/idempotency-key-reused.error';
import { OrderNotFoundError } from '../domain/order-not-found.error';
import { ORDER_STATUSES, OrderStatus } from '../domain/order-status';
import { OrderAnswer, OrderSummaryAnswer, PlacedOrderAnswer } from './order.answers';
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
  @ApiOperation({
    tag: 'orders',
    summary: 'Place an order',
    description:
      'Accepted durably with its `order.created`; the chain (stock, payment, notification) runs after the answer. A customer places for itself (`userId` is its token subject or left out); the admin token for the `userId` it names.',
    access: CUSTOMER_ACCESS,
    headers: { 'idempotency-key': IdempotencyKey },
    responses: { 202: { description: 'Accepted (or, with an Idempotency-Key seen before, the order it placed).', schema: PlacedOrderAnswer, headers: { location: 'The order: /orders/{orderId}' } } },
    errors: [CustomerMismatchError, CustomerRequiredError, IdempotencyKeyReusedError, BackloggedError],
  })
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
  @ApiOperation({
    tag: 'orders',
    summary: 'List orders',
    description: "Newest first, one page at a time (`nextCursor`), optionally in one `status`. A customer lists its own (`userId` its token subject or left out); the admin token anyone's, or everyone's.",
    access: CUSTOMER_ACCESS,
    responses: { 200: { description: 'A page.', schema: PageAnswer(OrderSummaryAnswer) } },
    errors: [InvalidCursorError, CustomerMismatchError, CustomerRequiredError],
  })
  list(@Query(new ZodPipe(OrdersQuery)) query: z.output<typeof OrdersQuery>, @CurrentCaller() caller: Caller): Promise<Page<OrderSummary>> {
    const userId = ownerScope(caller) === undefined ? query.userId : actingFor(caller, query.userId);
    return this.orders.list({ userId, status: query.status }, query.limit, cursorPosition(query.cursor, OrderId));
  }

  @Get(':orderId')
  @ApiOperation({
    tag: 'orders',
    summary: 'Read an order',
    description: "Its status, priced total once inventory priced it, and timeline (every event about it, who handled it, failed attempts). A customer reads its own orders only (another's answers 404).",
    access: CUSTOMER_ACCESS,
    responses: { 200: { description: 'The order.', schema: OrderAnswer } },
    errors: [OrderNotFoundError],
  })
  find(@Param('orderId', new ZodPipe(OrderId)) orderId: string, @CurrentCaller() caller: Caller): Promise<OrderView> {
    return this.orders.find(orderId, ownerScope(caller));
  }
}
