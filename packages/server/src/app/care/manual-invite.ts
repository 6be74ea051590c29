import { checkEtiquette } from '../../domain/etiquette/check.js';
import { recordTouch } from '../../domain/etiquette/ledger.js';
import { ensureMemory } from '../../domain/etiquette/memory.js';
import type { EtiquetteSettings } from '../../domain/etiquette/settings.js';
import type { Decision } from '../../domain/playbooks/eval-types.js';
import { notFound } from '../../errors.js';
import type { IdGenerator } from '../../platform/ids.js';
import type { Bus } from '../../ports/bus.js';
import type { Clock } from '../../ports/clock.js';
import type { Store } from '../../ports/store.js';
import { CareEffects, type OnsiteTouch } from './care-effects.js';

/** The playbook key manual invitations are recorded under (decisions, touches, "no thanks"). */
export const MANUAL_PLAYBOOK = 'manual';
/** Above every playbook's priority: a person chose this moment. */
const MANUAL_PRIORITY = 1000;

export type ManualInviteResult =
  | { outcome: 'sent'; decisionId: string; touch: OnsiteTouch['message'] }
  | { outcome: 'held_back'; decisionId: string; reason: string; detail: string };

/**
 * An operator's "invite to chat" for a visitor on the site: the same etiquette as a playbook's
 * invite (consent, a recent "no thanks", caps, typing, paying, already in a conversation), the
 * same decision record, the same on-site touch through CareEffects, and the same push to the
 * visitor's sockets (the bus's `touch` topic, as the ingestion flush publishes it).
 *
 * It runs under the workspace's ingestion lock and bumps its write sequence, so a concurrent
 * flush neither overwrites the touch it records in the etiquette ledger nor works from a stale
 * cached customer.
 */
export async function manualInvite(
  deps: { store: Store; ids: IdGenerator; clock: Clock; bus: Bus; etiquette: (workspaceId: string) => Promise<EtiquetteSettings> },
  workspaceId: string, customerId: string, message: string, by: { id: string; name: string | null },
): Promise<ManualInviteResult> {
  const settings = await deps.etiquette(workspaceId);
  const { result, touches } = await deps.store.transaction(async (tx) => {
    await tx.lockWorkspaceForIngest(workspaceId);
    const [customer] = await tx.loadCustomers(workspaceId, [customerId]);
    if (!customer || customer.mergedInto !== null) throw notFound('customer', customerId);
    const now = deps.clock.now();
    const verdict = checkEtiquette({
      settings, playbook: { key: MANUAL_PLAYBOOK, purpose: 'service', priority: MANUAL_PRIORITY, about: [] },
      channel: 'onsite', care: customer.care, profile: customer.profile, now, localHour: null,
    });
    const who = by.name ?? by.id;
    const decision: Decision = {
      id: deps.ids.next('decision'), playbookKey: MANUAL_PLAYBOOK, playbookVersion: 0, playbookName: 'Manual invitation',
      step: 0, action: 'invite', stepDef: { action: 'invite', message }, outcome: verdict.ok ? 'fired' : 'held_back',
      reason: verdict.ok ? null : verdict.rule, at: now, windowKey: `manual:${deps.ids.ulid()}`,
      explanation: {
        summary: verdict.ok ? `${who} invited the customer to chat` : `${who} asked to invite the customer to chat; held back (${verdict.rule}: ${verdict.detail})`,
        trigger: `an operator (${who}) chose to invite`, conditions: [], etiquette: verdict.ok ? null : verdict.detail, priority: MANUAL_PRIORITY,
      },
    };
    if (verdict.ok) {
      // Counted like any customer-facing touch: caps see it, and a "no thanks" silences `manual`.
      recordTouch(customer.care, { at: now, playbook: MANUAL_PLAYBOOK, purpose: 'service', channel: 'onsite' }, now);
      ensureMemory(customer.care, MANUAL_PLAYBOOK).lastFiredAt = now;
      customer.updatedAt = now;
      await tx.upsertCustomers([customer]);
    }
    const effects = new CareEffects(workspaceId, deps.ids, now);
    effects.add(customer.id, customer.profile, { decisions: [decision], timers: [] });
    await effects.write(tx);
    const r: ManualInviteResult = verdict.ok
      ? { outcome: 'sent', decisionId: decision.id, touch: effects.onsite[0]!.message }
      : { outcome: 'held_back', decisionId: decision.id, reason: verdict.rule, detail: verdict.detail };
    return { result: r, touches: effects.onsite };
  });
  // After commit, exactly as ingestion publishes a playbook's touches.
  for (const t of touches) deps.bus.publish('touch', t);
  return result;
}
