import { DAY_MS, epochDay, parseIsoParts } from './calendar-date.js';
import { zonedTimeToEpoch } from './time-zone.js';

const END_OF_DAY = { hour: 23, minute: 59, second: 59, millisecond: 999 };
/** Epoch-ms numbers are accepted only in this range (2000–2100), to catch seconds-vs-ms mix-ups. */
const MIN_MS = 946_684_800_000;
const MAX_MS = 4_102_444_800_000;

/**
 * The instant an order was promised by, from `promised_delivery_date`. A date alone means "by
 * the end of that day" for the customer, so it is read in their time zone (UTC when unknown);
 * a date-time without an offset is likewise local to them. Null when unreadable.
 */
export function parsePromisedDate(value: unknown, timeZone: string | null): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= MIN_MS && value < MAX_MS ? value : null;
  if (typeof value !== 'string') return null;
  const parts = parseIsoParts(value);
  if (parts === null || parts.date.year < 2000 || parts.date.year >= 2100) return null;
  const local = { ...parts.date, ...(parts.time ?? END_OF_DAY) };
  const asIfUtc =
    epochDay(local.year, local.month, local.day) * DAY_MS +
    ((local.hour * 60 + local.minute) * 60 + local.second) * 1000 +
    local.millisecond;
  if (parts.offsetMinutes !== null) return asIfUtc - parts.offsetMinutes * 60_000;
  return timeZone === null ? asIfUtc : zonedTimeToEpoch(local, timeZone);
}
