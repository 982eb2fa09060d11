import { Injectable } from '@nestjs/common';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { randomUUID } from 'node:crypto';
import { EventData, EventLog, Outbox, TimelineEntry, toDecimal, toMinorUnits } from '../../../events';
import { OrderCreated } from '../orders.events';
import { Order, OrderLine } from './order.entity';
import { OrderNotFoundError } from './order-not-found.error';
import { OrderStatus, reachableFrom } from './order-status';

export interface PlaceOrder {
  userId: string;
  items: { sku: string; quantity: number }[];
  paymentMethod?: string;
}

export interface OrderView {
  orderId: string;
  userId: string;
  status: OrderStatus;
  items: OrderLine[];
  total: string | null;
  currency: string;
  createdAt: string;
  timeline: TimelineEntry[];
}

/** The orders this service has taken and the status each has reached. */
@Injectable()
export class OrderBook {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly outbox: Outbox,
    private readonly eventLog: EventLog,
  ) {}

  @Transactional()
  async placeOrder(command: PlaceOrder): Promise<{ orderId: string; status: OrderStatus }> {
    const order = await this.insert({ orderId: randomUUID(), userId: command.userId, items: command.items, currency: 'USD', paymentMethod: command.paymentMethod ?? 'card' });
    await this.outbox.publish(OrderCreated, { orderId: order.id, userId: order.userId, items: order.items, currency: order.currency, status: order.status, createdAt: order.createdAt.toISOString(), paymentMethod: order.paymentMethod }, order.id);
    return { orderId: order.id, status: order.status };
  }

  /** An order placed elsewhere (an `order.created` from outside): recorded once, so it can be followed here too. */
  async recordOrder(data: EventData<typeof OrderCreated>): Promise<void> {
    await this.txHost.tx
      .createQueryBuilder()
      .insert()
      .into(Order)
      .values({ id: data.orderId, userId: data.userId, status: 'pending', items: data.items, totalMinor: data.total ? toMinorUnits(data.total) : null, currency: data.currency, paymentMethod: data.paymentMethod })
      .orIgnore()
      .execute();
  }

  /** Moves the order forward; a transition it has already passed is ignored (events may arrive late). */
  async advance(orderId: string, to: OrderStatus, totalMinor?: number): Promise<void> {
    const values: Partial<Order> = totalMinor === undefined ? { status: to } : { status: to, totalMinor };
    await this.txHost.tx
      .createQueryBuilder()
      .update(Order)
      .set(values)
      .where('id = :orderId AND status IN (:...from)', { orderId, from: reachableFrom(to) })
      .execute();
  }

  async find(orderId: string): Promise<OrderView> {
    const order = await this.txHost.tx.findOneBy(Order, { id: orderId });
    if (!order) throw new OrderNotFoundError(`order ${orderId} not found`);
    return {
      orderId: order.id,
      userId: order.userId,
      status: order.status,
      items: order.items,
      total: order.totalMinor === null ? null : toDecimal(order.totalMinor),
      currency: order.currency,
      createdAt: order.createdAt.toISOString(),
      timeline: await this.eventLog.about(order.id),
    };
  }

  private async insert(values: { orderId: string; userId: string; items: OrderLine[]; currency: string; paymentMethod: string }): Promise<Order> {
    const order = this.txHost.tx.create(Order, { id: values.orderId, userId: values.userId, status: 'pending', items: values.items, totalMinor: null, currency: values.currency, paymentMethod: values.paymentMethod });
    await this.txHost.tx.insert(Order, order);
    return order;
  }
}
