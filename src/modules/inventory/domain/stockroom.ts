import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EventData, Outbox, toDecimal } from '../../../events';
import type { OrderCreated } from '../../orders';
import { InventoryConfig, inventoryConfig } from '../inventory.config';
import { InventoryInsufficient, InventoryReleased, PaymentRequest } from '../inventory.events';
import { mergeBySku, planReservation, Shortage, StockLevel, StockLine } from './reservation-plan';

/**
 * Stock and reservations. The decision to take stock is made under row locks taken in SKU order, so two
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
    // Priced without locks: the rows are locked only by the last statement, which takes the stock.
    const plan = planReservation(lines, await this.levels(lines.map((line) => line.sku)));
    // One decision per order, whichever event delivered it: a second order.created for the same order changes nothing.
    const amountMinor = plan.kind === 'reserve' ? plan.amountMinor : null;
    if (!(await this.recordDecision(order.orderId, plan.kind === 'reserve' ? 'reserved' : 'insufficient', lines, amountMinor))) return;
    if (plan.kind === 'insufficient') return this.reportShortage(order, plan.missing);
    // Published before the stock is taken: the row locks that taking needs are then held only until the commit.
    const request = await this.outbox.publish(
      PaymentRequest,
      { orderId: order.orderId, userId: order.userId, amount: toDecimal(plan.amountMinor), currency: this.config.INVENTORY_CURRENCY, method: order.paymentMethod },
      order.orderId,
    );
    const missing = await this.takeAllOrNone(lines);
    if (missing.length === 0) return;
    await this.outbox.retract(request);
    await this.txHost.tx.query(`UPDATE inventory.reservations SET status = 'insufficient', amount_minor = NULL WHERE order_id = $1`, [order.orderId]);
    await this.reportShortage(order, missing);
  }

  private async reportShortage(order: EventData<typeof OrderCreated>, missing: Shortage[]): Promise<void> {
    await this.outbox.publish(InventoryInsufficient, { orderId: order.orderId, userId: order.userId, reason: 'insufficient stock', missing }, order.orderId);
  }

  /** Gives a reservation back to stock, once. */
  async releaseStock(orderId: string): Promise<void> {
    const [rows] = (await this.txHost.tx.query(
      `UPDATE inventory.reservations SET status = 'released', released_at = now() WHERE order_id = $1 AND status = 'reserved' RETURNING items`,
      [orderId],
    )) as [{ items: StockLine[] }[], number];
    if (rows.length === 0) return;
    const lines = mergeBySku(rows[0].items);
    await this.levels(lines.map((line) => line.sku), true);
    await this.adjust(lines, +1);
    await this.outbox.publish(InventoryReleased, { orderId, items: lines }, orderId);
  }

  private async levels(skus: string[], lock = false): Promise<StockLevel[]> {
    const rows: { sku: string; available: number; price_minor: string }[] = await this.txHost.tx.query(
      `SELECT sku, available, price_minor FROM inventory.stock WHERE sku = ANY($1::text[]) ORDER BY sku ${lock ? 'FOR UPDATE' : ''}`,
      [skus],
    );
    return rows.map((row) => ({ sku: row.sku, available: row.available, priceMinor: Number(row.price_minor) }));
  }

  /**
   * In one statement: lock the rows (in SKU order, so concurrent reservations never deadlock), check every
   * line, and take them all only if every line fits. Returns what is missing (empty: all taken).
   */
  private async takeAllOrNone(lines: StockLine[]): Promise<Shortage[]> {
    const rows: Array<Shortage & { fits: boolean }> = await this.txHost.tx.query(
      `WITH wanted AS (SELECT * FROM unnest($1::text[], $2::int[]) AS w(sku, quantity)),
            locked AS (SELECT s.sku, s.available FROM inventory.stock s JOIN wanted w USING (sku) ORDER BY s.sku FOR UPDATE OF s),
            checked AS (SELECT w.sku, w.quantity, coalesce(l.available, 0) AS available FROM wanted w LEFT JOIN locked l USING (sku)),
            decision AS (SELECT bool_and(available >= quantity) AS fits FROM checked),
            taken AS (UPDATE inventory.stock s SET available = s.available - c.quantity, updated_at = now()
                      FROM checked c, decision d WHERE d.fits AND s.sku = c.sku RETURNING s.sku)
       SELECT c.sku, c.quantity AS requested, c.available, d.fits FROM checked c, decision d ORDER BY c.sku`,
      [lines.map((line) => line.sku), lines.map((line) => line.quantity)],
    );
    return rows[0]?.fits ? [] : rows.filter((row) => row.available < row.requested).map(({ sku, requested, available }) => ({ sku, requested, available }));
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
