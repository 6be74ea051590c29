import { describe, expect, it } from 'vitest';
import { emptyProfile } from '../profile/empty-profile.js';
import { describeProfile } from '../profile/describe-profile.js';
import { describeDuration } from './describe-duration.js';
import { localHourOf } from './local-hour.js';
import { formatLocalHour, formatQuietHours } from './quiet-hours.js';

describe('localHourOf', () => {
  it("agrees with describeProfile's local time", () => {
    const profile = emptyProfile(0);
    for (const zone of ['Asia/Tokyo', 'America/New_York', 'Asia/Kolkata', 'Europe/Berlin']) {
      profile.location.timezone = zone;
      for (const iso of ['2026-01-15T12:00:00Z', '2026-07-15T23:59:00Z', '2026-11-22T23:10:00Z']) {
        const now = Date.parse(iso);
        const local = describeProfile(profile, now).localTime!;
        expect(formatLocalHour(localHourOf(profile, now)!)).toBe(`${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`);
      }
    }
  });

  it('is null without a valid time zone', () => {
    const profile = emptyProfile(0);
    expect(localHourOf(profile, 0)).toBeNull();
    profile.location.timezone = 'Not/AZone';
    expect(localHourOf(profile, 0)).toBeNull();
  });
});

describe('formatting for hold details', () => {
  it('formats hours and windows', () => {
    expect(formatLocalHour(5 + 30 / 60)).toBe('05:30');
    expect(formatLocalHour(23 + 59 / 60)).toBe('23:59');
    expect(formatQuietHours({ start: 21, end: 8 })).toBe('21:00–08:00');
  });

  it('formats durations in at most two units', () => {
    expect([0, 4000, 90_000, 2 * 3600_000, 2 * 3600_000 + 5 * 60_000, 24 * 3600_000, 3 * 86_400_000, 3 * 86_400_000 + 4 * 3600_000, -5, Number.NaN].map(describeDuration))
      .toEqual(['0 s', '4 s', '1 min', '2 h', '2 h 5 min', '24 h', '3 d', '3 d 4 h', '0 s', '0 s']);
  });
});
