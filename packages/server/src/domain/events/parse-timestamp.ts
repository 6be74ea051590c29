/**
 * Strict ISO-8601 timestamps for the tracking API.
 *
 * Accepted shapes (one linear scan, no regex, no Date.parse):
 *   YYYY-MM-DD                                  UTC midnight
 *   YYYY-MM-DD(T| )HH:MM[:SS[.f…]](Z|±HH:MM)    a time zone is required
 *
 * We check every field ourselves because Date.parse is lenient in engine-specific ways
 * (V8 turns 2023-02-30 into 2 March), and a silently shifted timestamp is worse than a
 * clear rejection. Fractions are truncated to milliseconds, not rounded, so .9999 never
 * carries into the next second. Leap seconds (:60) and 24:00 are refused: no JS client
 * produces them, and Date would roll them over.
 */

/** Why a value is not a usable timestamp; the strings are the matching issue codes. */
export type TimestampProblem = 'invalid_timestamp' | 'timestamp_out_of_range';

/** 2000-01-01T00:00:00Z: anything earlier is a broken client clock or a unit mix-up. */
export const MIN_TIMESTAMP_MS = 946_684_800_000;
/** 2100-01-01T00:00:00Z (exclusive). */
export const MAX_TIMESTAMP_MS = 4_102_444_800_000;

/**
 * Epoch milliseconds for a strict ISO-8601 string, or the reason it is refused. Returning a
 * string literal instead of a result object keeps the hot path allocation-free:
 * `typeof r === 'number'` tells success apart.
 */
export function parseTimestamp(value: unknown): number | TimestampProblem {
  if (typeof value !== 'string') return 'invalid_timestamp';
  const s = value;
  const len = s.length;
  if (len < 10) return 'invalid_timestamp';

  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (year < 0 || month < 0 || day < 0) return 'invalid_timestamp';
  if (s.charCodeAt(4) !== DASH || s.charCodeAt(7) !== DASH) return 'invalid_timestamp';
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return 'invalid_timestamp';

  let hour = 0;
  let minute = 0;
  let second = 0;
  let millis = 0;
  let offsetMinutes = 0;

  if (len !== 10) {
    const sep = s.charCodeAt(10);
    if (sep !== UPPER_T && sep !== SPACE) return 'invalid_timestamp';
    hour = digits(s, 11, 2);
    minute = digits(s, 14, 2);
    if (hour < 0 || minute < 0 || s.charCodeAt(13) !== COLON) return 'invalid_timestamp';
    if (hour > 23 || minute > 59) return 'invalid_timestamp';
    let pos = 16;

    if (s.charCodeAt(pos) === COLON) {
      second = digits(s, pos + 1, 2);
      if (second < 0 || second > 59) return 'invalid_timestamp';
      pos += 3;
      if (s.charCodeAt(pos) === DOT) {
        pos++;
        const start = pos;
        // Keep the first three digits as milliseconds; later digits only need to be digits.
        while (pos < len) {
          const d = s.charCodeAt(pos) - ZERO;
          if (d < 0 || d > 9) break;
          if (pos - start < 3) millis = millis * 10 + d;
          pos++;
        }
        const count = pos - start;
        if (count === 0) return 'invalid_timestamp';
        if (count === 1) millis *= 100;
        else if (count === 2) millis *= 10;
      }
    }

    const zone = s.charCodeAt(pos);
    if (zone === UPPER_Z) {
      if (pos + 1 !== len) return 'invalid_timestamp';
    } else if (zone === PLUS || zone === DASH) {
      if (pos + 6 !== len || s.charCodeAt(pos + 3) !== COLON) return 'invalid_timestamp';
      const oh = digits(s, pos + 1, 2);
      const om = digits(s, pos + 4, 2);
      if (oh < 0 || om < 0 || oh > 23 || om > 59) return 'invalid_timestamp';
      offsetMinutes = (zone === PLUS ? 1 : -1) * (oh * 60 + om);
    } else {
      // No zone (a local time we cannot place) or trailing garbage.
      return 'invalid_timestamp';
    }
  }

  // Date.UTC maps years 0-99 to 1900-1999; harmless here because any year before 2000 is
  // out of range either way.
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  if (ms < MIN_TIMESTAMP_MS || ms >= MAX_TIMESTAMP_MS) return 'timestamp_out_of_range';
  return ms;
}

const ZERO = 48;
const DASH = 45;
const PLUS = 43;
const COLON = 58;
const DOT = 46;
const SPACE = 32;
const UPPER_T = 84;
const UPPER_Z = 90;

/** The non-negative integer in s[start, start+count), or -1 if any character is not a digit. */
function digits(s: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const d = s.charCodeAt(i) - ZERO; // NaN past the end: fails the range test below
    if (!(d >= 0 && d <= 9)) return -1;
    n = n * 10 + d;
  }
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
