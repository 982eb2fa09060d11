export interface StockLine {
  sku: string;
  quantity: number;
}

export interface StockLevel {
  sku: string;
  available: number;
  priceMinor: number;
}

export interface Shortage {
  sku: string;
  requested: number;
  available: number;
}

export type ReservationPlan =
  | { kind: 'reserve'; lines: StockLine[]; amountMinor: number }
  | { kind: 'insufficient'; missing: Shortage[] };

/** All items or none: the plan reserves only when every SKU has enough stock. Pure, so it is tested without a database. */
export function planReservation(items: readonly StockLine[], levels: readonly StockLevel[]): ReservationPlan {
  const lines = mergeBySku(items);
  const bySku = new Map(levels.map((level) => [level.sku, level]));
  const missing = lines
    .map(({ sku, quantity }) => ({ sku, requested: quantity, available: bySku.get(sku)?.available ?? 0 }))
    .filter((line) => line.available < line.requested);
  if (missing.length > 0) return { kind: 'insufficient', missing };
  const amountMinor = lines.reduce((sum, { sku, quantity }) => sum + bySku.get(sku)!.priceMinor * quantity, 0);
  return { kind: 'reserve', lines, amountMinor };
}

/** One line per SKU, sorted: the order rows are locked in, so concurrent reservations never deadlock. */
export function mergeBySku(items: readonly StockLine[]): StockLine[] {
  const totals = new Map<string, number>();
  for (const { sku, quantity } of items) totals.set(sku, (totals.get(sku) ?? 0) + quantity);
  return [...totals].map(([sku, quantity]) => ({ sku, quantity })).sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}
