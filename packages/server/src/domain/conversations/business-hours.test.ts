import type { BusinessHours } from '@omotenashi/protocol';
import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, businessMinutesBetween, isOpenAt, validateBusinessHours } from './business-hours.js';

const t = (iso: string): number => Date.parse(iso);
const weekdays = (timeZone: string, from = '09:00', to = '17:00'): BusinessHours => {
  const day: [string, string][] = [[from, to]];
  return { timeZone, week: { '1': day, '2': day, '3': day, '4': day, '5': day } };
};
const everyDay = (timeZone: string, intervals: [string, string][]): BusinessHours => ({
  timeZone,
  week: { '0': intervals, '1': intervals, '2': intervals, '3': intervals, '4': intervals, '5': intervals, '6': intervals },
});

const BERLIN = weekdays('Europe/Berlin');
const NEW_YORK = weekdays('America/New_York');

describe('addBusinessMinutes', () => {
  it('is plain clock time without hours', () => {
    expect(addBusinessMinutes(1000, 90, null)).toBe(1000 + 90 * 60_000);
    expect(addBusinessMinutes(1000, 0, null)).toBe(1000);
    expect(addBusinessMinutes(1000, 0.5, null)).toBe(31_000);
  });

  it('adds within an open interval', () => {
    // Monday 2 March 2026, 10:00 CET.
    expect(addBusinessMinutes(t('2026-03-02T09:00:00Z'), 60, BERLIN)).toBe(t('2026-03-02T10:00:00Z'));
  });

  it('starts the clock at the next opening when started outside hours', () => {
    expect(addBusinessMinutes(t('2026-03-02T06:00:00Z'), 30, BERLIN)).toBe(t('2026-03-02T08:30:00Z'));
    // Saturday noon → Monday 09:30.
    expect(addBusinessMinutes(t('2026-03-07T11:00:00Z'), 30, BERLIN)).toBe(t('2026-03-09T08:30:00Z'));
    // Zero minutes outside hours is the opening itself; inside hours it is the start.
    expect(addBusinessMinutes(t('2026-03-07T11:00:00Z'), 0, BERLIN)).toBe(t('2026-03-09T08:00:00Z'));
    expect(addBusinessMinutes(t('2026-03-02T09:00:00Z'), 0, BERLIN)).toBe(t('2026-03-02T09:00:00Z'));
  });

  it('is due at closing time when a target uses up the day exactly, and the next morning one minute later', () => {
    const monday9 = t('2026-03-02T08:00:00Z');
    expect(addBusinessMinutes(monday9, 480, BERLIN)).toBe(t('2026-03-02T16:00:00Z'));
    expect(addBusinessMinutes(monday9, 481, BERLIN)).toBe(t('2026-03-03T08:01:00Z'));
    expect(addBusinessMinutes(t('2026-03-02T15:59:00Z'), 1, BERLIN)).toBe(t('2026-03-02T16:00:00Z'));
    // Started right at closing: nothing left today.
    expect(addBusinessMinutes(t('2026-03-02T16:00:00Z'), 0, BERLIN)).toBe(t('2026-03-03T08:00:00Z'));
  });

  it('spans a weekend', () => {
    // Friday 16:00 CET + 2 h → Monday 10:00 CET.
    expect(addBusinessMinutes(t('2026-03-06T15:00:00Z'), 120, BERLIN)).toBe(t('2026-03-09T09:00:00Z'));
  });

  it('follows Berlin across the March and October clock changes', () => {
    // Friday 27 March 16:00 CET + 2 h → Monday 30 March 10:00 CEST (08:00Z, not 09:00Z).
    expect(addBusinessMinutes(t('2026-03-27T15:00:00Z'), 120, BERLIN)).toBe(t('2026-03-30T08:00:00Z'));
    // Friday 23 October 16:00 CEST + 2 h → Monday 26 October 10:00 CET.
    expect(addBusinessMinutes(t('2026-10-23T14:00:00Z'), 120, BERLIN)).toBe(t('2026-10-26T09:00:00Z'));
  });

  it('follows New York across its clock changes', () => {
    // Friday 6 March 16:00 EST + 2 h → Monday 9 March 10:00 EDT.
    expect(addBusinessMinutes(t('2026-03-06T21:00:00Z'), 120, NEW_YORK)).toBe(t('2026-03-09T14:00:00Z'));
    // Friday 30 October 16:00 EDT + 2 h → Monday 2 November 10:00 EST.
    expect(addBusinessMinutes(t('2026-10-30T20:00:00Z'), 120, NEW_YORK)).toBe(t('2026-11-02T15:00:00Z'));
  });

  it('counts real time around the clock on a clock-change day', () => {
    const always = everyDay('Europe/Berlin', [['00:00', '24:00']]);
    // Saturday 12:00 CET + 24 h of business time is Sunday 13:00 CEST: 24 real hours.
    expect(addBusinessMinutes(t('2026-03-28T11:00:00Z'), 24 * 60, always)).toBe(t('2026-03-29T11:00:00Z'));
    expect(addBusinessMinutes(t('2026-10-24T10:00:00Z'), 24 * 60, always)).toBe(t('2026-10-25T10:00:00Z'));
  });

  it('runs through an interval ending at 24:00 into one starting at 00:00', () => {
    const tokyo: BusinessHours = { timeZone: 'Asia/Tokyo', week: { '1': [['18:00', '24:00']], '2': [['00:00', '02:00']] } };
    // Monday 23:00 JST + 2 h → Tuesday 01:00 JST.
    expect(addBusinessMinutes(t('2026-03-02T14:00:00Z'), 120, tokyo)).toBe(t('2026-03-02T16:00:00Z'));
    // Used up exactly at midnight: due at 24:00.
    expect(addBusinessMinutes(t('2026-03-02T14:00:00Z'), 60, tokyo)).toBe(t('2026-03-02T15:00:00Z'));
    const evenings: BusinessHours = { timeZone: 'Asia/Tokyo', week: { '1': [['18:00', '24:00']] } };
    // One hour left on Monday, the other at next Monday's opening.
    expect(addBusinessMinutes(t('2026-03-02T14:00:00Z'), 120, evenings)).toBe(t('2026-03-09T10:00:00Z'));
  });

  it('adds ten business days, across a clock change', () => {
    expect(addBusinessMinutes(t('2026-03-02T08:00:00Z'), 10 * 480, BERLIN)).toBe(t('2026-03-13T16:00:00Z'));
    // Monday 23 March 09:00 CET → Friday 3 April 17:00 CEST.
    expect(addBusinessMinutes(t('2026-03-23T08:00:00Z'), 10 * 480, BERLIN)).toBe(t('2026-04-03T15:00:00Z'));
  });

  it('adds a year of business time exactly and an absurd amount in bounded time', () => {
    // 52 working weeks from Monday 5 January 2026 09:00 end on Friday 1 January 2027 17:00 CET.
    expect(addBusinessMinutes(t('2026-01-05T08:00:00Z'), 52 * 5 * 480, BERLIN)).toBe(t('2027-01-01T16:00:00Z'));
    const started = performance.now();
    const far = addBusinessMinutes(t('2026-01-05T08:00:00Z'), 1e9, BERLIN);
    expect(performance.now() - started).toBeLessThan(2000);
    // 1e9 minutes at 40 h a week is about 8,000 years.
    expect(far).toBeGreaterThan(t('2026-01-05T08:00:00Z') + 7900 * 365 * 86_400_000);
  });

  it('agrees with businessMinutesBetween', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const zones = [BERLIN, NEW_YORK, everyDay('Europe/Berlin', [['01:00', '04:00'], ['22:00', '24:00']])];
    for (let i = 0; i < 200; i++) {
      const hours = zones[i % zones.length]!;
      const start = t('2026-01-01T00:00:00Z') + Math.floor(random() * 365 * 86_400_000);
      const minutes = Math.floor(random() * 20 * 480);
      const end = addBusinessMinutes(start, minutes, hours);
      expect(businessMinutesBetween(start, end, hours)).toBe(minutes);
    }
  });

  it('treats hours never open as plain clock time, and an unknown zone as UTC', () => {
    expect(addBusinessMinutes(1000, 10, { timeZone: 'Europe/Berlin', week: {} })).toBe(1000 + 600_000);
    const utc = addBusinessMinutes(t('2026-03-02T08:00:00Z'), 60, weekdays('Not/AZone'));
    expect(utc).toBe(t('2026-03-02T10:00:00Z'));
  });

  it('refuses non-finite input', () => {
    expect(() => addBusinessMinutes(0, Number.NaN, BERLIN)).toThrow(RangeError);
    expect(() => addBusinessMinutes(Number.POSITIVE_INFINITY, 1, null)).toThrow(RangeError);
  });
});

