import type { QuietHours } from './settings.js';

/**
 * Whether a local time of day falls in quiet hours. `hour` is the customer's local hour,
 * fractional for minutes (23:10 → 23 + 10/60); the window runs from start:00 up to, not
 * including, end:00, and wraps past midnight when start > end (21–8: 21:00 … 07:59).
 */
export function isQuietHour(quiet: QuietHours | null, hour: number): boolean {
  if (quiet === null) return false;
  return quiet.start < quiet.end
    ? hour >= quiet.start && hour < quiet.end
    : hour >= quiet.start || hour < quiet.end;
}

const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** "23:10" for 23 + 10/60 (the epsilon absorbs float error in hour + minute / 60). */
export function formatLocalHour(hour: number): string {
  const minutes = Math.floor(hour * 60 + 1e-6);
  return `${pad(Math.floor(minutes / 60) % 24)}:${pad(minutes % 60)}`;
}

/** "21:00–08:00". */
export function formatQuietHours(quiet: QuietHours): string {
  return `${formatLocalHour(quiet.start)}–${formatLocalHour(quiet.end)}`;
}
