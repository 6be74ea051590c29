/*
 * Calendar dates as people write them in traits and order properties. We parse them by hand:
 * Date.parse reads "2026-02-30" as 2 March and a time without an offset in the machine's own
 * time zone, and neither belongs in a pure fold.
 */

/** A date on the calendar, with no time zone. `year` is null for "--MM-DD" (birthday without a year). */
export interface CalendarDate {
  year: number | null;
  month: number;
  day: number;
}

/** A parsed ISO-8601 date or date-time, before any time zone is applied. */
export interface IsoParts {
  date: CalendarDate & { year: number };
  /** Null for a date-only value. */
  time: { hour: number; minute: number; second: number; millisecond: number } | null;
  /** Offset from UTC in minutes when the value carried one (Z or ±HH:MM). */
  offsetMinutes: number | null;
}

export const DAY_MS = 86_400_000;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month; with an unknown year February has 29 (a Feb 29 birthday is a real date). */
export function daysInMonth(year: number | null, month: number): number {
  if (month === 2) return year === null || isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isValidDate(year: number | null, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;
const YEARLESS = /^--(\d{2})-?(\d{2})$/;

/** Strict ISO-8601 date or date-time; null for anything else, including impossible dates. */
export function parseIsoParts(value: string): IsoParts | null {
  const m = ISO.exec(value.trim());
  if (m === null) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 1 || !isValidDate(year, month, day)) return null;
  if (m[4] === undefined) return { date: { year, month, day }, time: null, offsetMinutes: null };
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millisecond = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes: number | null = null;
  const zone = m[8];
  if (zone !== undefined) {
    if (zone.toUpperCase() === 'Z') offsetMinutes = 0;
    else {
      const digits = zone.replace(':', '');
      const hours = Number(digits.slice(1, 3));
      const minutes = Number(digits.slice(3, 5));
      if (hours > 23 || minutes > 59) return null;
      offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
    }
  }
  return { date: { year, month, day }, time: { hour, minute, second, millisecond }, offsetMinutes };
}

/**
 * A calendar date from "YYYY-MM-DD", an ISO date-time (its date part as written, not converted
 * to UTC: "1990-05-14T00:00:00+09:00" is a 14 May birthday), or "--MM-DD". Null otherwise.
 */
export function parseCalendarDate(value: string): CalendarDate | null {
  const yearless = YEARLESS.exec(value.trim());
  if (yearless !== null) {
    const month = Number(yearless[1]);
    const day = Number(yearless[2]);
    return isValidDate(null, month, day) ? { year: null, month, day } : null;
  }
  return parseIsoParts(value)?.date ?? null;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** "YYYY-MM-DD", or "--MM-DD" without a year. */
export function formatCalendarDate(date: CalendarDate): string {
  const monthDay = `${pad(date.month)}-${pad(date.day)}`;
  return date.year === null ? `--${monthDay}` : `${pad(date.year, 4)}-${monthDay}`;
}

/**
 * Days since 1970-01-01 for a calendar date. Uses setUTCFullYear because Date.UTC maps years
 * 0–99 to 1900–1999, and birthdays with placeholder years (0001, 1604) do occur.
 */
export function epochDay(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return Math.floor(d.getTime() / DAY_MS);
}
