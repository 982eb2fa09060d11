import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ShedWhenBacklogged } from '../../../events';
import { actingFor, Caller, CurrentCaller, ownerScope } from '../../../platform/http/customers/caller';
import { CustomerGuard } from '../../../platform/http/customers/customer.guard';
import { ZodPipe } from '../../../platform/http/zod-body.pipe';
import { SafeText } from '../../../platform/validation/safe-text';
import { OrderBook, OrderView } from '../domain/order-book';
import { OrderStatus } from '../domain/order-status';
import { PlaceOrderRequest } from './place-order.request';

const OrderId = SafeText.min(1).max(64);

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

  @Get(':orderId')
  find(@Param('orderId', new ZodPipe(OrderId)) orderId: string, @CurrentCaller() caller: Caller): Promise<OrderView> {
    return this.orders.find(orderId, ownerScope(caller));
  }
}
