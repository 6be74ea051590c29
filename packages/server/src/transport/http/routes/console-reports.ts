import type { PlaybooksReport } from '@omotenashi/protocol';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';
import { authenticate } from '../auth.js';
import { ReportDaysQuery as DaysQuery, bearer } from '../schemas.js';

const DAY = 86_400_000;
/** A purchase counts for a playbook when the order comes within this long after its decision. */
const PURCHASE_WINDOW_MS = 7 * DAY;

/** Reports the console's dashboard draws that the conversation reports (/reports/sla, /reports/csat) do not give. */
export function consoleReportRoutes(app: FastifyInstance, s: Services): void {
  app.get<{ Querystring: Static<typeof DaysQuery> }>('/api/v1/reports/playbooks', {
    schema: {
      tags: ['reports'], summary: 'Per playbook over the last `days` days: fired → shown → dismissed / engaged → resolved → purchased, and held-back counts by reason',
      querystring: DaysQuery, security: bearer,
    },
  }, async (req): Promise<PlaybooksReport> => {
    const auth = await authenticate(s, req);
    const days = req.query.days ?? 30;
    const since = s.clock.now() - days * DAY;
    const [decisions, followUps] = await Promise.all([
      s.store.decisionCounts(auth.workspaceId, since),
      s.store.playbookFollowUps(auth.workspaceId, since, PURCHASE_WINDOW_MS),
    ]);
    const rows = new Map<string, { playbookKey: string; fired: number; shown: number; dismissed: number; engaged: number; resolved: number; purchased: number; heldBack: Record<string, number> }>();
    const row = (key: string) => {
      let r = rows.get(key);
      if (!r) rows.set(key, r = { playbookKey: key, fired: 0, shown: 0, dismissed: 0, engaged: 0, resolved: 0, purchased: 0, heldBack: {} });
      return r;
    };
    for (const d of decisions) {
      const r = row(d.playbookKey);
      if (d.outcome === 'fired') r.fired += d.n;
      else if (d.outcome === 'held_back') r.heldBack[d.reason ?? 'unknown'] = (r.heldBack[d.reason ?? 'unknown'] ?? 0) + d.n;
    }
    for (const f of followUps) {
      const r = row(f.playbookKey);
      r.shown = f.shown;
      r.dismissed = f.dismissed;
      r.engaged = f.accepted;
      r.resolved = f.resolved;
      r.purchased = f.purchased;
    }
    const names = new Map((await s.store.listPlaybooks(auth.workspaceId)).map((p) => [p.key, (p.definition as { name?: string }).name ?? p.key]));
    const playbooks = [...rows.values()]
      .map((r) => ({ ...r, name: r.playbookKey === 'manual' ? 'Manual invitation' : names.get(r.playbookKey) ?? r.playbookKey }))
      .sort((a, b) => b.fired - a.fired || a.playbookKey.localeCompare(b.playbookKey));
    const heldBackByReason: Record<string, number> = {};
    for (const r of playbooks) for (const [reason, n] of Object.entries(r.heldBack)) heldBackByReason[reason] = (heldBackByReason[reason] ?? 0) + n;
    return { days, purchaseWindowDays: PURCHASE_WINDOW_MS / DAY, playbooks, heldBackByReason };
  });
}
