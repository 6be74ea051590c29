import { describe, expect, it } from 'vitest';
import { parseCalendarDate, parseIsoParts } from './calendar-date.js';

describe('parseCalendarDate', () => {
  it.each([
    ['1990-05-14', { year: 1990, month: 5, day: 14 }],
    ['1990-05-14T23:30:00-05:00', { year: 1990, month: 5, day: 14 }], // the date as written
    ['2024-02-29', { year: 2024, month: 2, day: 29 }],
    ['--02-29', { year: null, month: 2, day: 29 }],
    ['--1224', { year: null, month: 12, day: 24 }],
  ])('accepts %s', (input, expected) => {
    expect(parseCalendarDate(input)).toEqual(expected);
  });

  it.each(['2026-02-30', '2025-02-29', '--02-30', '1990-13-01', '1990-5-14', '14/05/1990', 'tomorrow', '', '1990-05-14T25:00'])(
    'rejects %s',
    (input) => {
      expect(parseCalendarDate(input)).toBeNull();
    },
  );

  it('reads offsets', () => {
    expect(parseIsoParts('2026-01-05T12:00:00+0530')?.offsetMinutes).toBe(330);
    expect(parseIsoParts('2026-01-05T12:00:00.123456Z')?.time?.millisecond).toBe(123);
  });
});
