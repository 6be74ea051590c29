import { DEFAULT_ETIQUETTE } from '../../domain/etiquette/settings.js';
import { validateEtiquetteSettings } from '../../domain/etiquette/validate-settings.js';
import { compilePlaybook, indexPlaybooks, type CompiledPlaybook } from '../../domain/playbooks/compile-playbook.js';
import type { PlaybookDefinition } from '../../domain/playbooks/definition.js';
import type { EvalPlaybook } from '../../domain/playbooks/eval-types.js';
import type { PlaybookSet } from '../../domain/playbooks/evaluate.js';
import type { Clock } from '../../ports/clock.js';
import type { PlaybookRecord, Store } from '../../ports/store.js';
import type { WorkspaceCare } from './workspace-care.js';

const STATEFUL = new Set(['dwell', 'absence', 'sequence', 'date', 'threshold']);

/** The compiled form the evaluator runs (closures built once per playbook version). */
export function toEvalPlaybook(c: CompiledPlaybook): EvalPlaybook {
  const isAbsence = c.triggerKind === 'absence';
  return {
    id: c.id, key: c.key, version: c.version, name: c.name, priority: c.priority, purpose: c.purpose, about: c.etiquette.about,
    trigger: c.triggerKind,
    ...(c.matchOn ? { matchOn: c.matchOn } : {}),
    ...((isAbsence ? c.matchAfter : c.matchFirst) ? { matchFirst: (isAbsence ? c.matchAfter : c.matchFirst)! } : {}),
    ...((isAbsence ? c.matchMissing : c.matchThen) ? { matchThen: (isAbsence ? c.matchMissing : c.matchThen)! } : {}),
    ...(c.matchDwellPage ? { matchDwellPage: c.matchDwellPage } : {}),
    ...(c.dwellMs !== null ? { dwellMs: c.dwellMs } : {}),
    ...(c.withinMs !== null ? { withinMs: c.withinMs } : {}),
    ...(c.repetitionCount !== null ? { count: c.repetitionCount } : {}),
    ...(c.thresholdFact && c.thresholdName !== null && c.thresholdAbove !== null
      ? { threshold: { fact: c.thresholdName, above: c.thresholdAbove, get: c.thresholdFact } } : {}),
    ...(c.dateMoment !== null ? { date: { moment: c.dateMoment, daysBefore: c.dateDaysBefore ?? 0, hour: c.dateHour ?? 10 } } : {}),
    conditions: (ctx, trace) => c.conditions(ctx, trace),
    steps: c.steps.map((s) => ({ action: s.action, afterMs: s.afterMs, def: s.definition })),
    etiquette: {
      ...(c.etiquette.cooldownMs !== null ? { cooldownMs: c.etiquette.cooldownMs } : {}),
      ...(c.etiquette.maxPerDay !== null ? { maxPerDay: c.etiquette.maxPerDay } : {}),
      ...(c.etiquette.maxPerWeek !== null ? { maxPerWeek: c.etiquette.maxPerWeek } : {}),
    },
  };
}

/** Builds the evaluator's view of a set of playbooks: the event index plus the stateful ones. */
export function playbookSet(records: { definition: PlaybookDefinition; id: string; version: number }[]): PlaybookSet {
  const compiled = records.map((r) => compilePlaybook(r.definition, { id: r.id, version: r.version }));
  const index = indexPlaybooks(compiled);
  const evals = new Map<CompiledPlaybook, EvalPlaybook>(compiled.map((c) => [c, toEvalPlaybook(c)]));
  const byKey = new Map([...evals.values()].map((e) => [e.key, e]));
  const stateful = [...evals.values()].filter((e) => STATEFUL.has(e.trigger));
  const memo = new WeakMap<readonly CompiledPlaybook[], readonly EvalPlaybook[]>();
  return {
    byKey,
    stateful,
    candidates(e) {
      const list = index.candidates(e);
      let out = memo.get(list);
      if (!out) {
        out = list.filter((c) => c.triggerKind === 'on' || c.triggerKind === 'repetition').map((c) => evals.get(c)!);
        memo.set(list, out);
      }
      return out;
    },
  };
}

/**
 * Per-workspace compiled playbooks and etiquette, cached. A change made through this process
 * is seen at once (`invalidate`); one made by another process within `ttlMs`.
 */
export class PlaybookRegistry {
  private readonly cache = new Map<string, { value: WorkspaceCare | null; until: number }>();

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly ttlMs = 5_000) {}

  async careFor(workspaceId: string): Promise<WorkspaceCare | null> {
    const now = this.clock.now();
    const hit = this.cache.get(workspaceId);
    if (hit && hit.until > now) return hit.value;
    const value = await this.load(workspaceId);
    this.cache.set(workspaceId, { value, until: now + this.ttlMs });
    return value;
  }

  invalidate(workspaceId: string): void {
    this.cache.delete(workspaceId);
  }

  private async load(workspaceId: string): Promise<WorkspaceCare | null> {
    const records = (await this.store.listPlaybooks(workspaceId)).filter((p: PlaybookRecord) => p.enabled);
    if (records.length === 0) return null; // no playbooks: ingestion skips the care loop entirely
    const settingsDoc = (await this.store.getWorkspaceSettings(workspaceId))['etiquette'];
    const parsed = settingsDoc === undefined ? null : validateEtiquetteSettings(settingsDoc);
    return {
      playbooks: playbookSet(records.map((r) => ({ definition: r.definition as PlaybookDefinition, id: r.id, version: r.version }))),
      settings: parsed?.ok ? parsed.settings : DEFAULT_ETIQUETTE,
    };
  }
}