describe('businessMinutesBetween', () => {
  it('is clock minutes without hours, and antisymmetric', () => {
    expect(businessMinutesBetween(0, 90_000, null)).toBe(1.5);
    expect(businessMinutesBetween(t('2026-03-06T15:00:00Z'), t('2026-03-09T09:00:00Z'), BERLIN)).toBe(120);
    expect(businessMinutesBetween(t('2026-03-09T09:00:00Z'), t('2026-03-06T15:00:00Z'), BERLIN)).toBe(-120);
    expect(businessMinutesBetween(5, 5, BERLIN)).toBe(0);
  });

  it('counts nothing outside hours', () => {
    // Friday 17:00 to Monday 09:00.
    expect(businessMinutesBetween(t('2026-03-06T16:00:00Z'), t('2026-03-09T08:00:00Z'), BERLIN)).toBe(0);
    expect(businessMinutesBetween(t('2026-03-06T16:00:00Z'), t('2026-03-09T08:00:01Z'), BERLIN)).toBeCloseTo(1 / 60, 10);
  });

  it('gives a clock-change day its real length', () => {
    const always = everyDay('Europe/Berlin', [['00:00', '24:00']]);
    expect(businessMinutesBetween(t('2026-03-28T23:00:00Z'), t('2026-03-29T22:00:00Z'), always)).toBe(23 * 60);
    expect(businessMinutesBetween(t('2026-10-24T22:00:00Z'), t('2026-10-25T23:00:00Z'), always)).toBe(25 * 60);
    const newYork = everyDay('America/New_York', [['00:00', '24:00']]);
    expect(businessMinutesBetween(t('2026-03-08T05:00:00Z'), t('2026-03-09T04:00:00Z'), newYork)).toBe(23 * 60);
  });

  it('handles hours that contain the skipped or repeated hour', () => {
    const day = (from: string, to: string): BusinessHours => ({ timeZone: 'Europe/Berlin', week: { '0': [[from, to]] } });
    // Sunday 29 March: 02:00–03:00 does not exist.
    const march = [t('2026-03-28T12:00:00Z'), t('2026-03-29T12:00:00Z')] as const;
    expect(businessMinutesBetween(...march, day('01:00', '04:00'))).toBe(120);
    // Opening at a time that does not exist opens at the jump (03:00 CEST).
    expect(businessMinutesBetween(...march, day('02:30', '04:00'))).toBe(60);
    expect(businessMinutesBetween(...march, day('02:15', '02:45'))).toBe(0);
    // Sunday 25 October: 02:00–03:00 happens twice; an interval starts at its first occurrence.
    const october = [t('2026-10-24T12:00:00Z'), t('2026-10-25T12:00:00Z')] as const;
    expect(businessMinutesBetween(...october, day('01:00', '04:00'))).toBe(240);
    expect(businessMinutesBetween(...october, day('02:30', '04:00'))).toBe(150);
  });

  it('counts long spans exactly', () => {
    // The whole of 2026: 261 weekdays of 8 hours.
    expect(businessMinutesBetween(t('2025-12-31T23:00:00Z'), t('2026-12-31T23:00:00Z'), BERLIN)).toBe(261 * 480);
  });
});

