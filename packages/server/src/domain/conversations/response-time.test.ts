import { describe, expect, it } from 'vitest';
import {
  FINE_EDGES_S, REPORT_BUCKETS, fineEdgeOf, firstResponseDeltas, firstResponseKeys, histogramOf, percentileMs, reportBuckets, summarize,
} from './response-time.js';

const M = 60_000;
const at = Date.parse('2026-11-22T23:59:00Z');

describe('first-response histogram', () => {
  it('files a reply under the UTC day it came and the lower edge of its bucket', () => {
    expect(firstResponseDeltas(at, 0)).toEqual({ 'frt:2026-11-22:0': 1 });
    expect(firstResponseDeltas(at, 59_999)).toEqual({ 'frt:2026-11-22:30': 1 });
    expect(firstResponseDeltas(at, M)).toEqual({ 'frt:2026-11-22:60': 1 });
    expect(firstResponseDeltas(at + 2 * M, 3 * 86_400_000)).toEqual({ 'frt:2026-11-23:259200': 1 });
    // A clock step backwards never makes a negative time.
    expect(fineEdgeOf(-5_000)).toBe(0);
  });

  it('has every edge of the dashboard buckets among its own, so folding is exact', () => {
    for (const b of REPORT_BUCKETS) expect(FINE_EDGES_S).toContain(b.fromMs / 1000);
    const h = histogramOf({ 'frt:d1:0': 2, 'frt:d1:60': 1, 'frt:d2:240': 0, 'frt:d2:3600': 4, 'frt:d2:86400': 1, 'frt:d2:259200': 3 }, ['d1', 'd2']);
    expect(reportBuckets(h).map((b) => [b.label, b.count])).toEqual([['<1m', 2], ['1–5m', 1], ['5–15m', 0], ['15–60m', 0], ['1–4h', 4], ['4–24h', 0], ['>24h', 4]]);
    expect(reportBuckets(h)[0]).toMatchObject({ fromMinutes: 0, toMinutes: 1 });
    expect(reportBuckets(h)[6]).toMatchObject({ fromMinutes: 1440, toMinutes: null });
  });

  it('reads only the days asked', () => {
    const h = histogramOf({ 'frt:2026-11-21:0': 5, 'frt:2026-11-22:0': 1 }, ['2026-11-22']);
    expect(summarize(h).responses).toBe(1);
    expect(firstResponseKeys(['2026-11-22'])).toHaveLength(FINE_EDGES_S.length);
  });

  it('estimates the median and 90th percentile within their bucket', () => {
    const h = FINE_EDGES_S.map(() => 0);
    expect(summarize(h)).toEqual({ responses: 0, medianMs: null, p90Ms: null });
    // Ten replies between 2 and 3 minutes: the median is half way through that bucket.
    h[FINE_EDGES_S.indexOf(120)] = 10;
    expect(percentileMs(h, 0.5)).toBe(150_000);
    expect(percentileMs(h, 0.9)).toBe(174_000);
    // One very late reply moves the 90th percentile only when it is more than a tenth.
    h[FINE_EDGES_S.length - 1] = 1;
    expect(percentileMs(h, 0.9)).toBeLessThan(180_000);
    h[FINE_EDGES_S.length - 1] = 5;
    // In the open-ended bucket only its lower edge (72 h) is known.
    expect(percentileMs(h, 0.9)).toBe(259_200_000);
  });
});
