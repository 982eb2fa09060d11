import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EventData, Outbox } from '../../../events';
import { toDecimal } from '../../../kernel/money';
import type { OrderCreated } from '../../orders';
import { InventoryConfig, inventoryConfig } from '../inventory.config';
import { InventoryInsufficient, InventoryReleased, PaymentRequest } from '../inventory.events';
import { mergeBySku, ReservationPlan, Shortage, StockLine } from './reservation-plan';

/**
 * Stock and reservations. The decision to take stock is made under row locks taken in SKU order, so two
 * orders racing for the last units serialise instead of both succeeding; CHECK (available >= 0) backs it.
 */
@Injectable()
export class Stockroom {
  /** The highest SKU each open transaction (by its entity manager) holds a stock row lock on. */
  private readonly highestLocked = new WeakMap<object, string>();

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly outbox: Outbox,
    @Inject(inventoryConfig.KEY) private readonly config: InventoryConfig,
  ) {}

  async reserveStock(order: EventData<typeof OrderCreated>): Promise<void> {
    const plan = await this.takeAllOrNone(order.orderId, mergeBySku(order.items));
    // One decision per order, whichever event delivered it: a second order.created for the same order changes nothing.
    if (!plan) return;
    if (plan.kind === 'insufficient') return this.reportShortage(order, plan.missing);
    await this.outbox.publish(
      PaymentRequest,
      { orderId: order.orderId, userId: order.userId, amount: toDecimal(plan.amountMinor, this.config.INVENTORY_CURRENCY), currency: this.config.INVENTORY_CURRENCY, method: order.paymentMethod },
      order.orderId,
    );
  }

  private async reportShortage(order: EventData<typeof OrderCreated>, missing: Shortage[]): Promise<void> {
    await this.outbox.publish(InventoryInsufficient, { orderId: order.orderId, userId: order.userId, reason: 'insufficient stock', missing }, order.orderId);
  }

  /** The order is paid: its reservation is sold, and no failed result (late, duplicate or forged) can release it any more. */
  async markSold(orderId: string): Promise<void> {
    await this.txHost.tx.query(`UPDATE inventory.reservations SET status = 'sold', sold_at = now() WHERE order_id = $1 AND status = 'reserved'`, [orderId]);
  }

  /** Gives a reservation back to stock, once, unless it was sold. */
  async releaseStock(orderId: string): Promise<void> {
    const [rows] = (await this.txHost.tx.query(`UPDATE inventory.reservations SET status = 'released', released_at = now() WHERE order_id = $1 AND status = 'reserved' RETURNING items`, [orderId])) as [
      { items: StockLine[] }[],
      number,
    ];
    if (rows.length === 0) return;
    const lines = mergeBySku(rows[0].items);
    await this.lockInSkuOrder(lines.map((line) => line.sku));
    await this.adjust(lines, +1);
    await this.outbox.publish(InventoryReleased, { orderId, items: lines }, orderId);
  }

  /** Row locks in SKU order before changing several rows, as every reservation takes them: no deadlocks. */
  private async lockInSkuOrder(skus: string[]): Promise<void> {
    await this.locking(skus, (wait) => this.txHost.tx.query(`SELECT sku FROM inventory.stock WHERE sku = ANY($1::text[]) ORDER BY sku COLLATE "C" FOR UPDATE ${wait}`, [skus]));
  }

  /**
   * Runs a statement that locks stock rows in SKU order (byte order, as `COLLATE "C"` sorts), telling it whether
   * it may wait for them. Events that queue up share a transaction (ADR 9), so a transaction may already hold rows
   * when it locks the next order's: waiting for a SKU below one it holds could close a cycle with another
   * transaction (a deadlock), so that statement does not wait (`NOWAIT`) and, when a row is busy, fails with
   * 55P03, on which the delivery runs again in a transaction of its own. Every wait is then for a SKU above all
   * the waiter holds: no cycle can form.
   */
  private async locking<T>(skus: string[], statement: (wait: 'NOWAIT' | '') => Promise<T>): Promise<T> {
    // Outside a transaction a statement's locks end with it; and the entity manager there is shared by everyone.
    if (!this.txHost.isTransactionActive()) return statement('');
    const tx = this.txHost.tx;
    const highest = this.highestLocked.get(tx);
    const result = await statement(highest !== undefined && skus.some((sku) => byteOrder(sku, highest) < 0) ? 'NOWAIT' : '');
    this.highestLocked.set(
      tx,
      skus.reduce((top, sku) => (byteOrder(sku, top) > 0 ? sku : top), highest ?? ''),
    );
    return result;
  }

  /**
   * In one statement, so the locks are held for a single round trip before the commit: lock the rows (in SKU
   * order, so concurrent reservations never deadlock), check and price every line, record the decision once
   * per order, and take the stock only if every line fits. Undefined when the order was decided before.
   */
  private async takeAllOrNone(orderId: string, lines: StockLine[]): Promise<ReservationPlan | undefined> {
    const rows: Array<Shortage & { fits: boolean; amount_minor: string | null; recorded: boolean }> = await this.locking(
      lines.map((line) => line.sku),
      (wait) =>
        this.txHost.tx.query(
          `WITH wanted AS (SELECT * FROM unnest($2::text[], $3::int[]) AS w(sku, quantity)),
            locked AS (SELECT s.sku, s.available, s.price_minor FROM inventory.stock s JOIN wanted w USING (sku) ORDER BY s.sku COLLATE "C" FOR UPDATE OF s ${wait}),
            checked AS (SELECT w.sku, w.quantity, coalesce(l.available, 0) AS available, l.price_minor FROM wanted w LEFT JOIN locked l USING (sku)),
            decision AS (SELECT bool_and(available >= quantity) AS fits, sum(price_minor * quantity) AS amount_minor FROM checked),
            recorded AS (INSERT INTO inventory.reservations (order_id, status, items, amount_minor)
                         SELECT $1, CASE WHEN fits THEN 'reserved' ELSE 'insufficient' END, $4, CASE WHEN fits THEN amount_minor END FROM decision
                         ON CONFLICT DO NOTHING RETURNING status),
            taken AS (UPDATE inventory.stock s SET available = s.available - c.quantity, updated_at = now()
                      FROM checked c, recorded r WHERE r.status = 'reserved' AND s.sku = c.sku RETURNING s.sku)
       SELECT c.sku, c.quantity AS requested, c.available, d.fits, d.amount_minor, EXISTS (SELECT FROM recorded) AS recorded
       FROM checked c, decision d ORDER BY c.sku`,
          [orderId, lines.map((line) => line.sku), lines.map((line) => line.quantity), JSON.stringify(lines)],
        ),
    );
    if (!rows[0]?.recorded) return undefined;
    if (rows[0].fits) return { kind: 'reserve', amountMinor: Number(rows[0].amount_minor) };
    return { kind: 'insufficient', missing: rows.filter((row) => row.available < row.requested).map(({ sku, requested, available }) => ({ sku, requested, available })) };
  }

  private async adjust(lines: StockLine[], sign: 1 | -1): Promise<void> {
    await this.txHost.tx.query(
      `UPDATE inventory.stock s SET available = s.available + $3 * l.quantity, updated_at = now()
       FROM unnest($1::text[], $2::int[]) AS l(sku, quantity) WHERE s.sku = l.sku`,
      [lines.map((line) => line.sku), lines.map((line) => line.quantity), sign],
    );
  }
}

/** Compares SKUs as Postgres' "C" collation does: by their UTF-8 bytes. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
