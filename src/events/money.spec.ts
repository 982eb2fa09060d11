import { MoneyAmount, toDecimal, toMinorUnits } from './money';

describe('money', () => {
  it('parses decimal strings and JSON numbers into exact two-digit decimals', () => {
    expect(MoneyAmount.parse('59.98')).toBe('59.98');
    expect(MoneyAmount.parse(29.9)).toBe('29.90');
    expect(MoneyAmount.parse(100)).toBe('100.00');
  });

  it('rejects binary-float artefacts, negatives and more than two decimals', () => {
    expect(MoneyAmount.safeParse(0.1 + 0.2).success).toBe(false);
    expect(MoneyAmount.safeParse('-1.00').success).toBe(false);
    expect(MoneyAmount.safeParse('1.234').success).toBe(false);
  });

  it('round-trips minor units without loss', () => {
    expect(toMinorUnits('19.99') * 3).toBe(5997);
    expect(toDecimal(5997)).toBe('59.97');
    expect(toDecimal(toMinorUnits('0.07'))).toBe('0.07');
  });
});
