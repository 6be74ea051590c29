import type { BusinessHours, Issue, IssueCode } from '@omotenashi/protocol';
import { DAY_MS, epochDay } from '../profile/calendar-date.js';
import { canonicalTimeZone, zonedParts } from '../profile/time-zone.js';

/*
 * Business-time arithmetic: service-level clocks run only while the shop is open.
 *
 * An interval [start, end] on a local date covers the instants from the first moment the
 * wall clock there reads `start` to the first moment it reads `end`, so business time is real
 * elapsed time while open: a day open 00:00–24:00 has 23 hours on a spring-forward day and 25
 * on a fall-back day. A start or end inside the hour skipped by a spring-forward is the moment
 * of the jump. Days are walked one at a time (closed days cost nothing, open ones two Intl
 * look-ups), and whole weeks without a clock change are skipped in one step.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export const WEEK_DAYS = ['0', '1', '2', '3', '4', '5', '6'] as const;

/** More intervals than this in one day is a data error, not a shop's opening hours. */
export const MAX_INTERVALS_PER_DAY = 24;

/**
 * Beyond this many days ahead, whole weeks are counted without looking for clock changes, so
 * an absurd target (a typo of a few zeros) cannot pin a CPU; the answer is then off by at most
 * the clock changes that fall inside open hours, years from now.
 */
const EXACT_HORIZON_DAYS = 10 * 366;

const TIME = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

/** Minutes since local midnight for "HH:MM" (00:00–24:00), or null. */
function parseTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = TIME.exec(value);
  if (m === null) return null;
  return m[1] === undefined ? 24 * 60 : Number(m[1]) * 60 + Number(m[2]);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const at = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

function shown(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (typeof v === 'string') return v.length <= 40 ? JSON.stringify(v) : 'a long string';
  return Array.isArray(v) ? 'an array' : `a${typeof v === 'object' ? 'n' : ''} ${typeof v}`;
}

/**
 * Problems with business hours from an API body or a config file, every one with its path so
 * an admin can fix them all at once. Null hours ("around the clock") are the caller's to allow.
 */
export function validateBusinessHours(bh: unknown, path: string): Issue[] {
  const issues: Issue[] = [];
  const add = (p: string, code: IssueCode, message: string): void => {
    issues.push({ path: p, code, message });
  };
  if (!isObject(bh)) {
    add(path, 'invalid_type', `business hours must be an object { timeZone, week }, got ${shown(bh)}`);
    return issues;
  }
  for (const key of Object.keys(bh)) {
    if (key !== 'timeZone' && key !== 'week') add(at(path, key), 'invalid_value', 'unknown field; business hours have timeZone and week');
  }

  const zone = bh['timeZone'];
  const zonePath = at(path, 'timeZone');
  if (zone === undefined) add(zonePath, 'required', 'timeZone is required (an IANA time zone such as Europe/Berlin)');
  else if (typeof zone !== 'string') add(zonePath, 'invalid_type', `timeZone must be a string, got ${shown(zone)}`);
  else if (canonicalTimeZone(zone) === null) add(zonePath, 'invalid_value', `${shown(zone)} is not a known IANA time zone (such as Europe/Berlin)`);

  const week = bh['week'];
  const weekPath = at(path, 'week');
  if (week === undefined) {
    add(weekPath, 'required', "week is required: open intervals per weekday, e.g. { \"1\": [[\"09:00\", \"17:00\"]] }");
    return issues;
  }
  if (!isObject(week)) {
    add(weekPath, 'invalid_type', `week must be an object of weekdays ('0' = Sunday … '6' = Saturday), got ${shown(week)}`);
    return issues;
  }
  let open = 0;
  let weekOk = true;
  for (const [day, intervals] of Object.entries(week)) {
    const dayPath = `${weekPath}.${day}`;
    if (!(WEEK_DAYS as readonly string[]).includes(day)) {
      add(dayPath, 'invalid_value', `unknown weekday; the weekdays are '0' (Sunday) to '6' (Saturday)`);
      weekOk = false;
      continue;
    }
    if (intervals === undefined) continue;
    if (!Array.isArray(intervals)) {
      add(dayPath, 'invalid_type', `week.${day} must be an array of ["HH:MM", "HH:MM"] intervals (empty for closed), got ${shown(intervals)}`);
      weekOk = false;
      continue;
    }
    if (intervals.length > MAX_INTERVALS_PER_DAY) {
      add(dayPath, 'too_many', `week.${day} may hold at most ${MAX_INTERVALS_PER_DAY} intervals`);
      weekOk = false;
      continue;
    }
    let previousEnd = -1;
    for (let i = 0; i < intervals.length; i++) {
      const interval: unknown = intervals[i];
      const p = `${dayPath}[${i}]`;
      if (!Array.isArray(interval) || interval.length !== 2) {
        add(p, 'invalid_type', `an interval must be a pair ["HH:MM", "HH:MM"], got ${shown(interval)}`);
        weekOk = false;
        continue;
      }
      const [startText, endText]: unknown[] = interval;
      const start = parseTime(startText);
      const end = parseTime(endText);
      if (start === null || end === null) {
        for (const [v, j] of [[startText, 0], [endText, 1]] as const) {
          if (parseTime(v) === null) add(`${p}[${j}]`, typeof v === 'string' ? 'invalid_value' : 'invalid_type', `a time must be "HH:MM" from 00:00 to 24:00, got ${shown(v)}`);
        }
        weekOk = false;
        continue;
      }
      if (start >= end) {
        add(p, 'invalid_value', `an interval must start before it ends, got ${String(startText)}–${String(endText)} (use 24:00 for midnight at the end)`);
        weekOk = false;
      } else if (start < previousEnd) {
        // Touching intervals (12:00 then 12:00) are fine; overlapping ones would count twice.
        add(p, 'invalid_value', `intervals must be in order and must not overlap; ${String(startText)} is before the previous interval ends`);
        weekOk = false;
      } else {
        open += end - start;
      }
      previousEnd = Math.max(previousEnd, end);
    }
  }
  if (weekOk && open === 0) {
    add(weekPath, 'empty', 'business hours need at least one open interval in the week (use null for around the clock)');
  }
  return issues;
}

