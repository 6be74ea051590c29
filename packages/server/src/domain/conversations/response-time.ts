/*
 * First-response times, kept as a histogram of maintained counters per UTC day (like the SLA and
 * satisfaction counters): a reply adds 1 to one key, and a report reads a fixed set of keys
 * whatever the number of conversations. Medians and 90th percentiles are estimated within the
 * bucket they fall in, so the buckets are fine enough for that to be close.
 */

const S = 1_000;
const M = 60 * S;
const H = 60 * M;

/**
 * Lower edges of the stored buckets, in seconds. The key names the lower edge (not an index), so
 * adding an edge later never misreads counters already written. Every edge of the report's
 * buckets (1 m, 5 m, 15 m, 60 m, 4 h, 24 h) is among them.
 */
export const FINE_EDGES_S: readonly number[] = [
  0, 15, 30, 60, 120, 180, 300, 420, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200, 10800, 14400, 21600, 28800, 43200, 86400, 172800, 259200,
];

/** The buckets the dashboard shows. `toMs` null: open-ended. */
export const REPORT_BUCKETS: readonly { label: string; fromMs: number; toMs: number | null }[] = [
  { label: '<1m', fromMs: 0, toMs: M },
  { label: '1–5m', fromMs: M, toMs: 5 * M },
  { label: '5–15m', fromMs: 5 * M, toMs: 15 * M },
  { label: '15–60m', fromMs: 15 * M, toMs: H },
  { label: '1–4h', fromMs: H, toMs: 4 * H },
  { label: '4–24h', fromMs: 4 * H, toMs: 24 * H },
  { label: '>24h', fromMs: 24 * H, toMs: null },
];

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The lower edge (seconds) of the stored bucket an elapsed time falls in. */
export function fineEdgeOf(elapsedMs: number): number {
  const s = Math.max(0, elapsedMs) / S;
  let edge = 0;
  for (const e of FINE_EDGES_S) if (s >= e) edge = e;
  return edge;
}

export const firstResponseKey = (day: string, edgeS: number) => `frt:${day}:${edgeS}`;

/** Counter deltas for a conversation's first reply at `at`, `elapsedMs` after it started. */
export function firstResponseDeltas(at: number, elapsedMs: number): Record<string, number> {
  return { [firstResponseKey(utcDay(at), fineEdgeOf(elapsedMs))]: 1 };
}

/** Every counter key of these days (what a report reads). */
export function firstResponseKeys(days: readonly string[]): string[] {
  return days.flatMap((day) => FINE_EDGES_S.map((e) => firstResponseKey(day, e)));
}

/** Counts per stored bucket (index as in FINE_EDGES_S). */
export type Histogram = number[];

export function histogramOf(counts: Record<string, number>, days: readonly string[]): Histogram {
  return FINE_EDGES_S.map((e) => days.reduce((n, day) => n + (counts[firstResponseKey(day, e)] ?? 0), 0));
}

/**
 * The time under which a share `p` (0–1) of the replies came, interpolated within its bucket.
 * In the open-ended last bucket only its lower edge is known, so that is what is returned.
 */
export function percentileMs(h: Histogram, p: number): number | null {
  const total = h.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = p * total;
  let before = 0;
  for (let i = 0; i < h.length; i++) {
    const n = h[i]!;
    if (n > 0 && before + n >= rank) {
      const from = FINE_EDGES_S[i]! * S;
      const next = FINE_EDGES_S[i + 1];
      if (next === undefined) return from;
      return Math.round(from + ((rank - before) / n) * (next * S - from));
    }
    before += n;
  }
  return FINE_EDGES_S[FINE_EDGES_S.length - 1]! * S;
}

/** The stored buckets folded into the dashboard's. */
export function reportBuckets(h: Histogram): { label: string; fromMinutes: number; toMinutes: number | null; count: number }[] {
  return REPORT_BUCKETS.map((b) => ({
    label: b.label, fromMinutes: b.fromMs / M, toMinutes: b.toMs === null ? null : b.toMs / M,
    count: FINE_EDGES_S.reduce((n, e, i) => (e * S >= b.fromMs && (b.toMs === null || e * S < b.toMs) ? n + h[i]! : n), 0),
  }));
}

export function summarize(h: Histogram): { responses: number; medianMs: number | null; p90Ms: number | null } {
  return { responses: h.reduce((a, b) => a + b, 0), medianMs: percentileMs(h, 0.5), p90Ms: percentileMs(h, 0.9) };
}
