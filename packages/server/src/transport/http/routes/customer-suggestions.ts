import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { suggestForCustomer } from '../../../domain/playbooks/customer-suggestions.js';
import type { Services } from '../../../services.js';
import { authenticate } from '../auth.js';
import { IdParams, bearer } from '../schemas.js';

/** The etiquette's sentence of a held-back decision ("2 touches in the last 24 h (limit 2)"). */
function etiquetteDetail(explanation: unknown): string | null {
  const e = (explanation as { etiquette?: unknown } | null)?.etiquette;
  return typeof e === 'string' && e !== '' ? e : null;
}

/** How much recent history the suggestions read: bounded, newest first. */
const RECENT = { decisions: 100, touches: 50, conversations: 20, queueItems: 50, tasks: 50 } as const;

/**
 * "What else could be done" for a customer, for the console's customer panel: suggestions a
 * person may act on (nothing is sent or created here).
 */
export function customerSuggestionRoutes(app: FastifyInstance, s: Services): void {
  app.get<{ Params: Static<typeof IdParams> }>('/api/v1/customers/:id/suggestions', {
    schema: {
      tags: ['customers'], summary: 'What else could be done for this customer: held-back playbooks, moments coming up, an open cart, a late order, a low score not followed up',
      params: IdParams, security: bearer,
    },
  }, async (req) => {
    const auth = await authenticate(s, req);
    const ws = auth.workspaceId;
    const customer = await s.customers.requireRoot(ws, req.params.id);
    const family = await s.customers.family(ws, customer.id);
    const [playbooks, decisions, touches, conversations, queueItems, tasks] = await Promise.all([
      s.store.listPlaybooks(ws),
      s.store.listDecisions(ws, family, RECENT.decisions),
      s.store.listOnsiteMessages(ws, customer.id, RECENT.touches),
      s.conversations.ofCustomers(ws, family, RECENT.conversations),
      s.careQueue.list('care_items', ws, { customerId: customer.id, limit: RECENT.queueItems }),
      s.careQueue.list('tasks', ws, { customerId: customer.id, limit: RECENT.tasks }),
    ]);
    const suggestions = suggestForCustomer({
      profile: customer.profile,
      playbooks: playbooks.map((p) => ({ key: p.key, name: (p.definition as { name?: string }).name ?? p.key, enabled: p.enabled })),
      decisions: decisions.map((d) => ({
        playbookKey: d.playbookKey, outcome: d.outcome, reason: d.reason, at: d.at,
        detail: etiquetteDetail(d.explanation),
      })),
      touches,
      conversations,
      queueItems,
      tasks,
      now: s.clock.now(),
    });
    return { customerId: customer.id, suggestions };
  });
}