/** Hours in the form the arithmetic uses: minute-of-day pairs per weekday, sorted and merged. */
interface Compiled {
  zone: string;
  days: [number, number][][];
  /** Business time in a week without clock changes. */
  weekMs: number;
}

/**
 * Tolerant of hours that were never validated (or a zone a newer tz database dropped): bad
 * intervals are skipped, overlaps merged, and an unknown zone read as UTC, so a stored policy
 * can never make the SLA monitor throw.
 */
function compile(hours: BusinessHours): Compiled {
  const zone = (typeof hours.timeZone === 'string' ? canonicalTimeZone(hours.timeZone) : null) ?? 'UTC';
  let weekMs = 0;
  const days = WEEK_DAYS.map((d) => {
    const raw: unknown = isObject(hours.week) ? hours.week[d] : undefined;
    const parsed: [number, number][] = [];
    if (Array.isArray(raw)) {
      for (const interval of raw.slice(0, MAX_INTERVALS_PER_DAY) as unknown[]) {
        if (!Array.isArray(interval)) continue;
        const start = parseTime(interval[0]);
        const end = parseTime(interval[1]);
        if (start !== null && end !== null && start < end) parsed.push([start, end]);
      }
    }
    parsed.sort((x, y) => x[0] - y[0]);
    const merged: [number, number][] = [];
    for (const [s, e] of parsed) {
      const last = merged[merged.length - 1];
      if (last !== undefined && s <= last[1]) last[1] = Math.max(last[1], e);
      else merged.push([s, e]);
    }
    for (const [s, e] of merged) weekMs += (e - s) * MINUTE_MS;
    return merged;
  });
  return { zone, days, weekMs };
}

const offsetMs = (t: number, zone: string): number => zonedParts(t, zone).utcOffsetMinutes * MINUTE_MS;

/** Days since 1970-01-01 of the local date of `t`. */
function localDayOf(t: number, zone: string): number {
  const p = zonedParts(t, zone);
  return epochDay(p.year, p.month, p.day);
}

/** 1970-01-01 was a Thursday. */
const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7;

/**
 * The first instant the wall clock reads the local time `wall` (as if it were UTC), given the
 * offsets `before` and `after` a clock change near it. Repeated (fall-back) times give the
 * first occurrence; skipped (spring-forward) times give the moment of the jump.
 */
