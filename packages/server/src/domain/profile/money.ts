import { asNumber } from './coerce.js';

/** Larger amounts are bugs (a timestamp in the price field) and would overflow sums to Infinity. */
export const MAX_AMOUNT = 1e12;

/** A usable money amount: finite, not negative, not absurd ("19.99" is fine); else null. */
export function asAmount(value: unknown): number | null {
  const n = asNumber(value);
  return n !== null && n >= 0 && n <= MAX_AMOUNT ? n : null;
}

/**
 * Rounds to cents. Sums of float prices drift (0.1 + 0.2), and the drift would otherwise show
 * up in the console as 59.980000000000004. Rounds half away from zero; never returns -0 or a
 * non-finite number.
 */
export function roundCents(amount: number): number {
  const rounded = (Math.sign(amount) * Math.round(Math.abs(amount) * 100 + 1e-7)) / 100;
  return rounded === 0 || !Number.isFinite(rounded) ? 0 : rounded;
}
