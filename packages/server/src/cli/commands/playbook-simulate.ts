import { readPlaybookFile } from '../../app/care/playbook-files.js';
import { simulate, type SimulationProgress, type SimulationReport } from '../../app/care/simulate.js';
import { resolvePeriod, type Period } from '../../app/care/simulate/period.js';
import { OmotenashiError } from '../../errors.js';
import { intFlag, isJson, optionalFlag, requireFlag, WORKSPACE_OPTION } from '../args.js';
import { CliError } from '../cli-error.js';
import { withServices } from '../context.js';
import { printResult } from '../output.js';
import type { Command } from './command.js';

const USAGE = 'playbook simulate (KEY | --file FILE [KEY]) --workspace ID [--from ISO] [--to ISO] [--limit N] [--alone] [--quiet] [--json]';

const group = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * Simulation progress on stderr: a line redrawn in place on a terminal, or a plain line per
 * phase, every `plainEveryMs` and at the end when stderr is a file or pipe (logs, CI).
 */
export class SimulationProgressBar {
  private last: SimulationProgress | null = null;
  private lastPhase: string | null = null;
  private rendered: SimulationProgress | null = null;
  private readonly timer: NodeJS.Timeout;
  private drawn = false;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly tty: boolean = out.isTTY === true,
    plainEveryMs = 10_000,
  ) {
    this.timer = setInterval(() => this.render(), tty ? 100 : plainEveryMs);
    this.timer.unref();
  }

  update(p: SimulationProgress): void {
    this.last = p;
    if (!this.tty && p.phase !== this.lastPhase) this.render();
  }

  /** Stops; a terminal's bar is cleared, a log gets the final state (if not written yet). */
  stop(): void {
    clearInterval(this.timer);
    if (this.tty && this.drawn) this.out.write('\r\x1b[K');
    if (!this.tty && this.last !== this.rendered) this.render();
  }

  private render(): void {
    const p = this.last;
    if (!p) return;
    this.rendered = p;
    this.lastPhase = p.phase;
    if (p.phase === 'scanning') {
      const text = `simulate: finding active customers… ${group(p.eventsScanned)} events, ${group(p.customersTotal)} customers`;
      this.write(text, null);
      return;
    }
    const fraction = p.customersTotal > 0 ? p.customersDone / p.customersTotal : 1;
    const text = `simulate: ${(fraction * 100).toFixed(0).padStart(3)}%  ${group(p.customersDone)} / ${group(p.customersTotal)} customers, ${group(p.eventsReplayed)} events replayed`;
    this.write(text, fraction);
  }

  private write(text: string, fraction: number | null): void {
    if (!this.tty) {
      this.out.write(`${text}\n`);
      return;
    }
    const columns = this.out.columns || 80;
    const width = 20;
    let line = text;
    if (fraction !== null && columns - text.length >= width + 4) {
      const filled = Math.round(fraction * width);
      line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`;
    }
    this.out.write(`\r${line.slice(0, columns - 1)}\x1b[K`);
    this.drawn = true;
  }
}

/** The playbook to simulate: a stored key, or one definition from a file (picked by KEY when it holds several). */
function target(v: Record<string, string | boolean | undefined>, positionals: string[]): string | Record<string, unknown> {
  if (positionals.length > 1) throw new CliError(`unexpected argument ${JSON.stringify(positionals[1])}\nusage: omotenashi ${USAGE}`, 2);
  const key = positionals[0];
  const file = optionalFlag(v, 'file');
  if (file === undefined) {
    if (key === undefined) throw new CliError(`give a playbook KEY or --file FILE\nusage: omotenashi ${USAGE}`, 2);
    return key;
  }
  const docs = readPlaybookFile(file);
  const keyOf = (d: unknown) => (typeof d === 'object' && d !== null ? (d as { key?: unknown }).key : undefined);
  if (key !== undefined) {
    const doc = docs.find((d) => keyOf(d) === key);
    if (doc === undefined) throw new CliError(`${file} has no playbook with key ${JSON.stringify(key)}`);
    return doc as Record<string, unknown>;
  }
  if (docs.length !== 1) {
    throw new CliError(`${file} holds ${docs.length} playbooks; name the one to simulate: playbook simulate KEY --file ${file}`, 2);
  }
  const doc = docs[0];
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new CliError(`${file} does not hold a playbook (an object with key, name, trigger, steps…)`);
  return doc as Record<string, unknown>;
}

export const playbookSimulate: Command = {
  name: ['playbook', 'simulate'],
  usage: USAGE,
  summary: 'replay a period of stored events (default: the last 7 days): whom would it reach? writes nothing',
  options: {
    ...WORKSPACE_OPTION, file: { type: 'string', short: 'f' }, from: { type: 'string' }, to: { type: 'string' },
    limit: { type: 'string' }, alone: { type: 'boolean', default: false }, quiet: { type: 'boolean', short: 'q', default: false },
  },
  async run(v, positionals) {
    const workspaceId = requireFlag(v, 'workspace', USAGE);
    const playbook = target(v, positionals);
    const limit = intFlag(v, 'limit', null, 1, 100_000_000);
    const json = isJson(v);
    const report = await withServices(async (s) => {
      await s.tenancy.requireWorkspace(workspaceId);
      let period: Period;
      try {
        period = resolvePeriod({ from: optionalFlag(v, 'from'), to: optionalFlag(v, 'to') }, s.clock.now(), { from: '--from', to: '--to' });
      } catch (err) {
        if (err instanceof OmotenashiError && err.code === 'validation_failed') throw new CliError(`${err.message}\nusage: omotenashi ${USAGE}`, 2);
        throw err;
      }
      const progress = v['quiet'] === true ? null : new SimulationProgressBar();
      try {
        return await simulate(s, workspaceId, { playbook, ...period, limitCustomers: limit ?? undefined, alone: v['alone'] === true }, (p) => progress?.update(p));
      } finally {
        progress?.stop();
      }
    }, { geo: true });
    if (json) printResult(true, report as unknown as Record<string, unknown>);
    else process.stdout.write(formatReport(report));
  },
};

const pct = (n: number, of: number): string => (of === 0 ? '0%' : `${((100 * n) / of).toFixed(n * 100 < of ? 1 : 0)}%`);

/** The report for people: what it would have done, then who, with the evaluator's own explanations. */
export function formatReport(r: SimulationReport): string {
  const out: string[] = [];
  const pb = r.playbook;
  out.push(`Simulation of "${pb.name}" (${pb.key} v${pb.version}${pb.draft ? ', not saved' : ''})`);
  out.push(`  period     ${r.period.from} → ${r.period.to}`);
  out.push(`  alongside  ${r.alongside.length > 0 ? r.alongside.join(', ') : '(none: simulated alone)'}`);
  out.push(`  replayed   ${group(r.eventsReplayed)} events of ${group(r.customersSeen)} customers in ${(r.durationMs / 1000).toFixed(1)} s${r.limited ? ' (stopped at --limit: more customers were active)' : ''}`);
  out.push('');
  out.push(`Would have reached ${group(r.reached)} of ${group(r.customersSeen)} customers (${pct(r.reached, r.customersSeen)}).`);
  out.push('');
  const rows = r.byStep.map((s) => [`cup ${s.step + 1}`, s.action, group(s.fired), group(s.heldBack)]);
  const grid = [['step', 'action', 'fired', 'held back'], ...rows];
  const widths = grid[0]!.map((_, i) => Math.max(...grid.map((g) => g[i]!.length)));
  for (const g of grid) out.push(`  ${g.map((c, i) => (i === g.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`);
  const reasons = Object.entries(r.heldBackByReason).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) {
    out.push('');
    out.push('Held back, by reason:');
    const w = Math.max(...reasons.map(([k]) => k.length));
    for (const [reason, n] of reasons) out.push(`  ${reason.padEnd(w)}  ${group(n)}`);
  }
  if (r.sample.length > 0) {
    out.push('');
    out.push(`First ${r.sample.length === 1 ? 'customer' : `${r.sample.length} customers`} reached:`);
    for (const c of r.sample) {
      out.push(`  ${c.customerId}`);
      for (const d of c.decisions) out.push(`    ${d.at}  ${d.outcome === 'fired' ? 'fired    ' : 'held back'}  ${d.summary}`);
    }
  }
  out.push('');
  out.push('Nothing was written: no decisions, touches, queue items or webhooks.');
  return `${out.join('\n')}\n`;
}
