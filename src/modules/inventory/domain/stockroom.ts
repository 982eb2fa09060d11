import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EventData, Outbox, toDecimal } from '../../../events';
import type { OrderCreated } from '../../orders';
import { InventoryConfig, inventoryConfig } from '../inventory.config';
import { InventoryInsufficient, InventoryReleased, PaymentRequest } from '../inventory.events';
import { mergeBySku, planReservation, StockLevel, StockLine } from './reservation-plan';

/**
 * Stock and reservations. Rows are locked in SKU order (FOR UPDATE) before anything is decided, so two
 * orders racing for the last units serialise instead of both succeeding; CHECK (available >= 0) backs it.
 */
@Injectable()
export class Stockroom {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly outbox: Outbox,
    @Inject(inventoryConfig.KEY) private readonly config: InventoryConfig,
  ) {}

  async reserveStock(order: EventData<typeof OrderCreated>): Promise<void> {
    const lines = mergeBySku(order.items);
    const plan = planReservation(lines, await this.lockLevels(lines.map((line) => line.sku)));
    const status = plan.kind === 'reserve' ? 'reserved' : 'insufficient';
    // One decision per order, whichever event delivered it: a second order.created for the same order changes nothing.
    if (!(await this.recordDecision(order.orderId, status, lines, plan.kind === 'reserve' ? plan.amountMinor : null))) return;
    if (plan.kind === 'insufficient') {
      await this.outbox.publish(InventoryInsufficient, { orderId: order.orderId, userId: order.userId, reason: 'insufficient stock', missing: plan.missing }, order.orderId);
      return;
    }
    await this.adjust(plan.lines, -1);
    await this.outbox.publish(
      PaymentRequest,
      { orderId: order.orderId, userId: order.userId, amount: toDecimal(plan.amountMinor), currency: this.config.INVENTORY_CURRENCY, method: order.paymentMethod },
      order.orderId,
    );
  }

  /** Gives a reservation back to stock, once. */
  async releaseStock(orderId: string): Promise<void> {
    const [rows] = (await this.txHost.tx.query(
      `UPDATE inventory.reservations SET status = 'released', released_at = now() WHERE order_id = $1 AND status = 'reserved' RETURNING items`,
      [orderId],
    )) as [{ items: StockLine[] }[], number];
    if (rows.length === 0) return;
    const lines = mergeBySku(rows[0].items);
    await this.lockLevels(lines.map((line) => line.sku));
    await this.adjust(lines, +1);
    await this.outbox.publish(InventoryReleased, { orderId, items: lines }, orderId);
  }

  private async lockLevels(skus: string[]): Promise<StockLevel[]> {
    const rows: { sku: string; available: number; price_minor: string }[] = await this.txHost.tx.query(
      'SELECT sku, available, price_minor FROM inventory.stock WHERE sku = ANY($1::text[]) ORDER BY sku FOR UPDATE',
      [skus],
    );
    return rows.map((row) => ({ sku: row.sku, available: row.available, priceMinor: Number(row.price_minor) }));
  }

  private async recordDecision(orderId: string, status: string, lines: StockLine[], amountMinor: number | null): Promise<boolean> {
    const rows: unknown[] = await this.txHost.tx.query(
      `INSERT INTO inventory.reservations (order_id, status, items, amount_minor) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1`,
      [orderId, status, JSON.stringify(lines), amountMinor],
    );
    return rows.length === 1;
  }

  private async adjust(lines: StockLine[], sign: 1 | -1): Promise<void> {
    await this.txHost.tx.query(
      `UPDATE inventory.stock s SET available = s.available + $3 * l.quantity, updated_at = now()
       FROM unnest($1::text[], $2::int[]) AS l(sku, quantity) WHERE s.sku = l.sku`,
      [lines.map((line) => line.sku), lines.map((line) => line.quantity), sign],
    );
  }
}
