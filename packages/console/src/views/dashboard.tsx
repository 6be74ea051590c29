/**
 * The dashboard (loaded on demand, with uPlot): per-playbook funnel, held-back reasons,
 * first-response times against the SLA, SLA attainment, satisfaction trend and wait times.
 * Every chart has a table or summary beside it, for screen readers and exact numbers.
 */
import type { ConversationsReport as ConversationsReportView, PlaybooksReport } from '@omotenashi/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, errorText } from '../lib/api';
import { t, tMaybe } from '../lib/i18n';
import { duration, percent } from '../lib/format';
import { FUNNEL_STAGES, normalizeConversations, normalizePlaybooks, type ConversationsReport, type PlaybookFunnel } from './reports';

const PALETTE = ['#3b6e8f', '#c2783f', '#5b8a5a', '#8a5b8a', '#b5564e', '#6f7f8f', '#a08a3f', '#3f8a8a'];

interface Data { playbooks: PlaybookFunnel[]; heldBackByReason: Record<string, number>; conv: ConversationsReport }

export default function Dashboard() {
  const [days, setDays] = useState(30);
  const [data, setData] = useState<Data | null>(null);
  const [errors, setErrors] = useState<string[]>([]);

  useEffect(() => {
    let alive = true;
    setData(null);
    // /reports/conversations already carries the SLA attainment and satisfaction series; any
    // failure (a 5xx included) is shown, and the charts it would have fed stay empty.
    const errs: string[] = [];
    const get = <T,>(path: string) => api.get<T>(path, { days }).catch((err: unknown) => { errs.push(errorText(err)); return null; });
    void Promise.all([get<PlaybooksReport>('/api/v1/reports/playbooks'), get<ConversationsReportView>('/api/v1/reports/conversations')]).then(([pb, conv]) => {
      if (!alive) return;
      setData({ ...normalizePlaybooks(pb), conv: normalizeConversations(conv) });
      setErrors(errs);
    });
    return () => { alive = false; };
  }, [days]);

  return (
    <main class="view dashboard" data-testid="dashboard" aria-labelledby="dash-title">
      <div class="view-head">
        <h1 id="dash-title">{t('dash.title')}</h1>
        <label class="inline-field"><span>{t('dash.period')}</span>
          <select data-testid="dashboard-days" value={String(days)} onChange={(e) => setDays(Number(e.currentTarget.value))}>
            {[7, 30, 90].map((d) => <option key={d} value={d}>{t('common.lastDays', { n: d })}</option>)}
          </select>
        </label>
      </div>
      {errors.length > 0 && <p class="error small" role="alert">{errors.join(' · ')}</p>}
      {!data ? <p class="muted" aria-busy="true">{t('app.loading')}</p> : (
        <div class="chart-grid">
          <FunnelCard data={data.playbooks} />
          <HeldBackCard byReason={data.heldBackByReason} />
          <FirstResponseCard fr={data.conv.firstResponse} />
          <DayCard name="sla-attainment" title={t('dash.attainment')} s={data.conv.attainment} fmt={(v) => percent(v)} range={[0, 1]} labels={[t('dash.firstResponse')]} />
          <DayCard name="satisfaction" title={t('dash.satisfaction')} s={data.conv.satisfaction} fmt={(v) => v.toFixed(1)} range={[1, 5]} labels={[t('dash.avgScore')]} />
          <DayCard name="waits" title={t('dash.waits')} s={data.conv.waits} fmt={(v) => `${v.toFixed(1)} min`} labels={[t('dash.median'), 'p90']}
            note={data.conv.waitingNow ? t('dash.waitingNow', { n: data.conv.waitingNow.count, d: data.conv.waitingNow.longestMs ? duration(data.conv.waitingNow.longestMs) : '—' }) : null} />
        </div>
      )}
    </main>
  );
}

