import { describeProfile } from '../profile/describe-profile.js';
import type { Profile } from '../profile/profile.js';
import { zonedTimeToEpoch } from '../profile/time-zone.js';

/**
 * When a date trigger ("N days before the birthday, at 10:00") should next fire for this
 * customer, in their own time zone (UTC when unknown). Null when they have no such moment.
 */
export function nextDateTrigger(profile: Profile, t: { moment: string; daysBefore: number; hour: number }, from: number): { dueAt: number; date: string } | null {
  // Look at this year's and next year's occurrence: "7 days before" may already have passed.
  for (const probe of [from, from + t.daysBefore * 86_400_000 + 86_400_000]) {
    const m = describeProfile(profile, probe).moments.find((x) => x.kind === t.moment || x.trait === t.moment);
    if (!m?.nextOccurrence) continue;
    const [y, mo, d] = m.nextOccurrence.split('-').map(Number) as [number, number, number];
    const day = new Date(Date.UTC(y, mo - 1, d) - t.daysBefore * 86_400_000);
    const tz = profile.location.timezone ?? 'UTC';
    const dueAt = zonedTimeToEpoch({ year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour: t.hour, minute: 0, second: 0, millisecond: 0 }, tz);
    if (dueAt >= from) return { dueAt, date: m.nextOccurrence };
  }
  return null;
}
