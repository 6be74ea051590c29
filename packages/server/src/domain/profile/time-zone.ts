import { epochDay } from './calendar-date.js';

/*
 * Time zone arithmetic with Intl (pure: it reads the bundled tz database, no I/O).
 *
 * Constructing an Intl.DateTimeFormat costs tens of microseconds, and analytics.js sends
 * context.timezone on every call, so validation results and formatters are memoised. The caches
 * hold only pure function results, so they do not make the callers impure; they are cleared
 * when full so a stream of junk zone names cannot grow them without bound.
 */

const CACHE_LIMIT = 1000;
const canonicalNames = new Map<string, string | null>();
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The canonical IANA name ("asia/tokyo" → "Asia/Tokyo"), or null if Intl does not know it. */
export function canonicalTimeZone(name: string): string | null {
  if (name === '' || name.length > 64) return null;
  const cached = canonicalNames.get(name);
  if (cached !== undefined) return cached;
  let canonical: string | null;
  try {
    canonical = new Intl.DateTimeFormat(undefined, { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    canonical = null;
  }
  if (canonicalNames.size >= CACHE_LIMIT) canonicalNames.clear();
  canonicalNames.set(name, canonical);
  return canonical;
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'long',
    });
    if (formatters.size >= CACHE_LIMIT) formatters.clear();
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Wall-clock fields of an instant in a time zone. */
export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: Weekday;
  /** Local time minus UTC, in minutes (Tokyo: +540). */
  utcOffsetMinutes: number;
}

/** Wall-clock fields of `epochMs` in `timeZone` (a name canonicalTimeZone accepted). */
export function zonedParts(epochMs: number, timeZone: string): ZonedParts {
  const fields: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) fields[part.type] = part.value;
  const year = Number(fields.year);
  const month = Number(fields.month);
  const day = Number(fields.day);
  const hour = Number(fields.hour) % 24;
  const minute = Number(fields.minute);
  const second = Number(fields.second);
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  const asIfUtc = epochDay(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000;
  const weekday = (fields.weekday ?? '').toLowerCase() as Weekday;
  return {
    year,
    month,
    day,
    hour,
    minute,
    second,
    weekday: WEEKDAYS.includes(weekday) ? weekday : WEEKDAYS[new Date(asIfUtc).getUTCDay()]!,
    utcOffsetMinutes: Math.round((asIfUtc - wholeSecond) / 60_000),
  };
}

/**
 * The instant at which the wall clock in `timeZone` shows the given local time. Two passes
 * settle the offset around DST changes; a time skipped by a spring-forward lands an hour later.
 */
export function zonedTimeToEpoch(
  local: { year: number; month: number; day: number; hour: number; minute: number; second: number; millisecond: number },
  timeZone: string,
): number {
  const asIfUtc =
    epochDay(local.year, local.month, local.day) * 86_400_000 +
    ((local.hour * 60 + local.minute) * 60 + local.second) * 1000 +
    local.millisecond;
  const firstOffset = zonedParts(asIfUtc, timeZone).utcOffsetMinutes;
  const guess = asIfUtc - firstOffset * 60_000;
  const secondOffset = zonedParts(guess, timeZone).utcOffsetMinutes;
  return secondOffset === firstOffset ? guess : asIfUtc - secondOffset * 60_000;
}
