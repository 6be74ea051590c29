import { SLA_TARGETS, type ConversationsReport, type SlaTarget } from '@omotenashi/protocol';
import type { SlaPolicyRecord } from '../../ports/conversation-store.js';
import type { Store } from '../../ports/store.js';
import { firstResponseKeys, histogramOf, reportBuckets, summarize } from '../../domain/conversations/response-time.js';
import { choosePolicy } from './sla-policies.js';

const DAY = 86_400_000;
const CSAT_SCORES = [1, 2, 3, 4, 5] as const;
/** How many of the longest-waiting conversations the dashboard lists. */
const WAITING_LISTED = 5;

/** UTC days (YYYY-MM-DD) from `days - 1` days ago to today, oldest first: the counters are kept by UTC day. */
export function dayRange(now: number, days: number): string[] {
  return Array.from({ length: days }, (_, i) => new Date(now - (days - 1 - i) * DAY).toISOString().slice(0, 10));
}

type Counts = Pick<Store, 'getCounts'>;

/** Service-level attainment per target and per day, from the counters (only the asked days' keys are read). */
export async function slaReport(store: Counts, workspaceId: string, now: number, days: number): Promise<ConversationsReport['sla'] & { days: number }> {
  const range = dayRange(now, days);
  const counts = await store.getCounts(workspaceId, {
    keys: range.flatMap((day) => ['met', 'breached'].flatMap((kind) => SLA_TARGETS.map((t) => `sla:${day}:${kind}:${t}`))),
  });
  const at = (day: string, outcome: 'met' | 'breached', t: string) => counts[`sla:${day}:${outcome}:${t}`] ?? 0;
  const byDay = range.map((day) => ({ day, ...(Object.fromEntries(SLA_TARGETS.map((t) => [t, { met: at(day, 'met', t), breached: at(day, 'breached', t) }])) as Record<SlaTarget, { met: number; breached: number }>) }));
  const targets = Object.fromEntries(SLA_TARGETS.map((t) => {
    const met = range.reduce((n, day) => n + at(day, 'met', t), 0);
    const breached = range.reduce((n, day) => n + at(day, 'breached', t), 0);
    return [t, { met, breached, attainment: met + breached === 0 ? null : met / (met + breached) }];
  })) as ConversationsReport['sla']['targets'];
  return { days, targets, byDay };
}

/** Satisfaction responses, average and distribution, overall and per day, from the counters. */
export async function csatReport(store: Counts, workspaceId: string, now: number, days: number): Promise<ConversationsReport['satisfaction'] & { days: number }> {
  const range = dayRange(now, days);
  const counts = await store.getCounts(workspaceId, { keys: range.flatMap((day) => CSAT_SCORES.map((n) => `csat:${day}:${n}`)) });
  const distribution = Object.fromEntries(CSAT_SCORES.map((score) => [score, 0])) as Record<(typeof CSAT_SCORES)[number], number>;
  let responses = 0;
  let total = 0;
  const byDay = range.map((day) => {
    let n = 0;
    let sum = 0;
    for (const score of CSAT_SCORES) {
      const k = counts[`csat:${day}:${score}`] ?? 0;
      distribution[score] += k;
      n += k;
      sum += k * score;
    }
    responses += n;
    total += sum;
    return { day, responses: n, average: n === 0 ? null : sum / n };
  });
  return { days, responses, average: responses === 0 ? null : total / responses, distribution, byDay };
}

/**
 * The first-response target a conversation gets when nothing more specific applies: the policy
 * for normal priority that names no channel (else the built-in 24 hours).
 */
function defaultTarget(policies: SlaPolicyRecord[]): { policyId: string | null; minutes: number } {
  const chosen = choosePolicy(policies.filter((p) => p.channel === null), 'webchat', 'normal');
  return { policyId: chosen.id, minutes: chosen.policy.firstResponseMinutes };
}

/** First-response times (the distribution and per-day median / 90th percentile) from their histogram counters. */
export async function firstResponseReport(store: Counts, workspaceId: string, now: number, days: number, policies: SlaPolicyRecord[]): Promise<ConversationsReport['firstResponse']> {
  const range = dayRange(now, days);
  const counts = await store.getCounts(workspaceId, { keys: firstResponseKeys(range) });
  const all = histogramOf(counts, range);
  const target = defaultTarget(policies);
  return {
    targetMinutes: target.minutes, targetPolicyId: target.policyId,
    ...summarize(all),
    buckets: reportBuckets(all),
    byDay: range.map((day) => ({ day, ...summarize(histogramOf(counts, [day])) })),
  };
}

/** Conversations waiting on an operator right now: how many, and the longest waits. */
export async function waitingNow(store: Pick<Store, 'waitingConversations'>, workspaceId: string, now: number): Promise<ConversationsReport['waitingNow']> {
  const { count, longest } = await store.waitingConversations(workspaceId, WAITING_LISTED);
  const oldest = longest[0]?.waitingSince;
  return {
    count,
    longestWaitMs: oldest === undefined || oldest === null ? null : Math.max(0, now - oldest),
    longest: longest.map((c) => ({
      id: c.id, customerId: c.customerId, channel: c.channel, assigneeId: c.assigneeId, team: c.team, priority: c.priority,
      preview: c.preview, waitingSince: c.waitingSince, waitedMs: Math.max(0, now - (c.waitingSince ?? now)),
    })),
  };
}
