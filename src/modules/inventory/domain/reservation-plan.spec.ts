import { planReservation } from './reservation-plan';

const levels = [
  { sku: 'A', available: 5, priceMinor: 1999 },
  { sku: 'B', available: 1, priceMinor: 500 },
];

describe('reservation plan', () => {
  it('reserves every item and prices the order from the catalog', () => {
    expect(planReservation([{ sku: 'B', quantity: 1 }, { sku: 'A', quantity: 2 }], levels)).toEqual({
      kind: 'reserve',
      lines: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }],
      amountMinor: 2 * 1999 + 500,
    });
  });

  it('reserves nothing when one item is short, naming what is missing', () => {
    expect(planReservation([{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 2 }], levels)).toEqual({
      kind: 'insufficient',
      missing: [{ sku: 'B', requested: 2, available: 1 }],
    });
  });

  it('adds up repeated lines of one SKU before checking stock', () => {
    expect(planReservation([{ sku: 'A', quantity: 3 }, { sku: 'A', quantity: 3 }], levels).kind).toBe('insufficient');
  });

  it('treats an unknown SKU as out of stock', () => {
    expect(planReservation([{ sku: 'Z', quantity: 1 }], levels)).toEqual({ kind: 'insufficient', missing: [{ sku: 'Z', requested: 1, available: 0 }] });
  });
});
