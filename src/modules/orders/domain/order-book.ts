import { Injectable } from '@nestjs/common';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { randomUUID } from 'node:crypto';
import { EventData, Outbox } from '../../../events';
import { toDecimal } from '../../../kernel/money';
import { Page, pageOf, PagePosition } from '../../../platform/http/page';
import { OrderCreated } from '../orders.events';
import { IdempotencyKeys } from './idempotency-keys';
import { Order, OrderLine } from './order.entity';
import { OrderNotFoundError } from './order-not-found.error';
import { OrderNotRecordedYetError } from './order-not-recorded-yet.error';
import { OrderStatus, reachableFrom } from './order-status';
import { OrderTimeline, TimelineEntry } from './timeline';

export interface PlaceOrder {
  userId: string;
  items: { sku: string; quantity: number }[];
  paymentMethod?: string;
}

/** An order as lists show it: no timeline. */
export interface OrderSummary {
  orderId: string;
  userId: string;
  status: OrderStatus;
  items: OrderLine[];
  total: string | null;
  currency: string;
  createdAt: string;
}

export interface OrderView extends OrderSummary {
  timeline: TimelineEntry[];
}

/** Which orders a list shows: one customer's (or everyone's), in one status (or any). */
export interface OrderFilter {
  userId?: string;
  status?: OrderStatus;
}

interface OrderRow {
  id: string;
  user_id: string;
  status: OrderStatus;
  items: OrderLine[];
  total_minor: string | null;
  currency: string;
  created_at: Date;
  position_at: string;
}

const CURRENCY = 'USD';

