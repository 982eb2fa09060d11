import { z } from 'zod';
import { AppError } from './errors';

/**
 * Money travels in events as a decimal string ("59.98", "1200", "1.250") and is computed as integer minor
 * units of its currency: never as a binary float. How many fraction digits a currency has (USD 2, JPY 0,
 * BHD 3) is ISO 4217's, as ICU's data carries it (a copy below). JSON numbers are accepted
 * on the way in (the reference Order shape uses them) only when their shortest text form is such a decimal.
 */
const DECIMAL = /^(0|[1-9]\d{0,12})(\.\d{1,4})?$/;

/** An amount with more fraction digits than its currency has: it cannot be charged exactly. */
export class AmountNotInCurrencyError extends AppError {
  readonly code = 'MONEY_AMOUNT_INVALID';
  readonly kind = 'invalid' as const;
}

export const MoneyAmount = z
  .union([z.string(), z.number()])
  .transform((value) => (typeof value === 'number' ? String(value) : value))
  .pipe(z.string().regex(DECIMAL, 'must be a non-negative decimal amount, e.g. "59.98"'));

export const Currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "USD"');

/**
 * The codes whose minor units are not 2, as ICU 78.3 (CLDR 48, Node 24) answers: money.spec.ts holds this to
 * Intl.NumberFormat for every three-letter code, so an ICU update that moves one fails the suite. A table
 * rather than Intl at run time: a process's first Intl.NumberFormat loads ICU's number data, ~10 ms of a
 * Service's cold start (docs/performance.md).
 */
const MINOR_DIGITS_NOT_TWO = new Map<string, number>([
  ...digits(0, 'ADP AFN ALL BIF BYR CLP COP DJF ESP GNF HUF IDR IQD IRR ISK ITL JPY KMF KPW KRW LAK LBP LUF MGA MGF MMK'),
  ...digits(0, 'MRO PKR PYG RWF SLL SOS STD SYP TMM TRL UGX UYI VND VUV XAF XOF XPF YER ZMK ZWD'),
  ...digits(3, 'BHD JOD KWD LYD OMR TND'),
  ...digits(4, 'CLF UYW'),
]);

function digits(count: number, codes: string): [string, number][] {
  return codes.split(' ').map((code) => [code, count]);
}

/** The currency's minor-unit digits (ISO 4217, as ICU has them): 2 for USD, 0 for JPY, 3 for BHD. */
export function minorDigits(currency: string): number {
  if (!/^[A-Za-z]{3}$/.test(currency)) throw new RangeError(`not a currency code: ${currency}`);
  return MINOR_DIGITS_NOT_TWO.get(currency.toUpperCase()) ?? 2;
}

/** The amount in minor units; fraction digits past the currency's are allowed only as zeros ("100.00" JPY is 100). */
export function toMinorUnits(decimal: string, currency: string): number {
  const digits = minorDigits(currency);
  const [whole, fraction = ''] = decimal.split('.');
  if (/[1-9]/.test(fraction.slice(digits))) throw new AmountNotInCurrencyError(`${decimal} has more fraction digits than ${currency}'s ${digits}`);
  return Number(whole) * 10 ** digits + Number(fraction.slice(0, digits).padEnd(digits, '0'));
}

/** The decimal text of an amount in minor units, with exactly the currency's fraction digits. */
export function toDecimal(minorUnits: number, currency: string): string {
  if (!Number.isSafeInteger(minorUnits) || minorUnits < 0) throw new RangeError(`not an amount in minor units: ${minorUnits}`);
  const digits = minorDigits(currency);
  if (digits === 0) return String(minorUnits);
  const text = String(minorUnits).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/**
 * A zod check for an event whose amounts are in its `currency` field: an amount its currency cannot hold
 * is refused at the edge (400), not found later by a handler.
 */
export function amountsInCurrency<T extends { currency?: string }>(amountsOf: (value: T) => (string | undefined)[]) {
  return (value: T, context: z.RefinementCtx): void => {
    const currency = value.currency;
    if (currency === undefined) return;
    for (const amount of amountsOf(value)) {
      if (amount === undefined) continue;
      try {
        toMinorUnits(amount, currency);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message, path: ['currency'] });
      }
    }
  };
}
