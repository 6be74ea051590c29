/*
 * Durations as playbook authors write them: "30s", "10m", "2h", "7d", compounds like "1d12h",
 * and "500ms". Units must come largest first and at most once each, so every duration has one
 * spelling a reviewer can read at a glance ("90m" is fine, "30m1h" is not).
 */

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
/** Rank of each unit: a compound must strictly decrease in rank. */
const UNIT_RANK: Record<Unit, number> = { d: 5, h: 4, m: 3, s: 2, ms: 1 };

/** The longest duration a playbook may mention (a yearly moment plus slack). */
export const MAX_DURATION_MS = 400 * UNIT_MS.d;

// `ms` before `m`, or "500ms" would read as 500 minutes followed by junk.
const PART = /(\d{1,9})(ms|d|h|m|s)/y;

/** Milliseconds for a duration like "30s", "10m", "2h", "7d", "1d12h" or "500ms"; null for anything else, zero, or beyond 400 days. */
export function parseDuration(s: string): number | null {
  if (typeof s !== 'string' || s.length === 0 || s.length > 32) return null;
  PART.lastIndex = 0;
  let total = 0;
  let lastRank = Number.POSITIVE_INFINITY;
  while (PART.lastIndex < s.length) {
    const match = PART.exec(s);
    if (match === null) return null;
    const unit = match[2] as Unit;
    const rank = UNIT_RANK[unit];
    if (rank >= lastRank) return null;
    lastRank = rank;
    total += Number(match[1]) * UNIT_MS[unit];
  }
  return total > 0 && total <= MAX_DURATION_MS ? total : null;
}

/** "2h" style text for a duration in ms (used in messages, e.g. "at most 30d"). */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.round(ms));
  let text = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const n = Math.floor(rest / UNIT_MS[unit]);
    if (n > 0) text += `${n}${unit}`;
    rest -= n * UNIT_MS[unit];
  }
  return text === '' ? '0s' : text;
}