describe('isOpenAt', () => {
  it('is open from the opening up to, not including, the closing', () => {
    expect(isOpenAt(t('2026-03-02T07:59:59.999Z'), BERLIN)).toBe(false);
    expect(isOpenAt(t('2026-03-02T08:00:00Z'), BERLIN)).toBe(true);
    expect(isOpenAt(t('2026-03-02T15:59:59.999Z'), BERLIN)).toBe(true);
    expect(isOpenAt(t('2026-03-02T16:00:00Z'), BERLIN)).toBe(false);
    expect(isOpenAt(t('2026-03-07T10:00:00Z'), BERLIN)).toBe(false);
  });

  it('uses the local wall time across a clock change', () => {
    // Monday 30 March 09:00 CEST is 07:00Z.
    expect(isOpenAt(t('2026-03-30T06:59:00Z'), BERLIN)).toBe(false);
    expect(isOpenAt(t('2026-03-30T07:00:00Z'), BERLIN)).toBe(true);
    const night: BusinessHours = { timeZone: 'Europe/Berlin', week: { '0': [['02:30', '04:00']] } };
    expect(isOpenAt(t('2026-03-29T00:45:00Z'), night)).toBe(false);
    expect(isOpenAt(t('2026-03-29T01:00:00Z'), night)).toBe(true);
  });

  it('treats 24:00 as the end of the day', () => {
    const late: BusinessHours = { timeZone: 'Asia/Tokyo', week: { '1': [['18:00', '24:00']] } };
    expect(isOpenAt(t('2026-03-02T14:59:59Z'), late)).toBe(true);
    expect(isOpenAt(t('2026-03-02T15:00:00Z'), late)).toBe(false);
  });

  it('is never open for hours without intervals', () => {
    expect(isOpenAt(0, { timeZone: 'UTC', week: {} })).toBe(false);
  });
});

