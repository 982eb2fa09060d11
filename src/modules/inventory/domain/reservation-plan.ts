export interface StockLine {
  sku: string;
  quantity: number;
}

export interface Shortage {
  sku: string;
  requested: number;
  available: number;
}

/** What reserving an order's stock decided: all of it at this price, or none, and what was short. */
export type ReservationPlan = { kind: 'reserve'; amountMinor: number } | { kind: 'insufficient'; missing: Shortage[] };

/** One line per SKU, sorted: the order rows are locked in, so concurrent reservations never deadlock. */
export function mergeBySku(items: readonly StockLine[]): StockLine[] {
  const totals = new Map<string, number>();
  for (const { sku, quantity } of items) totals.set(sku, (totals.get(sku) ?? 0) + quantity);
  return [...totals].map(([sku, quantity]) => ({ sku, quantity })).sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}
