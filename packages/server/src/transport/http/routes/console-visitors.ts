import type { LiveVisitorsPage } from '@omotenashi/protocol';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { manualInvite, MANUAL_PLAYBOOK } from '../../../app/care/manual-invite.js';
import { describeProfile } from '../../../domain/profile/describe-profile.js';
import { validationError } from '../../../errors.js';
import type { CustomerRecord } from '../../../ports/store.js';
import type { Services } from '../../../services.js';
import { authenticate } from '../auth.js';
import { bearer, withErrors } from '../schemas.js';
import { fullNameOf } from '../../../domain/profile/customer-name.js';

/** "On the site now": something happened within this many minutes (default 5). */
const LIVE_WINDOW_MINUTES = 5;
const LiveQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
  withinMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, default: LIVE_WINDOW_MINUTES, description: 'how recent the last activity must be' })),
}, { additionalProperties: false });
const CustomerParams = Type.Object({ customerId: Type.String({ minLength: 1, maxLength: 64 }) });
const InviteBody = Type.Object({ message: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

function encodeCursor(c: CustomerRecord): string {
  return Buffer.from(`${c.profile.lastSeen}.${c.id}`).toString('base64url');
}
function decodeCursor(raw: string): { lastSeen: number; id: string } {
  const m = /^(\d{1,15})\.(cus_[0-9A-Za-z]{1,60})$/.exec(Buffer.from(raw, 'base64url').toString());
  if (!m) throw validationError([{ path: 'cursor', code: 'invalid_value', message: 'cursor is not one this API returned; pass nextCursor unchanged' }]);
  return { lastSeen: Number(m[1]), id: m[2]! };
}

/** Live visitors and the operator's "invite to chat". */
export function consoleVisitorRoutes(app: FastifyInstance, s: Services): void {
  const tags = ['visitors'];

  app.get<{ Querystring: Static<typeof LiveQuery> }>('/api/v1/visitors/live', {
    schema: { tags, summary: 'Who is on the site now (activity within the last 5 minutes), most recent first (keyset pages)', querystring: LiveQuery, security: bearer },
  }, async (req): Promise<LiveVisitorsPage> => {
    const auth = await authenticate(s, req);
    const limit = req.query.limit ?? 50;
    const now = s.clock.now();
    const before = req.query.cursor ? decodeCursor(req.query.cursor) : null;
    const rows = await s.store.listRecentlySeen(auth.workspaceId, { since: now - (req.query.withinMinutes ?? LIVE_WINDOW_MINUTES) * 60_000, before, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const ids = page.map((c) => c.id);
    // One read for the page: which of these customers have a conversation that is not resolved.
    const conversations = await s.store.conversationsOfCustomers(auth.workspaceId, ids, Math.min(1000, ids.length * 10));
    const open = new Map<string, string>();
    for (const c of conversations) if (c.status !== 'resolved' && !open.has(c.customerId)) open.set(c.customerId, c.id);
    const last = page[page.length - 1];
    return {
      visitors: page.map((c) => {
        const p = c.profile;
        const insights = describeProfile(p, now);
        const current = p.session.currentPage;
        return {
          customerId: c.id,
          userId: c.userId,
          name: fullNameOf(p.traits),
          email: text(p.traits['email']),
          lastSeenAt: iso(p.lastSeen),
          visitStartedAt: iso(p.session.startedAt),
          currentPage: current ? { path: current.path, title: current.title, url: current.url, since: iso(current.at) } : null,
          timeOnPageMs: current ? Math.max(0, now - current.at) : null,
          pagesThisVisit: p.session.pages.length,
          cart: { value: p.cart.value, currency: p.cart.currency, items: p.cart.items.reduce((n, i) => n + i.quantity, 0) },
          localTime: insights.localTime ? { timezone: insights.localTime.timezone, iso: insights.localTime.iso, hour: insights.localTime.hour, minute: insights.localTime.minute } : null,
          location: { city: p.location.city ?? null, country: p.location.country ?? null },
          journeyStage: p.journey.stage,
          conversation: { open: open.has(c.id), id: open.get(c.id) ?? null },
          // Chat sockets on this server: an invitation reaches the visitor only through one.
          connected: [...app.realtime.registry.visitorsOf(auth.workspaceId, c.id)].length > 0,
        };
      }),
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  });

  app.post<{ Params: Static<typeof CustomerParams>; Body: Static<typeof InviteBody> }>('/api/v1/visitors/:customerId/invite', {
    schema: {
      tags, summary: 'Invite a visitor to chat (a manual on-site invitation that obeys the etiquette); outcome `sent` or `held_back` with the reason',
      params: CustomerParams, body: InviteBody, security: bearer, response: withErrors({ 200: Type.Any() }),
    },
  }, async (req) => {
    const auth = await authenticate(s, req);
    const message = req.body.message.trim();
    if (message === '') throw validationError([{ path: 'message', code: 'empty', message: 'message must contain more than white space' }]);
    const customer = await s.customers.requireRoot(auth.workspaceId, req.params.customerId);
    const operatorName = auth.operatorId ? await s.conversations.operatorName(auth.workspaceId, auth.operatorId) : null;
    const r = await manualInvite(
      { store: s.store, ids: s.ids, clock: s.clock, bus: s.bus, etiquette: (ws) => s.playbooks.etiquette(ws) },
      auth.workspaceId, customer.id, message, { id: auth.operatorId ?? auth.id, name: operatorName },
    );
    if (r.outcome === 'held_back') return { outcome: r.outcome, decisionId: r.decisionId, playbookKey: MANUAL_PLAYBOOK, reason: r.reason, detail: r.detail };
    return {
      outcome: r.outcome, decisionId: r.decisionId, playbookKey: MANUAL_PLAYBOOK,
      touch: { id: r.touch.id, kind: r.touch.kind, content: r.touch.content, createdAt: iso(r.touch.createdAt) },
      // Sockets the invitation was pushed to on this server (0: stored, shown in the customer's touches, not seen live).
      deliveredTo: [...app.realtime.registry.visitorsOf(auth.workspaceId, customer.id)].length,
    };
  });
}
