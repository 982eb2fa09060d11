import { z } from 'zod';

/**
 * Money travels in events as a decimal string with at most two fraction digits ("59.98") and is
 * computed as integer minor units: never as a binary float. JSON numbers are accepted on the way in
 * (the reference Order shape uses them) only when their shortest text form is such a decimal.
 */
const DECIMAL = /^(0|[1-9]\d{0,12})(\.\d{1,2})?$/;

export const MoneyAmount = z
  .union([z.string(), z.number()])
  .transform((value) => (typeof value === 'number' ? String(value) : value))
  .pipe(z.string().regex(DECIMAL, 'must be a non-negative amount with at most two decimals, e.g. "59.98"'))
  .transform((value) => toDecimal(toMinorUnits(value)));

export const Currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "USD"');

export function toMinorUnits(decimal: string): number {
  const [whole, fraction = ''] = decimal.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

export function toDecimal(minorUnits: number): string {
  if (!Number.isSafeInteger(minorUnits) || minorUnits < 0) throw new RangeError(`not an amount in minor units: ${minorUnits}`);
  const cents = String(minorUnits % 100).padStart(2, '0');
  return `${Math.floor(minorUnits / 100)}.${cents}`;
}
