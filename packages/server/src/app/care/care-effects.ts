import { parseDuration } from '../../domain/playbooks/duration.js';
import type { Decision, TimerOp } from '../../domain/playbooks/eval-types.js';
import { fullNameOf } from '../../domain/profile/customer-name.js';
import type { Profile } from '../../domain/profile/profile.js';
import type { IdGenerator } from '../../platform/ids.js';
import type {
  CareItemRecord, CareStoreOps, DecisionRecord, OnsiteMessageRecord, OutboxRecord, TimerRecord,
} from '../../ports/store.js';

/** A touch for the customer's live widget session, published after commit. */
export interface OnsiteTouch { workspaceId: string; customerId: string; message: OnsiteMessageRecord }

/**
 * Collects the care loop's output during a flush and writes it set-at-a-time: decisions (at
 * most once per playbook, customer, window and step), then — only for decisions actually
 * inserted — what they cause: on-site hints and invitations, "needs you now" alerts, staff
 * tasks and webhook deliveries. Timer changes are coalesced per key (last one wins).
 */
export class CareEffects {
  private readonly decisions: { customerId: string; d: Decision; profile: Profile }[] = [];
  private readonly timerOps = new Map<string, { customerId: string; op: TimerOp }>();
  readonly onsite: OnsiteTouch[] = [];

  constructor(private readonly workspaceId: string, private readonly ids: IdGenerator, private readonly now: number) {}

  add(customerId: string, profile: Profile, out: { decisions: Decision[]; timers: TimerOp[] }): void {
    for (const d of out.decisions) this.decisions.push({ customerId, d, profile });
    for (const op of out.timers) this.timerOps.set(op.key, { customerId, op });
  }

  get decisionCount(): number {
    return this.decisions.length;
  }

  async write(tx: CareStoreOps): Promise<void> {
    const ws = this.workspaceId;
    const sets: TimerRecord[] = [];
    const clears: string[] = [];
    for (const { customerId, op } of this.timerOps.values()) {
      if (op.op === 'set') sets.push({ id: this.ids.next('timer'), workspaceId: ws, customerId, key: op.key, kind: op.kind, playbookKey: op.playbookKey, dueAt: op.dueAt, payload: op.payload });
      else clears.push(op.key);
    }
    if (clears.length > 0) await tx.deleteTimers(ws, clears);
    if (sets.length > 0) await tx.upsertTimers(sets);
    if (this.decisions.length === 0) return;

    const rows: DecisionRecord[] = this.decisions.map(({ customerId, d }) => ({
      id: d.id, workspaceId: ws, customerId, playbookKey: d.playbookKey, playbookVersion: d.playbookVersion, step: d.step,
      action: d.action, outcome: d.outcome, reason: d.reason, windowKey: d.windowKey, at: d.at, explanation: d.explanation,
    }));
    const inserted = await tx.insertDecisions(rows);
    const alerts: CareItemRecord[] = [];
    const tasks: CareItemRecord[] = [];
    const messages: OnsiteMessageRecord[] = [];
    const outbox: OutboxRecord[] = [];
    for (const { customerId, d, profile } of this.decisions) {
      if (d.outcome !== 'fired' || !inserted.has(d.id)) continue;
      const s = d.stepDef;
      const context = { explanation: d.explanation, customer: snapshot(profile) };
      const base = { workspaceId: ws, customerId, decisionId: d.id, playbookKey: d.playbookKey, status: 'open' as const, claimedBy: null, claimedAt: null, resolvedAt: null, resolution: null, createdAt: this.now };
      switch (s.action) {
        case 'hint':
        case 'invite': {
          const content = s.action === 'hint' ? { title: s.title ?? null, body: s.body, link: s.link ?? null } : { message: s.message };
          const m: OnsiteMessageRecord = { id: this.ids.next('touch'), workspaceId: ws, customerId, decisionId: d.id, playbookKey: d.playbookKey, kind: s.action, content, createdAt: this.now, response: null, respondedAt: null };
          messages.push(m);
          this.onsite.push({ workspaceId: ws, customerId, message: m });
          break;
        }
        case 'alert':
          alerts.push({ ...base, id: this.ids.next('careItem'), title: `${d.playbookName}: ${s.note ?? d.explanation.trigger}`, priority: s.priority, context });
          break;
        case 'task':
          tasks.push({ ...base, id: this.ids.next('task'), title: s.title, priority: 'normal', context: { ...context, note: s.note ?? null }, team: s.team ?? null, owner: s.owner ?? null, dueAt: this.now + parseDue(s.due) });
          break;
        case 'webhook':
          outbox.push({
            id: this.ids.next('delivery'), workspaceId: ws, decisionId: d.id, url: s.url, status: 'pending', attempts: 0, nextAttemptAt: this.now, lastError: null, createdAt: this.now,
            body: JSON.stringify({ type: 'playbook.decision', id: d.id, workspaceId: ws, customerId, playbook: { key: d.playbookKey, version: d.playbookVersion }, step: d.step, at: new Date(d.at).toISOString(), explanation: d.explanation, customer: snapshot(profile) }),
          });
          break;
        case 'tag':
          break; // already applied to the profile by the evaluator
      }
    }
    await tx.insertOnsiteMessages(messages);
    await tx.insertCareItems('care_items', alerts);
    await tx.insertCareItems('tasks', tasks);
    await tx.insertOutbox(outbox);
  }
}

/** What a person needs to see at a glance beside an alert or task (also the low-CSAT queue item). */
export function snapshot(p: Profile) {
  const t = p.traits;
  return {
    name: fullNameOf(t),
    email: t['email'] ?? null,
    currentPage: p.session.currentPage?.path ?? null,
    cartValue: p.cart.value,
    cartCurrency: p.cart.currency,
    orders: p.orders.count,
    journeyStage: p.journey.stage,
    timezone: p.location.timezone,
  };
}

/** A task's due time, as validation accepted it ("4h", "1d12h", "500ms"); a day if unreadable. */
function parseDue(s: string): number {
  return parseDuration(s) ?? 86_400_000;
}
