import { describe, expect, it } from 'vitest';
import { formatDuration, MAX_DURATION_MS, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    ['1d12h', 129_600_000],
    ['500ms', 500],
    ['1h30m', 5_400_000],
    ['90m', 5_400_000],
    ['2m30s500ms', 150_500],
    ['400d', MAX_DURATION_MS],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '0s', '401d', '10', 'm', '1.5h', '-1h', ' 1h', '1h ', '1H', '30m1h', '1h1h', '1w', '1 h', '5minutes', '1d12', '99999999999d'])(
    'refuses %j',
    (text) => {
      expect(parseDuration(text)).toBeNull();
    },
  );

  it('formats back', () => {
    expect(formatDuration(30 * 86_400_000)).toBe('30d');
    expect(formatDuration(129_600_000)).toBe('1d12h');
    expect(formatDuration(0)).toBe('0s');
  });
});