/** One uPlot chart, sized to its container and redrawn when it resizes. */
function Chart({ opts, data, label }: { opts: Omit<uPlot.Options, 'width' | 'height'>; data: uPlot.AlignedData; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const plot = new uPlot({ ...opts, width: Math.max(280, el.clientWidth), height: 220 }, data, el);
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 220 }));
    ro.observe(el);
    return () => { ro.disconnect(); plot.destroy(); };
  }, [opts, data]);
  return <div class="chart" ref={ref} role="img" aria-label={label} />;
}

function Card({ name, title, children, empty }: { name: string; title: string; children: preact.ComponentChildren; empty: boolean }) {
  return (
    <section class="chart-card" data-testid={`chart-${name}`} data-empty={String(empty)} aria-label={title}>
      <h2>{title}</h2>
      {empty ? <p class="muted small chart-empty">{t('dash.noData')}</p> : children}
    </section>
  );
}

const axis = (extra: Partial<uPlot.Axis> = {}): uPlot.Axis => ({ stroke: '#6b7280', grid: { stroke: '#eef0f3', width: 1 }, ticks: { stroke: '#e5e7eb', width: 1 }, font: '11px system-ui, sans-serif', ...extra });

function indexAxis(labels: string[]): uPlot.Axis {
  return axis({ values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? labels[v] ?? '' : '')), incrs: [1] });
}

function barsPaths() {
  return uPlot.paths.bars ? uPlot.paths.bars({ size: [0.6, 64] }) : undefined;
}

function FunnelCard({ data }: { data: PlaybookFunnel[] }) {
  const shown = data.filter((p) => FUNNEL_STAGES.some((s) => p.counts[s] > 0)).slice(0, 8);
  const stageLabels = FUNNEL_STAGES.map((s) => tMaybe('funnel', s));
  const plotData = useMemoOnce(() => [FUNNEL_STAGES.map((_, i) => i), ...shown.map((p) => FUNNEL_STAGES.map((s) => p.counts[s]))] as uPlot.AlignedData, [data]);
  const opts = useMemoOnce(() => ({
    scales: { x: { time: false, range: [-0.3, FUNNEL_STAGES.length - 0.7] as uPlot.Range.MinMax } },
    axes: [indexAxis(stageLabels), axis()],
    series: [{ label: t('dash.stage') }, ...shown.map((p, i) => ({ label: p.name, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: true, size: 6 } }))],
    legend: { show: true, live: false },
  }), [data]);
  return (
    <Card name="funnel" title={t('dash.funnel')} empty={shown.length === 0}>
      <Chart opts={opts} data={plotData} label={t('dash.funnel')} />
      <table class="table compact small">
        <thead><tr><th scope="col">{t('playbooks.name')}</th>{stageLabels.map((l) => <th scope="col" class="num" key={l}>{l}</th>)}</tr></thead>
        <tbody>{shown.map((p) => <tr key={p.key}><th scope="row">{p.name}</th>{FUNNEL_STAGES.map((s) => <td class="num" key={s}>{p.counts[s]}</td>)}</tr>)}</tbody>
      </table>
    </Card>
  );
}

function HeldBackCard({ byReason }: { byReason: Record<string, number> }) {
  const entries = Object.entries(byReason).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]).slice(0, 10);
  const labels = entries.map(([k]) => tMaybe('reason', k));
  const plotData = useMemoOnce(() => [entries.map((_, i) => i), entries.map(([, v]) => v)] as uPlot.AlignedData, [byReason]);
  const opts = useMemoOnce(() => ({
    scales: { x: { time: false, range: [-0.6, entries.length - 0.4] as uPlot.Range.MinMax }, y: { range: (_u: uPlot, _min: number, max: number) => [0, Math.max(1, max * 1.15)] as uPlot.Range.MinMax } },
    axes: [indexAxis(labels), axis()],
    series: [{}, { label: t('dash.heldBackCount'), fill: 'rgba(194,120,63,0.55)', stroke: '#c2783f', paths: barsPaths(), points: { show: false } }],
    legend: { show: false },
  }), [byReason]);
  return (
    <Card name="held-back" title={t('dash.heldBack')} empty={entries.length === 0}>
      <Chart opts={opts} data={plotData} label={entries.map(([k, v]) => `${tMaybe('reason', k)} ${v}`).join(', ')} />
    </Card>
  );
}

