import type { Issue } from '@omotenashi/protocol';
import { parseTimestamp } from '../../../domain/events/parse-timestamp.js';
import { validationError } from '../../../errors.js';

export const DAY_MS = 86_400_000;
/** The default period: the last 7 days up to now. */
export const DEFAULT_PERIOD_DAYS = 7;
/** The longest period one simulation may replay. */
export const MAX_PERIOD_DAYS = 90;

export interface Period { from: number; to: number }

/**
 * The period a simulation replays, from optional ISO-8601 `from` / `to` (strict, with a time
 * zone, as the tracking API accepts them). `to` defaults to now and is capped at now (the future
 * has no events yet); `from` defaults to 7 days before `to`. Problems name the field: `from`
 * and `to` in the API body, `--from` / `--to` on the command line (`names`).
 */
export function resolvePeriod(input: { from?: string | undefined; to?: string | undefined }, now: number, names = { from: 'from', to: 'to' }): Period {
  const issues: Issue[] = [];
  const parse = (field: 'from' | 'to'): number | null => {
    const raw = input[field];
    if (raw === undefined) return null;
    const ms = parseTimestamp(raw);
    if (typeof ms === 'number') return ms;
    issues.push({
      path: names[field], code: ms,
      message: ms === 'invalid_timestamp'
        ? `${names[field]} must be an ISO-8601 timestamp with a time zone, like 2026-11-01T00:00:00Z, got ${JSON.stringify(raw)}`
        : `${names[field]} must be between the years 2000 and 2100, got ${JSON.stringify(raw)}`,
    });
    return null;
  };
  const givenFrom = parse('from');
  const givenTo = parse('to');
  if (issues.length > 0) throw validationError(issues, issues[0]!.message);
  const to = Math.min(givenTo ?? now, now);
  const from = givenFrom ?? to - DEFAULT_PERIOD_DAYS * DAY_MS;
  if (from >= to) {
    const which = givenTo !== null && givenTo > now ? `now (${new Date(now).toISOString()})` : names.to;
    throw invalid(names.from, `${names.from} must be before ${which}, got ${new Date(from).toISOString()}`);
  }
  if (to - from > MAX_PERIOD_DAYS * DAY_MS) {
    const days = Math.ceil((to - from) / DAY_MS);
    throw invalid(givenFrom !== null ? names.from : names.to, `${names.to} − ${names.from} must be at most ${MAX_PERIOD_DAYS} days, got ${days} days; simulate a shorter period`);
  }
  return { from, to };
}

function invalid(path: string, message: string) {
  return validationError([{ path, code: 'invalid_value', message }], message);
}
