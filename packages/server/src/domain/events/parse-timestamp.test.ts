import { describe, expect, it } from 'vitest';
import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, parseTimestamp } from './parse-timestamp.js';

describe('parseTimestamp', () => {
  it.each([
    ['2024-05-01T12:34:56.789Z', Date.UTC(2024, 4, 1, 12, 34, 56, 789)],
    ['2024-05-01T12:34:56Z', Date.UTC(2024, 4, 1, 12, 34, 56)],
    ['2024-05-01T12:34Z', Date.UTC(2024, 4, 1, 12, 34)],
    ['2024-05-01 12:34:56Z', Date.UTC(2024, 4, 1, 12, 34, 56)],
    ['2024-05-01', Date.UTC(2024, 4, 1)],
    ['2024-05-01T12:00:00+09:00', Date.UTC(2024, 4, 1, 3)],
    ['2024-05-01T12:00:00-05:30', Date.UTC(2024, 4, 1, 17, 30)],
    ['2024-05-01T12:00:00.5Z', Date.UTC(2024, 4, 1, 12, 0, 0, 500)],
    ['2024-05-01T12:00:00.12Z', Date.UTC(2024, 4, 1, 12, 0, 0, 120)],
    // Extra precision is truncated, never rounded up into the next second.
    ['2024-05-01T12:00:00.9999999Z', Date.UTC(2024, 4, 1, 12, 0, 0, 999)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['2000-02-29', Date.UTC(2000, 1, 29)],
    ['2000-01-01T00:00:00Z', MIN_TIMESTAMP_MS],
    ['2099-12-31T23:59:59.999Z', MAX_TIMESTAMP_MS - 1],
  ])('accepts %s', (input, expected) => {
    expect(parseTimestamp(input)).toBe(expected);
  });

  it.each([
    '2023-02-29T00:00:00Z', // not a leap year
    '2023-02-30T00:00:00Z', // Date.parse would roll this into March
    '1900-02-29', // century, not a leap year
    '2023-04-31',
    '2023-13-01',
    '2023-00-10',
    '2023-01-00',
    '2023-01-32',
    '2023-01-01T25:00:00Z',
    '2023-01-01T24:00:00Z',
    '2023-01-01T12:60:00Z',
    '2023-01-01T12:00:60Z',
    '2023-01-01T12:00:00', // no time zone
    '2023-01-01T12Z',
    '2023-01-01T12:00:00.Z', // dot without digits
    '2023-01-01T12:00:00+0900', // offset without colon
    '2023-01-01T12:00:00+24:00',
    '2023-01-01T12:00:00+09:60',
    '2023-01-01T12:00:00Zjunk',
    '2023-01-01T12:00:00+09:00x',
    '2023-01-01x',
    '2023-1-01',
    '23-01-01',
    '+002023-01-01',
    '2023/01/01',
    '2023-01-01t12:00:00Z',
    'Mon, 01 May 2023 12:00:00 GMT',
    '',
    ' 2023-01-01',
  ])('refuses %j as invalid', (input) => {
    expect(parseTimestamp(input)).toBe('invalid_timestamp');
  });

  it.each([1714567890000, true, null, undefined, {}, []])('refuses non-string %j', (input) => {
    expect(parseTimestamp(input)).toBe('invalid_timestamp');
  });

  it.each(['1999-12-31T23:59:59.999Z', '2100-01-01T00:00:00Z', '0000-01-01', '0050-06-01', '9999-12-31T23:59:59Z'])(
    'reports %s as out of range',
    (input) => {
      expect(parseTimestamp(input)).toBe('timestamp_out_of_range');
    },
  );

  it('judges the range on the instant, after the offset is applied', () => {
    expect(parseTimestamp('2000-01-01T08:00:00+09:00')).toBe('timestamp_out_of_range');
    expect(parseTimestamp('2099-12-31T20:00:00-05:00')).toBe('timestamp_out_of_range');
    expect(parseTimestamp('1999-12-31T20:00:00-05:00')).toBe(MIN_TIMESTAMP_MS + 3_600_000);
  });
});