describe('validateBusinessHours', () => {
  it('accepts good hours, including touching intervals and 24:00', () => {
    expect(validateBusinessHours(BERLIN, 'businessHours')).toEqual([]);
    expect(validateBusinessHours({ timeZone: 'Asia/Tokyo', week: { '0': [], '6': [['00:00', '12:00'], ['12:00', '24:00']] } }, 'bh')).toEqual([]);
  });

  it('reports a shape that is not business hours', () => {
    expect(validateBusinessHours(null, 'bh')).toEqual([{ path: 'bh', code: 'invalid_type', message: expect.stringContaining('got null') }]);
    expect(validateBusinessHours([], 'bh')[0]).toMatchObject({ code: 'invalid_type' });
    expect(validateBusinessHours({ timeZone: 'UTC', week: { '1': [['09:00', '17:00']] }, holidays: [] }, 'bh')).toEqual([
      { path: 'bh.holidays', code: 'invalid_value', message: expect.stringContaining('unknown field') },
    ]);
  });

  it('checks the time zone with Intl', () => {
    const week = { '1': [['09:00', '17:00']] };
    expect(validateBusinessHours({ week }, 'bh')).toEqual([{ path: 'bh.timeZone', code: 'required', message: expect.any(String) }]);
    expect(validateBusinessHours({ timeZone: 9, week }, 'bh')).toEqual([{ path: 'bh.timeZone', code: 'invalid_type', message: expect.any(String) }]);
    expect(validateBusinessHours({ timeZone: 'Mars/Olympus', week }, 'bh')).toEqual([
      { path: 'bh.timeZone', code: 'invalid_value', message: expect.stringContaining('"Mars/Olympus"') },
    ]);
  });

  it('uses bare field names at the top level', () => {
    expect(validateBusinessHours({ timeZone: 'UTC' }, '')).toEqual([{ path: 'week', code: 'required', message: expect.any(String) }]);
  });

  it('checks weekdays and times', () => {
    const issues = validateBusinessHours(
      { timeZone: 'UTC', week: { '7': [], mon: [], '1': [['9:00', '17:00']], '2': [['09:00', '24:01']], '3': 'all day', '4': [['09:00']], '5': [[9, '17:00']] } },
      'bh',
    );
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ['bh.week.1[0][0]', 'invalid_value'],
      ['bh.week.2[0][1]', 'invalid_value'],
      ['bh.week.3', 'invalid_type'],
      ['bh.week.4[0]', 'invalid_type'],
      ['bh.week.5[0][0]', 'invalid_type'],
      ['bh.week.7', 'invalid_value'],
      ['bh.week.mon', 'invalid_value'],
    ]);
  });

  it('accepts the boundaries 00:00 and 24:00, and refuses empty, reversed, unordered and overlapping intervals', () => {
    const day = (...intervals: [string, string][]) => validateBusinessHours({ timeZone: 'UTC', week: { '1': intervals } }, 'bh');
    expect(day(['00:00', '24:00'])).toEqual([]);
    expect(day(['23:59', '24:00'])).toEqual([]);
    expect(day(['09:00', '09:00'])).toEqual([{ path: 'bh.week.1[0]', code: 'invalid_value', message: expect.stringContaining('start before it ends') }]);
    expect(day(['17:00', '09:00'])[0]).toMatchObject({ path: 'bh.week.1[0]', code: 'invalid_value' });
    expect(day(['13:00', '17:00'], ['09:00', '12:00'])).toEqual([{ path: 'bh.week.1[1]', code: 'invalid_value', message: expect.stringContaining('must not overlap') }]);
    expect(day(['09:00', '13:00'], ['12:00', '17:00'])[0]).toMatchObject({ path: 'bh.week.1[1]', code: 'invalid_value' });
    expect(day(['09:00', '12:00'], ['12:00', '17:00'])).toEqual([]);
  });

  it('needs at least one open interval in the week', () => {
    expect(validateBusinessHours({ timeZone: 'UTC', week: {} }, 'bh')).toEqual([{ path: 'bh.week', code: 'empty', message: expect.stringContaining('at least one') }]);
    expect(validateBusinessHours({ timeZone: 'UTC', week: { '1': [], '2': [] } }, 'bh')[0]).toMatchObject({ code: 'empty' });
  });

  it('bounds the intervals of a day', () => {
    const many = Array.from({ length: 25 }, (_, i): [string, string] => [`${String(i).padStart(2, '0')}:00`, `${String(i).padStart(2, '0')}:30`]);
    expect(validateBusinessHours({ timeZone: 'UTC', week: { '1': many } }, 'bh')).toEqual([{ path: 'bh.week.1', code: 'too_many', message: expect.any(String) }]);
  });
});
