import { amountsInCurrency, MoneyAmount, minorDigits, toDecimal, toMinorUnits } from './money';
import { z } from 'zod';

describe('money', () => {
  it('parses decimal strings and JSON numbers as they are written', () => {
    expect(MoneyAmount.parse('59.98')).toBe('59.98');
    expect(MoneyAmount.parse(29.9)).toBe('29.9');
    expect(MoneyAmount.parse(1200)).toBe('1200');
  });

  it('rejects binary-float artefacts, negatives and exponents', () => {
    expect(MoneyAmount.safeParse(0.1 + 0.2).success).toBe(false);
    expect(MoneyAmount.safeParse('-1.00').success).toBe(false);
    expect(MoneyAmount.safeParse(1e21).success).toBe(false);
  });

  it("knows each currency's minor units from ISO 4217: USD 2, JPY 0, BHD 3", () => {
    expect([minorDigits('USD'), minorDigits('JPY'), minorDigits('BHD'), minorDigits('KWD')]).toEqual([2, 0, 3, 3]);
  });

  it('answers as ICU does (Intl.NumberFormat) for every three-letter code, in either case', () => {
    const letters = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
    const codes = letters.flatMap((a) => letters.flatMap((b) => letters.map((c) => a + b + c)));
    const icu = (code: string) => new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits;
    expect(codes.filter((code) => minorDigits(code) !== icu(code))).toEqual([]);
    expect([minorDigits('jpy'), minorDigits('Bhd')]).toEqual([icu('jpy'), icu('Bhd')]);
  });

  it('refuses what is not a currency code, as Intl does', () => {
    for (const code of ['US', 'USDX', '', 'U$D']) {
      expect(() => new Intl.NumberFormat('en', { style: 'currency', currency: code })).toThrow(RangeError);
      expect(() => minorDigits(code)).toThrow(RangeError);
    }
  });

  it.each([
    ['USD', '19.99', 1999, '19.99'],
    ['USD', '29.9', 2990, '29.90'],
    ['JPY', '1200', 1200, '1200'],
    ['JPY', '1200.00', 1200, '1200'],
    ['BHD', '1.25', 1250, '1.250'],
    ['BHD', '0.005', 5, '0.005'],
  ])('in %s, %s is %d minor units and reads back as %s', (currency, decimal, minor, text) => {
    expect(toMinorUnits(decimal, currency)).toBe(minor);
    expect(toDecimal(minor, currency)).toBe(text);
  });

  it('refuses an amount with more fraction digits than its currency has', () => {
    expect(() => toMinorUnits('1.5', 'JPY')).toThrow(expect.objectContaining({ code: 'MONEY_AMOUNT_INVALID', kind: 'invalid' }));
    expect(() => toMinorUnits('1.234', 'USD')).toThrow("1.234 has more fraction digits than USD's 2");
  });

  it("checks an event's amounts against its currency", () => {
    const Priced = z.object({ amount: MoneyAmount, currency: z.string() }).superRefine(amountsInCurrency((value) => [value.amount]));
    expect(Priced.safeParse({ amount: '1.250', currency: 'BHD' }).success).toBe(true);
    expect(Priced.safeParse({ amount: '12.5', currency: 'JPY' }).error?.issues[0]).toMatchObject({ path: ['currency'], message: expect.stringContaining("JPY's 0") });
  });

  it('round-trips minor units without loss', () => {
    expect(toMinorUnits('19.99', 'USD') * 3).toBe(5997);
    expect(toDecimal(5997, 'USD')).toBe('59.97');
    expect(toDecimal(toMinorUnits('0.07', 'USD'), 'USD')).toBe('0.07');
  });
});