function firstInstant(wall: number, before: number, after: number, zone: string): number {
  const early = wall - before;
  const late = wall - after;
  const earlyOk = offsetMs(early, zone) === before;
  const lateOk = offsetMs(late, zone) === after;
  if (earlyOk && lateOk) return Math.min(early, late);
  if (earlyOk) return early;
  if (lateOk) return late;
  // Skipped: the jump lies in (late, early]; find its millisecond by bisection (a few dozen
  // look-ups, and only on the one day a year this happens inside open hours).
  let lo = Math.min(early, late);
  let hi = Math.max(early, late);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetMs(mid, zone) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The open instant ranges [from, to) of a local day, in order. */
function dayRanges(day: number, c: Compiled): [number, number][] {
  const intervals = c.days[weekdayOf(day)] ?? [];
  if (intervals.length === 0) return [];
  const midnight = day * DAY_MS;
  // Every wall time of the day maps into [midnight - 14 h, midnight + 36 h] (offsets run from
  // -12 h to +14 h), so equal offsets on both sides mean no clock change touches this day.
  const before = offsetMs(midnight - 15 * HOUR_MS, c.zone);
  const after = offsetMs(midnight + DAY_MS + 13 * HOUR_MS, c.zone);
  const ranges: [number, number][] = [];
  for (const [s, e] of intervals) {
    const from = before === after ? midnight + s * MINUTE_MS - before : firstInstant(midnight + s * MINUTE_MS, before, after, c.zone);
    const to = before === after ? midnight + e * MINUTE_MS - before : firstInstant(midnight + e * MINUTE_MS, before, after, c.zone);
    if (to > from) ranges.push([from, to]);
  }
  return ranges;
}

/** Whether the seven local days from `day` have no clock change, so they hold exactly `weekMs`. */
function isPlainWeek(day: number, zone: string): boolean {
  const o = offsetMs(day * DAY_MS - 15 * HOUR_MS, zone);
  return offsetMs(day * DAY_MS + 3.5 * DAY_MS, zone) === o && offsetMs((day + 7) * DAY_MS + 13 * HOUR_MS, zone) === o;
}

/** Compiled hours, or null when the clock simply runs (no hours, or hours never open). */
function compiledOrNull(hours: BusinessHours | null): Compiled | null {
  if (hours === null) return null;
  const c = compile(hours);
  // Hours without one open minute cannot pass validation; running the plain clock keeps a
  // target from never coming due.
  return c.weekMs === 0 ? null : c;
}

/**
 * The instant `minutes` of business time after `start` (null hours = plain clock time).
 * Starting outside hours, the clock starts at the next opening; a target that uses up an
 * interval exactly is due at its closing time, not at the next opening.
 */
export function addBusinessMinutes(start: number, minutes: number, hours: BusinessHours | null): number {
  if (!Number.isFinite(start) || !Number.isFinite(minutes)) throw new RangeError('addBusinessMinutes needs finite numbers');
  let remaining = Math.max(0, Math.round(minutes * MINUTE_MS));
  const c = compiledOrNull(hours);
  if (c === null) return start + remaining;
  const firstDay = localDayOf(start, c.zone);
  for (const [a, b] of dayRanges(firstDay, c)) {
    if (b <= start) continue;
    const from = Math.max(a, start);
    if (remaining <= b - from) return from + remaining;
    remaining -= b - from;
  }
  for (let day = firstDay + 1; ; day++) {
    while (remaining > c.weekMs) {
      if (day - firstDay > EXACT_HORIZON_DAYS) {
        const weeks = Math.ceil(remaining / c.weekMs) - 1;
        remaining -= weeks * c.weekMs;
        day += 7 * weeks;
      } else if (isPlainWeek(day, c.zone)) {
        remaining -= c.weekMs;
        day += 7;
      } else {
        break;
      }
    }
    for (const [a, b] of dayRanges(day, c)) {
      if (remaining <= b - a) return a + remaining;
      remaining -= b - a;
    }
  }
}

/**
 * Business minutes between two instants (for reporting attainment); negative when `to` is
 * before `from`, fractional when the instants are.
 */
export function businessMinutesBetween(from: number, to: number, hours: BusinessHours | null): number {
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new RangeError('businessMinutesBetween needs finite numbers');
  if (to < from) return -businessMinutesBetween(to, from, hours);
  const c = compiledOrNull(hours);
  if (c === null) return (to - from) / MINUTE_MS;
  const firstDay = localDayOf(from, c.zone);
  const lastDay = localDayOf(to, c.zone);
  let total = 0;
  const overlap = (day: number): void => {
    for (const [a, b] of dayRanges(day, c)) total += Math.max(0, Math.min(b, to) - Math.max(a, from));
  };
  overlap(firstDay);
  if (lastDay === firstDay) return total / MINUTE_MS;
  let day = firstDay + 1;
  while (day < lastDay) {
    // Days day … day + 6 all lie strictly between the first and the last day.
    if (day + 7 <= lastDay) {
      if (day - firstDay > EXACT_HORIZON_DAYS) {
        const weeks = Math.floor((lastDay - day) / 7);
        total += weeks * c.weekMs;
        day += 7 * weeks;
        continue;
      }
      if (isPlainWeek(day, c.zone)) {
        total += c.weekMs;
        day += 7;
        continue;
      }
    }
    for (const [a, b] of dayRanges(day, c)) total += b - a;
    day++;
  }
  overlap(lastDay);
  return total / MINUTE_MS;
}

/** Whether the shop is open at `t` (false for hours that are never open). */
export function isOpenAt(t: number, hours: BusinessHours): boolean {
  const c = compile(hours);
  return dayRanges(localDayOf(t, c.zone), c).some(([a, b]) => a <= t && t < b);
}