function FirstResponseCard({ fr }: { fr: ConversationsReport['firstResponse'] }) {
  const b = fr.buckets;
  const slaIndex = fr.slaMinutes === null ? -1 : b.findIndex((x) => x.upToMinutes !== null && x.upToMinutes >= fr.slaMinutes!);
  const plotData = useMemoOnce(() => [b.map((_, i) => i), b.map((x) => x.count)] as uPlot.AlignedData, [fr]);
  const opts = useMemoOnce(() => ({
    scales: { x: { time: false, range: [-0.6, b.length - 0.4] as uPlot.Range.MinMax }, y: { range: (_u: uPlot, _min: number, max: number) => [0, Math.max(1, max * 1.15)] as uPlot.Range.MinMax } },
    axes: [indexAxis(b.map((x) => x.label)), axis()],
    series: [{}, { label: t('dash.conversations'), fill: 'rgba(59,110,143,0.55)', stroke: '#3b6e8f', paths: barsPaths(), points: { show: false } }],
    legend: { show: false },
    hooks: {
      // The SLA target as a dashed line after the last bucket within it.
      draw: [(u: uPlot) => {
        if (slaIndex < 0) return;
        const x = u.valToPos(slaIndex + 0.5, 'x', true);
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = '#b5564e';
        ctx.setLineDash([6, 4]);
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.restore();
      }],
    },
  }), [fr]);
  return (
    <Card name="first-response" title={t('dash.firstResponseDist')} empty={b.length === 0 || b.every((x) => x.count === 0)}>
      <Chart opts={opts} data={plotData} label={b.map((x) => `${x.label}: ${x.count}`).join(', ')} />
      <p class="small muted">
        {fr.slaMinutes !== null && <span class="legend-sla">{t('dash.slaTarget', { m: fr.slaMinutes })}</span>}
        {fr.withinSla !== null && <> · {t('dash.withinSla', { p: percent(fr.withinSla) })}</>}
        {fr.median !== null && <> · {t('dash.medianIs', { m: fr.median.toFixed(1) })}</>}
      </p>
    </Card>
  );
}

function DayCard({ name, title, s, fmt, range, labels, note }: { name: string; title: string; s: ConversationsReport['attainment']; fmt: (v: number) => string; range?: [number, number]; labels: string[]; note?: string | null }) {
  const idx = s.values.map((v, i) => (v.some((x) => x !== null) ? i : -1)).filter((i) => i >= 0);
  const plotData = useMemoOnce(() => [s.days, ...idx.map((i) => s.values[i]!)] as uPlot.AlignedData, [s]);
  const opts = useMemoOnce(() => ({
    scales: { x: { time: true }, ...(range ? { y: { range: range } } : {}) },
    axes: [axis(), axis({ values: (_u: uPlot, splits: number[]) => splits.map((v) => fmt(v)) })],
    legend: { live: false },
    series: [{}, ...idx.map((i, n) => ({ label: labels[i] ?? s.labels[i], stroke: PALETTE[n % PALETTE.length], width: 2, spanGaps: true, points: { show: true, size: 5 }, value: (_u: uPlot, v: number | null) => (v === null ? '—' : fmt(v)) }))],
  }), [s]);
  const latest = idx.length ? [...s.values[idx[0]!]!].reverse().find((v) => v !== null) : null;
  return (
    <Card name={name} title={title} empty={idx.length === 0 || s.days.length === 0}>
      <Chart opts={opts} data={plotData} label={`${title}: ${latest !== null && latest !== undefined ? fmt(latest) : '—'}`} />
      {note && <p class="small muted">{note}</p>}
    </Card>
  );
}

/** Memo keyed on object identity of its deps (the data objects are replaced, never mutated). */
function useMemoOnce<T>(make: () => T, deps: unknown[]): T {
  const ref = useRef<{ deps: unknown[]; value: T } | null>(null);
  if (!ref.current || ref.current.deps.length !== deps.length || ref.current.deps.some((d, i) => d !== deps[i])) ref.current = { deps, value: make() };
  return ref.current.value;
}
