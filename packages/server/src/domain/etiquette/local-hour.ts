import type { Profile } from '../profile/profile.js';
import { canonicalTimeZone, zonedParts } from '../profile/time-zone.js';

/**
 * The customer's local hour of the day, fractional for minutes (23:10 → 23.1666…), or null
 * when we do not know their time zone. It is the same computation as describeProfile's
 * `localTime` (same zone validation, same memoised Intl formatter) without building the rest
 * of the insights, because it runs on the hot path. Compute it only for 'away' touches: quiet
 * hours are the only rule that reads it.
 */
export function localHourOf(profile: Profile, now: number): number | null {
  const name = profile.location.timezone;
  // Re-validated: a stored profile may predate a tz database change; never throw on it.
  const timezone = name === null ? null : canonicalTimeZone(name);
  if (timezone === null) return null;
  const parts = zonedParts(now, timezone);
  return parts.hour + parts.minute / 60;
}
