/**
 * The report routes' shapes (from the protocol package) turned into what the charts draw:
 * per-playbook funnel counts, and per-day series in uPlot's layout (epoch seconds, one value
 * array per line). A report that failed to load (null) draws as empty charts.
 */
import { FUNNEL_STAGES, type ConversationsReport as ConversationsReportView, type FunnelStage, type PlaybooksReport } from '@omotenashi/protocol';

export { FUNNEL_STAGES, type FunnelStage };

export interface PlaybookFunnel { key: string; name: string; counts: Record<FunnelStage, number>; heldBack: number; byReason: Record<string, number> }

export function normalizePlaybooks(r: PlaybooksReport | null): { playbooks: PlaybookFunnel[]; heldBackByReason: Record<string, number> } {
  if (!r) return { playbooks: [], heldBackByReason: {} };
  const playbooks = r.playbooks.map((p) => ({
    key: p.playbookKey,
    name: p.name,
    counts: Object.fromEntries(FUNNEL_STAGES.map((s) => [s, p[s]])) as Record<FunnelStage, number>,
    heldBack: Object.values(p.heldBack).reduce((a, b) => a + b, 0),
    byReason: p.heldBack,
  }));
  return { playbooks, heldBackByReason: r.heldBackByReason };
}

export interface Bucket { label: string; upToMinutes: number | null; count: number }
export interface DaySeries { days: number[]; values: (number | null)[][]; labels: string[] }
export interface ConversationsReport {
  firstResponse: { buckets: Bucket[]; slaMinutes: number | null; withinSla: number | null; median: number | null };
  attainment: DaySeries;
  satisfaction: DaySeries;
  waits: DaySeries;
  waitingNow: { count: number; longestMs: number | null } | null;
}

/** "2026-11-23" (a UTC day) → epoch seconds at its midnight (uPlot's time scale is in seconds). */
export function daySeconds(day: string): number | null {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(ms) ? null : ms / 1000;
}

function series<R extends { day: string }>(rows: R[], picks: [string, (row: R) => number | null][]): DaySeries {
  const days: number[] = [];
  const values: (number | null)[][] = picks.map(() => []);
  for (const row of rows) {
    const d = daySeconds(row.day);
    if (d === null) continue;
    days.push(d);
    picks.forEach(([, pick], i) => values[i]!.push(pick(row)));
  }
  return { days, values, labels: picks.map(([l]) => l) };
}

const minutesOf = (ms: number | null): number | null => (ms === null ? null : ms / 60_000);
const EMPTY: DaySeries = { days: [], values: [], labels: [] };

export function normalizeConversations(r: ConversationsReportView | null): ConversationsReport {
  if (!r) return { firstResponse: { buckets: [], slaMinutes: null, withinSla: null, median: null }, attainment: EMPTY, satisfaction: EMPTY, waits: EMPTY, waitingNow: null };
  const fr = r.firstResponse;
  return {
    firstResponse: {
      buckets: fr.buckets.map((b) => ({ label: b.label, upToMinutes: b.toMinutes, count: b.count })),
      slaMinutes: fr.targetMinutes,
      withinSla: r.sla.targets.first_response.attainment,
      median: minutesOf(fr.medianMs),
    },
    attainment: series(r.sla.byDay, [['first_response', (row) => {
      const { met, breached } = row.first_response;
      return met + breached ? met / (met + breached) : null;
    }]]),
    satisfaction: series(r.satisfaction.byDay, [['average', (row) => row.average]]),
    waits: series(fr.byDay, [['median', (row) => minutesOf(row.medianMs)], ['p90', (row) => minutesOf(row.p90Ms)]]),
    waitingNow: { count: r.waitingNow.count, longestMs: r.waitingNow.longestWaitMs },
  };
}
