import { describe, expect, it } from 'vitest';
import { describeProfile } from './describe-profile.js';
import { emptyProfile } from './empty-profile.js';
import type { Moment, Profile } from './profile.js';
import { at, fold, identify, page } from './profile.test-helpers.js';

function profileWith(timezone: string | null, moments: Moment[]): Profile {
  const profile = emptyProfile(0);
  profile.location.timezone = timezone;
  profile.moments = moments;
  return profile;
}

const birthday = (date: string): Moment => ({ kind: 'birthday', trait: 'birthday', date, yearly: true });

describe('describeProfile: local time', () => {
  it("gives the customer's wall clock in their time zone", () => {
    const insights = describeProfile(profileWith('Asia/Tokyo', []), at('2026-11-22T23:10:00Z'));
    expect(insights.localTime).toEqual({
      timezone: 'Asia/Tokyo',
      iso: '2026-11-23T08:10',
      hour: 8,
      minute: 10,
      weekday: 'monday',
      utcOffsetMinutes: 540,
    });
  });

  it('follows daylight saving time', () => {
    const winter = describeProfile(profileWith('America/New_York', []), at('2026-01-15T12:00:00Z')).localTime;
    const summer = describeProfile(profileWith('America/New_York', []), at('2026-07-15T12:00:00Z')).localTime;
    expect(winter).toMatchObject({ iso: '2026-01-15T07:00', utcOffsetMinutes: -300 });
    expect(summer).toMatchObject({ iso: '2026-07-15T08:00', utcOffsetMinutes: -240 });
  });

  it('is null without a (valid) time zone', () => {
    expect(describeProfile(profileWith(null, []), 0).localTime).toBeNull();
    expect(describeProfile(profileWith('Not/AZone', []), 0).localTime).toBeNull();
  });
});

describe('describeProfile: moments', () => {
  it('at 23:30 UTC on 22 Nov, a Tokyo customer born on 23 Nov has their birthday today', () => {
    const now = at('2026-11-22T23:30:00Z');
    const moments = [birthday('1990-11-23')];
    expect(describeProfile(profileWith('Asia/Tokyo', moments), now).moments[0]).toMatchObject({
      nextOccurrence: '2026-11-23',
      daysUntil: 0,
    });
    expect(describeProfile(profileWith('America/Los_Angeles', moments), now).moments[0]).toMatchObject({
      nextOccurrence: '2026-11-23',
      daysUntil: 1,
    });
    expect(describeProfile(profileWith(null, moments), now).moments[0]).toMatchObject({ daysUntil: 1 });
  });

  it('rolls over the year boundary', () => {
    const now = at('2026-12-31T20:00:00Z'); // already 1 January 2027 in Tokyo
    const moments = [birthday('--01-02'), { ...birthday('1980-12-30'), trait: 'anniversary', kind: 'anniversary' }];
    const utc = describeProfile(profileWith(null, moments), now).moments;
    expect(utc.map((m) => [m.kind, m.nextOccurrence, m.daysUntil])).toEqual([
      ['birthday', '2027-01-02', 2],
      ['anniversary', '2027-12-30', 364],
    ]);
    const tokyo = describeProfile(profileWith('Asia/Tokyo', moments), now).moments;
    expect(tokyo[0]).toMatchObject({ nextOccurrence: '2027-01-02', daysUntil: 1 });
  });

  it('celebrates a 29 February birthday on 28 February in common years', () => {
    const moments = [birthday('2000-02-29')];
    expect(describeProfile(profileWith(null, moments), at('2027-02-01T00:00:00Z')).moments[0]).toMatchObject({
      nextOccurrence: '2027-02-28',
      daysUntil: 27,
    });
    expect(describeProfile(profileWith(null, moments), at('2028-02-01T00:00:00Z')).moments[0]).toMatchObject({
      nextOccurrence: '2028-02-29',
    });
    expect(describeProfile(profileWith(null, moments), at('2027-03-01T00:00:00Z')).moments[0]).toMatchObject({
      nextOccurrence: '2028-02-29',
      daysUntil: 365,
    });
  });

  it('one-off dates in the past have no next occurrence and sort last', () => {
    const moments: Moment[] = [
      { kind: 'reservation_date', trait: 'reservation_date', date: '2026-01-10', yearly: false },
      { kind: 'check_in_date', trait: 'check_in_date', date: '2026-03-01', yearly: false },
    ];
    const insights = describeProfile(profileWith(null, moments), at('2026-02-01T00:00:00Z'));
    expect(insights.moments.map((m) => [m.trait, m.nextOccurrence, m.daysUntil])).toEqual([
      ['check_in_date', '2026-03-01', 28],
      ['reservation_date', null, null],
    ]);
  });

  it('works end to end from an identify call', () => {
    const profile = fold([identify('2026-11-01T00:00:00Z', { birthday: '1990-11-23' }, { timezone: 'Asia/Tokyo' })]);
    expect(describeProfile(profile, at('2026-11-22T23:30:00Z')).moments[0]?.daysUntil).toBe(0);
  });
});

describe('describeProfile: session', () => {
  const profile = fold([
    page('2026-01-01T10:00:00Z', { url: 'https://s.example/a' }),
    page('2026-01-01T10:05:00Z', { url: 'https://s.example/b' }),
  ]);

  it('reports an active session and the time on the current page', () => {
    const insights = describeProfile(profile, at('2026-01-01T10:07:30Z'));
    expect(insights.sessionActive).toBe(true);
    expect(insights.timeOnPageMs).toBe(150_000);
  });

  it('reports no time on page once the session went idle', () => {
    const insights = describeProfile(profile, at('2026-01-01T10:35:01Z'));
    expect(insights.sessionActive).toBe(false);
    expect(insights.timeOnPageMs).toBeNull();
  });
});