/** The orders this service has taken and the status each has reached. */
@Injectable()
export class OrderBook {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly outbox: Outbox,
    private readonly timeline: OrderTimeline,
    private readonly idempotencyKeys: IdempotencyKeys,
  ) {}

  // Writes are plain parameterised SQL: they run on every order, and TypeORM's query builder costs more
  // JavaScript than the round trip itself (ADR 10). Reads go through the entity.
  /** With an `idempotencyKey` the customer used before (within its window), the order that placed instead. */
  @Transactional()
  async placeOrder(command: PlaceOrder, idempotencyKey?: string): Promise<{ orderId: string; status: OrderStatus }> {
    const orderId = randomUUID();
    if (idempotencyKey !== undefined) {
      const earlier = await this.idempotencyKeys.claim({ userId: command.userId, key: idempotencyKey, request: command, orderId });
      if (earlier !== undefined) return { orderId: earlier, status: 'pending' };
    }
    const items = command.items;
    const paymentMethod = command.paymentMethod ?? 'card';
    const [{ created_at: createdAt }]: { created_at: Date }[] = await this.txHost.tx.query(
      `INSERT INTO orders.orders (id, user_id, status, items, currency, payment_method) VALUES ($1, $2, 'pending', $3, $4, $5) RETURNING created_at`,
      [orderId, command.userId, JSON.stringify(items), CURRENCY, paymentMethod],
    );
    await this.outbox.publish(OrderCreated, { orderId, userId: command.userId, items, currency: CURRENCY, status: 'pending', createdAt: createdAt.toISOString(), paymentMethod }, orderId);
    return { orderId, status: 'pending' };
  }

  /**
   * An order placed elsewhere (an `order.created` from outside): recorded once, so it can be followed here too.
   * Its total is left to inventory's pricing (payment.request), not taken from the sender.
   */
  async recordOrder(data: EventData<typeof OrderCreated>): Promise<void> {
    await this.txHost.tx.query(`INSERT INTO orders.orders (id, user_id, status, items, currency, payment_method) VALUES ($1, $2, 'pending', $3, $4, $5) ON CONFLICT (id) DO NOTHING`, [
      data.orderId,
      data.userId,
      JSON.stringify(data.items),
      data.currency,
      data.paymentMethod,
    ]);
  }

  /**
   * Moves the order forward; a transition it has already passed is ignored (events may arrive late: a
   * payment result before the request that priced it). A total is recorded either way: it is a fact, not a step,
   * and the first one (inventory's pricing) stands: no later event overwrites it.
   */
  async advance(orderId: string, to: OrderStatus, total?: { minorUnits: number; currency: string }): Promise<void> {
    if ((await this.move(orderId, to, total)) > 0) return;
    await this.mustBeRecorded(orderId);
    // Recorded by a transaction that committed after the UPDATE began (each statement sees only what committed
    // before it): move it now, or this step would be acknowledged and lost.
    await this.move(orderId, to, total);
  }

  /** The number of rows the step (or the total) changed: 0 when the order has passed it, or is not visible yet. */
  private async move(orderId: string, to: OrderStatus, total?: { minorUnits: number; currency: string }): Promise<number> {
    const [, moved] = (await this.txHost.tx.query(
      `UPDATE orders.orders
       SET status = CASE WHEN status = ANY($4::text[]) THEN $2 ELSE status END,
           total_minor = coalesce(total_minor, $3),
           currency = CASE WHEN total_minor IS NULL THEN coalesce($5, currency) ELSE currency END,
           updated_at = CASE WHEN status = ANY($4::text[]) THEN now() ELSE updated_at END
       WHERE id = $1 AND (status = ANY($4::text[]) OR $3::bigint IS NOT NULL)`,
      [orderId, to, total?.minorUnits ?? null, reachableFrom(to), total?.currency ?? null],
    )) as [unknown, number];
    return moved;
  }

  /**
   * An event about an order this module has not recorded yet (its `order.created` still on its way: each
   * subscription runs on its own) is retried, never dropped as if the step were already passed.
   */
  private async mustBeRecorded(orderId: string): Promise<void> {
    const found: unknown[] = await this.txHost.tx.query('SELECT 1 FROM orders.orders WHERE id = $1', [orderId]);
    if (found.length === 0) throw new OrderNotRecordedYetError(`order ${orderId} is not recorded yet: retry once its order.created is`);
  }

  /** Orders newest first, one page from `after` on. */
  async list(filter: OrderFilter, limit: number, after?: PagePosition): Promise<Page<OrderSummary>> {
    const rows: OrderRow[] = await this.txHost.tx.query(
      `SELECT id, user_id, status, items, total_minor, currency, created_at, created_at::text AS position_at FROM orders.orders
       WHERE ($1::text IS NULL OR user_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::text))
       ORDER BY created_at DESC, id DESC LIMIT $5`,
      [filter.userId ?? null, filter.status ?? null, after?.at ?? null, after?.id ?? null, limit + 1],
    );
    return pageOf(
      rows,
      limit,
      (row) => ({ at: row.position_at, id: row.id }),
      (row) => ({
        orderId: row.id,
        userId: row.user_id,
        status: row.status,
        items: row.items,
        total: row.total_minor === null ? null : toDecimal(Number(row.total_minor), row.currency),
        currency: row.currency,
        createdAt: row.created_at.toISOString(),
      }),
    );
  }

  /** How many orders are in each status now (the statuses no order is in are left out). */
  async countByStatus(): Promise<Partial<Record<OrderStatus, number>>> {
    const rows: Array<{ status: OrderStatus; count: string }> = await this.txHost.tx.query('SELECT status, count(*) AS count FROM orders.orders GROUP BY status');
    return Object.fromEntries(rows.map(({ status, count }) => [status, Number(count)]));
  }

  /** The order and its timeline; with `userId`, only if that customer placed it (another's is "not found", not "forbidden"). */
  async find(orderId: string, userId?: string): Promise<OrderView> {
    const order = await this.txHost.tx.findOneBy(Order, userId === undefined ? { id: orderId } : { id: orderId, userId });
    if (!order) throw new OrderNotFoundError(`order ${orderId} not found`);
    return {
      orderId: order.id,
      userId: order.userId,
      status: order.status,
      items: order.items,
      total: order.totalMinor === null ? null : toDecimal(order.totalMinor, order.currency),
      currency: order.currency,
      createdAt: order.createdAt.toISOString(),
      timeline: await this.timeline.of(order.id),
    };
  }
}
