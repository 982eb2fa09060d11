import { mergeBySku } from './reservation-plan';

describe('order lines by SKU', () => {
  it('adds up repeated lines of one SKU, so stock is checked against the total', () => {
    expect(
      mergeBySku([
        { sku: 'A', quantity: 3 },
        { sku: 'B', quantity: 1 },
        { sku: 'A', quantity: 2 },
      ]),
    ).toEqual([
      { sku: 'A', quantity: 5 },
      { sku: 'B', quantity: 1 },
    ]);
  });

  it('sorts by SKU, the order every reservation locks rows in', () => {
    expect(
      mergeBySku([
        { sku: 'SKU-003', quantity: 1 },
        { sku: 'SKU-001', quantity: 1 },
        { sku: 'SKU-002', quantity: 1 },
      ]).map((line) => line.sku),
    ).toEqual(['SKU-001', 'SKU-002', 'SKU-003']);
  });
});
