import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { actingFor, Caller, CurrentCaller, ownerScope } from '../../../platform/http/customers/caller';
import { CustomerGuard } from '../../../platform/http/customers/customer.guard';
import { ZodPipe } from '../../../platform/http/zod-body.pipe';
import { OrderBook, OrderView } from '../domain/order-book';
import { OrderStatus } from '../domain/order-status';
import { PlaceOrderRequest } from './place-order.request';

/** A customer places and reads its own orders; the admin token reads anyone's. */
@Controller('orders')
@UseGuards(CustomerGuard)
export class OrdersController {
  constructor(private readonly orders: OrderBook) {}

  /** 202: the order is accepted (durably, with its `order.created`); the chain runs after the answer. */
  @Post()
  @HttpCode(202)
  place(@Body(new ZodPipe(PlaceOrderRequest)) request: PlaceOrderRequest, @CurrentCaller() caller: Caller): Promise<{ orderId: string; status: OrderStatus }> {
    return this.orders.placeOrder({ ...request, userId: actingFor(caller, request.userId) });
  }

  @Get(':orderId')
  find(@Param('orderId') orderId: string, @CurrentCaller() caller: Caller): Promise<OrderView> {
    return this.orders.find(orderId, ownerScope(caller));
  }
}
