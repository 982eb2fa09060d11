import { Controller, Get, Param, Query, Redirect, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Outbox } from '../../../../events';
import { ApiOperation, PUBLIC_ACCESS } from '../../../../platform/http/api-docs/api-operation';
import { CONSOLE_CUSTOMER_ACCESS, ConsoleAccess } from '../../../../platform/http/console/console-access';
import { refusalPage, sendDenied, sendPage } from '../../../../platform/http/console/console-page';
import { ownerScope } from '../../../../platform/http/customers/caller';
import { cursorPosition } from '../../../../platform/http/page';
import { SafeText } from '../../../../platform/validation/safe-text';
import { OrderBook } from '../../domain/order-book';
import { OrderNotFoundError } from '../../domain/order-not-found.error';
import { OrdersQuery } from '../orders.controller';
import { orderPage } from './order-page';
import { ordersPage } from './orders-page';

const OrderId = SafeText.min(1).max(64);
const LIVE_VIEW_LIMIT = '25';

/**
 * The console's order pages, rendered here from the data this module owns, under the same rules as
 * GET /orders: a customer sees its own orders, the admin (or anybody, with CUSTOMER_AUTH=off) everyone's.
 */
@Controller('console')
export class OrdersConsoleController {
  constructor(
    private readonly access: ConsoleAccess,
    private readonly orders: OrderBook,
    private readonly outbox: Outbox,
  ) {}

  @Get()
  @Redirect('/console/orders', 302)
  @ApiOperation({ tag: 'console', summary: 'The console', description: 'Redirects to the orders page.', access: PUBLIC_ACCESS, responses: { 302: { description: 'To /console/orders.' } } })
  home(): void {}

  @Get('orders')
  @ApiOperation({
    tag: 'console',
    summary: 'Console: recent orders',
    description: 'Recent orders (a customer its own); for operators, counts by status and the outbox backlog.',
    access: CONSOLE_CUSTOMER_ACCESS,
    responses: { 200: { description: 'An HTML page; without a token, the page without its data (its script asks for one).', contentType: 'text/html' } },
  })
  async list(@Query() rawQuery: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const access = await this.access.forCustomerData(request);
    if (access.kind !== 'granted') return sendDenied(reply, access, 'Orders');
    // A live view re-renders every two seconds: a short page unless the URL asks for more.
    const query = OrdersQuery.safeParse({ limit: LIVE_VIEW_LIMIT, ...(rawQuery as object) });
    if (!query.success) return sendPage(reply, refusalPage('Orders', 'The filter is not valid.'), 400);
    const scope = ownerScope(access.caller);
    const filter = { userId: scope ?? query.data.userId, status: query.data.status };
    const page = await this.orders.list(filter, query.data.limit, cursorPosition(query.data.cursor, OrderId));
    // Counts and the outbox are about everyone's orders: operators only.
    const overview = scope === undefined ? { counts: await this.orders.countByStatus(), outbox: await this.outbox.backlog() } : undefined;
    return sendPage(reply, ordersPage(page, filter, overview, query.data.cursor !== undefined));
  }

  @Get('orders/:orderId')
  @ApiOperation({
    tag: 'console',
    summary: 'Console: an order',
    description: 'The order and its timeline across the modules (a customer its own).',
    access: CONSOLE_CUSTOMER_ACCESS,
    responses: { 200: { description: 'An HTML page; without a token, the page without its data (its script asks for one).', contentType: 'text/html' } },
  })
  async order(@Param('orderId') orderId: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const title = 'Order';
    const access = await this.access.forCustomerData(request);
    if (access.kind !== 'granted') return sendDenied(reply, access, title);
    if (!OrderId.safeParse(orderId).success) return sendPage(reply, refusalPage(title, 'That is not an order id.'), 400);
    try {
      return sendPage(reply, orderPage(await this.orders.find(orderId, ownerScope(access.caller))));
    } catch (error) {
      if (error instanceof OrderNotFoundError) return sendPage(reply, refusalPage(title, `No order ${orderId} (or not yours).`), 404);
      throw error;
    }
  }
}
