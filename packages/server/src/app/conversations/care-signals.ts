import type { IdGenerator } from '../../platform/ids.js';
import type { Bus } from '../../ports/bus.js';
import type { Clock } from '../../ports/clock.js';
import type { Store } from '../../ports/store.js';
import type { IngestService } from '../ingest/ingest-service.js';
import { submitEvent } from '../ingest/submit-event.js';
import { TOPICS, type SlaSignal } from './events.js';

/** The event the care loop sees when a customer waited too long for an answer. */
export const CHAT_WAIT_EXCEEDED = 'Chat Wait Exceeded';

/**
 * Tells the care loop what happened in conversations, as events on the customer's timeline:
 * a breached reply target becomes "Chat Wait Exceeded" (the starter `silent-unhappiness`
 * playbook listens for it). The event names the customer by an identifier they already have,
 * so identity resolution stays in one place.
 */
export function forwardConversationSignals(deps: { bus: Bus; store: Store; ingest: IngestService; ids: IdGenerator; clock: Clock; onError: (err: unknown) => void }): () => void {
  return deps.bus.subscribe(TOPICS.sla, (payload) => {
    const s = payload as SlaSignal;
    if (s.kind !== 'breached' || s.target === 'resolution') return;
    void (async () => {
      const c = s.conversation;
      const customer = await deps.store.getCustomer(c.workspaceId, c.customerId);
      const ids = customer?.userId ? null : await deps.store.identitiesOf(c.workspaceId, [c.customerId]);
      const anon = ids?.find((i) => i.kind === 'anon')?.value ?? null;
      if (!customer?.userId && !anon) return;
      const now = deps.clock.now();
      await submitEvent(deps, c.workspaceId, {
        type: 'track', event: CHAT_WAIT_EXCEEDED, ...(customer?.userId ? { userId: customer.userId } : { anonymousId: anon }),
        properties: { conversationId: c.id, target: s.target, waited_seconds: c.waitingSince === null ? null : Math.round((now - c.waitingSince) / 1000) },
      });
    })().catch(deps.onError);
  });
}
