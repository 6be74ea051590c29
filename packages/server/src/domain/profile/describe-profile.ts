import { epochDay, formatCalendarDate, isLeapYear, parseCalendarDate, type CalendarDate } from './calendar-date.js';
import { PROFILE_BOUNDS, type Moment, type Profile } from './profile.js';
import { canonicalTimeZone, zonedParts, type Weekday } from './time-zone.js';

/** The customer's wall clock: what an agent needs before writing "good evening". */
export interface LocalTime {
  timezone: string;
  /** Local date and time to the minute, e.g. "2026-11-22T23:10". */
  iso: string;
  hour: number;
  minute: number;
  weekday: Weekday;
  /** Local time minus UTC (Tokyo: 540). */
  utcOffsetMinutes: number;
}

export interface MomentInsight extends Moment {
  /** Next date it falls on ("YYYY-MM-DD", today included); null for a one-off date already past. */
  nextOccurrence: string | null;
  /** Whole days from the customer's local today (0 = today); null when nextOccurrence is. */
  daysUntil: number | null;
}

export interface ProfileInsights {
  /** Null when we do not know the customer's time zone. */
  localTime: LocalTime | null;
  /** Soonest first; past one-off dates last. */
  moments: MomentInsight[];
  /** Whether the customer did something within the last 30 minutes. */
  sessionActive: boolean;
  /** How long they have been on the current page, while the session is active. */
  timeOnPageMs: number | null;
}

const pad = (n: number): string => String(n).padStart(2, '0');

interface Today {
  year: number;
  month: number;
  day: number;
}

/**
 * The date a recurring moment falls on in `year`. A 29 February birthday is celebrated on
 * 28 February in common years (the convention most shops and many laws use).
 */
function occurrenceIn(date: CalendarDate, year: number): Today {
  const day = date.month === 2 && date.day === 29 && !isLeapYear(year) ? 28 : date.day;
  return { year, month: date.month, day };
}

function describeMoment(moment: Moment, today: Today): MomentInsight {
  const date = parseCalendarDate(moment.date);
  const todayDay = epochDay(today.year, today.month, today.day);
  let next: Today | null = null;
  if (date !== null) {
    if (moment.yearly || date.year === null) {
      next = occurrenceIn(date, today.year);
      if (epochDay(next.year, next.month, next.day) < todayDay) next = occurrenceIn(date, today.year + 1);
    } else if (epochDay(date.year, date.month, date.day) >= todayDay) {
      next = { year: date.year, month: date.month, day: date.day };
    }
  }
  return {
    ...moment,
    nextOccurrence: next === null ? null : formatCalendarDate(next),
    daysUntil: next === null ? null : epochDay(next.year, next.month, next.day) - todayDay,
  };
}

/**
 * What a support agent should see at a glance, as of `now` (epoch ms). Dates are computed in the
 * customer's time zone, or UTC when we do not know it: at 23:30 UTC on 22 November a customer
 * in Tokyo is already on 23 November, and a birthday that day is today, not tomorrow.
 */
export function describeProfile(profile: Profile, now: number): ProfileInsights {
  // Re-validated: a stored profile may predate a tz database change; never throw on it.
  const timezone = profile.location.timezone === null ? null : canonicalTimeZone(profile.location.timezone);
  let localTime: LocalTime | null = null;
  let today: Today;
  if (timezone !== null) {
    const parts = zonedParts(now, timezone);
    today = parts;
    localTime = {
      timezone,
      iso: `${String(parts.year).padStart(4, '0')}-${pad(parts.month)}-${pad(parts.day)}T${pad(parts.hour)}:${pad(parts.minute)}`,
      hour: parts.hour,
      minute: parts.minute,
      weekday: parts.weekday,
      utcOffsetMinutes: parts.utcOffsetMinutes,
    };
  } else {
    const d = new Date(now);
    today = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }

  const moments = profile.moments
    .map((moment) => describeMoment(moment, today))
    .sort((a, b) => (a.daysUntil ?? Number.MAX_SAFE_INTEGER) - (b.daysUntil ?? Number.MAX_SAFE_INTEGER));

  const last = profile.session.lastActivityAt;
  const sessionActive = last !== null && now - last <= PROFILE_BOUNDS.sessionIdleMs;
  const page = profile.session.currentPage;
  return {
    localTime,
    moments,
    sessionActive,
    timeOnPageMs: sessionActive && page !== null ? Math.max(0, now - page.at) : null,
  };
}
