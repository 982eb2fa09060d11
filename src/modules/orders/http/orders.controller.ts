import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ShedWhenBacklogged } from '../../../events';
import { ZodPipe } from '../../../platform/http/zod-body.pipe';
import { OrderBook, OrderView } from '../domain/order-book';
import { OrderStatus } from '../domain/order-status';
import { PlaceOrderRequest } from './place-order.request';

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrderBook) {}

  /** 202: the order is accepted (durably, with its `order.created`); the chain runs after the answer. */
  @Post()
  @HttpCode(202)
  @ShedWhenBacklogged()
  place(@Body(new ZodPipe(PlaceOrderRequest)) request: PlaceOrderRequest): Promise<{ orderId: string; status: OrderStatus }> {
    return this.orders.placeOrder(request);
  }

  @Get(':orderId')
  find(@Param('orderId') orderId: string): Promise<OrderView> {
    return this.orders.find(orderId);
  }
}
