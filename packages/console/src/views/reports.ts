/**
 * Report shapes for the dashboard, read defensively: each normalizer accepts the fields the
 * report routes give and returns plain series, or empty ones when there is nothing to draw.
 */

export const FUNNEL_STAGES = ['fired', 'shown', 'dismissed', 'engaged', 'resolved', 'purchased'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

export interface PlaybookFunnel { key: string; name: string; counts: Record<FunnelStage, number>; heldBack: number; byReason: Record<string, number> }

const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const nn = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, any> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, any>) : {});
const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);

export function normalizePlaybooks(raw: unknown): { playbooks: PlaybookFunnel[]; heldBackByReason: Record<string, number> } {
  const r = obj(raw);
  const list = arr(r.playbooks ?? r.items);
  const playbooks = list.map((p: Record<string, any>) => {
    const f = obj(p.funnel ?? p.counts ?? p);
    const counts = Object.fromEntries(FUNNEL_STAGES.map((s) => [s, n(f[s])])) as Record<FunnelStage, number>;
    const held = obj(p.heldBack);
    const byReason = obj(p.heldBackByReason ?? p.byReason ?? held.byReason ?? p.heldBackReasons ?? (held.total === undefined ? p.heldBack : undefined));
    return { key: String(p.key ?? p.playbookKey ?? '?'), name: String(p.name ?? p.key ?? p.playbookKey ?? '?'), counts, heldBack: typeof p.heldBack === 'number' ? p.heldBack : n(held.total ?? Object.values(byReason).reduce((s: number, x) => s + n(x), 0)), byReason: byReason as Record<string, number> };
  });
  let heldBackByReason = obj(r.heldBackByReason ?? obj(r.heldBack).byReason ?? r.heldBackReasons) as Record<string, number>;
  if (Object.keys(heldBackByReason).length === 0) {
    heldBackByReason = {};
    for (const p of playbooks) for (const [k, v] of Object.entries(p.byReason)) heldBackByReason[k] = (heldBackByReason[k] ?? 0) + n(v);
  }
  return { playbooks, heldBackByReason };
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

/** "2026-11-23" → epoch seconds at UTC midnight (uPlot's time scale is in seconds). */
export function daySeconds(day: unknown): number | null {
  if (typeof day !== 'string') return typeof day === 'number' ? (day > 1e11 ? day / 1000 : day) : null;
  const ms = Date.parse(day.length === 10 ? `${day}T00:00:00Z` : day);
  return Number.isNaN(ms) ? null : ms / 1000;
}

function series(rows: any[], picks: [string, (row: Record<string, any>) => number | null][]): DaySeries {
  const days: number[] = [];
  const values: (number | null)[][] = picks.map(() => []);
  for (const row of rows) {
    const d = daySeconds(row.day ?? row.date ?? row.at);
    if (d === null) continue;
    days.push(d);
    picks.forEach(([, pick], i) => values[i]!.push(pick(row)));
  }
  return { days, values, labels: picks.map(([l]) => l) };
}

function minutes(v: unknown, unit: 'ms' | 's' | 'min'): number | null {
  const x = nn(v);
  if (x === null) return null;
  return unit === 'ms' ? x / 60_000 : unit === 's' ? x / 60 : x;
}

export function normalizeConversations(raw: unknown): ConversationsReport {
  const r = obj(raw);
  const fr = obj(r.firstResponse ?? r.firstResponseTimes ?? r.firstResponseDistribution);
  const slaMinutes = nn(fr.slaMinutes ?? fr.targetMinutes) ?? minutes(fr.slaMs ?? fr.targetMs, 'ms') ?? minutes(fr.slaSeconds ?? fr.targetSeconds, 's');
  const buckets: Bucket[] = arr(fr.buckets ?? fr.distribution ?? fr.histogram).map((b: Record<string, any>, i: number) => {
    const up = nn(b.toMinutes ?? b.upToMinutes ?? b.maxMinutes ?? b.leMinutes) ?? minutes(b.upToMs ?? b.maxMs ?? b.leMs, 'ms') ?? minutes(b.upToSeconds ?? b.maxSeconds ?? b.leSeconds, 's');
    return { label: String(b.label ?? (up === null ? `>${i}` : `≤${up < 1 ? `${Math.round(up * 60)}s` : up < 60 ? `${up}m` : `${Math.round(up / 60)}h`}`)), upToMinutes: up, count: n(b.count ?? b.conversations ?? b.n) };
  });

  const slaRows = arr(obj(r.sla ?? r.attainment ?? r.slaAttainment).byDay);
  const attainment = series(slaRows, [['first_response', (row) => {
    if (typeof row.attainment === 'number') return row.attainment;
    const fr1 = obj(row.first_response ?? row.firstResponse);
    const met = n(fr1.met ?? row.met), br = n(fr1.breached ?? row.breached);
    return met + br ? met / (met + br) : null;
  }]]);

  const csatRows = arr(obj(r.satisfaction ?? r.csat).byDay);
  const satisfaction = series(csatRows, [['average', (row) => nn(row.average ?? row.avg ?? row.score)]]);

  const waitRows = arr(obj(r.waits ?? r.waitTimes ?? r.wait).byDay ?? fr.byDay);
  const pickWait = (names: string[]) => (row: Record<string, any>) => {
    for (const k of names) {
      if (typeof row[`${k}Minutes`] === 'number') return row[`${k}Minutes`] as number;
      if (typeof row[`${k}Ms`] === 'number') return (row[`${k}Ms`] as number) / 60_000;
      if (typeof row[`${k}Seconds`] === 'number') return (row[`${k}Seconds`] as number) / 60;
    }
    return null;
  };
  const waits = series(waitRows, [['median', pickWait(['median', 'p50'])], ['p90', pickWait(['p90'])], ['max', pickWait(['max', 'longest'])]]);

  return {
    firstResponse: { buckets, slaMinutes, withinSla: nn(fr.withinSla ?? fr.withinSlaShare ?? fr.attainment ?? obj(obj(obj(r.sla).targets).first_response).attainment), median: nn(fr.medianMinutes) ?? minutes(fr.medianMs, 'ms') ?? minutes(fr.medianSeconds, 's') },
    attainment, satisfaction, waits,
    waitingNow: r.waitingNow ? { count: n(obj(r.waitingNow).count), longestMs: nn(obj(r.waitingNow).longestWaitMs) } : null,
  };
}
