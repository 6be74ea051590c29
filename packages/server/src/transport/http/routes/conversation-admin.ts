import { isHttpUrl } from '../../../domain/playbooks/semantic-issues.js';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  CHANNELS, CONVERSATION_LIMITS, PRESENCES, PRIORITIES, WEBHOOK_EVENTS,
  type BusinessHours, type Issue, type SlaPolicy, type Snippet,
} from '@omotenashi/protocol';
import { matchSnippets, suggestSnippets } from '../../../app/conversations/snippet-suggestions.js';
import { csatReport, slaReport } from '../../../app/conversations/reports.js';
import { validateBusinessHours } from '../../../domain/conversations/business-hours.js';
import { validateSnippetBody } from '../../../domain/conversations/snippets.js';
import { notFound, OmotenashiError, validationError } from '../../../errors.js';
import type { SlaPolicyRecord, SnippetRecord, WebhookSubscriptionRecord } from '../../../ports/conversation-store.js';
import type { Services } from '../../../services.js';
import { authenticate } from '../auth.js';
import { IdParams, bearer, withErrors } from '../schemas.js';

/** Per-workspace ceilings: configuration, not data, so a runaway script cannot fill the tables. */
export const ADMIN_LIMITS = { slaPolicies: 50, snippets: 500, webhookSubscriptions: 20, routingTeams: 20 } as const;
const YEAR_MINUTES = 525_600;

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Minutes = Type.Integer({ minimum: 1, maximum: YEAR_MINUTES });
const Team = Type.String({ minLength: 1, maxLength: CONVERSATION_LIMITS.teamLength, pattern: '^[^\\u0000-\\u001f:]+$' });
const Shortcut = Type.String({ minLength: 1, maxLength: CONVERSATION_LIMITS.snippetShortcutLength, pattern: '^[a-z0-9_-]+$', description: 'lower-case letters, digits, `_` and `-`' });
const Title = Type.String({ minLength: 1, maxLength: 200 });
const SnippetBodyText = Type.String({ minLength: 1, maxLength: CONVERSATION_LIMITS.snippetBodyChars, description: 'Markdown with {{first_name}}, {{greeting}}, {{last_order_number}}, {{operator_name}}' });
// Checked by validateBusinessHours (every problem named by path); the schema only documents it.
const BusinessHoursSchema = Type.Unsafe<BusinessHours | null>({
  description: 'null (around the clock) or { timeZone: IANA zone, week: { "1": [["09:00", "18:00"]], … } } (0 = Sunday; a missing day is closed)',
});

const PolicyBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
  channel: Type.Optional(Type.Union([lit(CHANNELS), Type.Null()])),
  priority: Type.Optional(Type.Union([lit(PRIORITIES), Type.Null()])),
  firstResponseMinutes: Minutes,
  nextResponseMinutes: Type.Optional(Type.Union([Minutes, Type.Null()])),
  resolutionMinutes: Type.Optional(Type.Union([Minutes, Type.Null()])),
  businessHours: Type.Optional(BusinessHoursSchema),
}, { additionalProperties: false });
const SnippetBody = Type.Object({ shortcut: Shortcut, title: Title, body: SnippetBodyText }, { additionalProperties: false });
const SnippetPatch = Type.Object({ shortcut: Type.Optional(Shortcut), title: Type.Optional(Title), body: Type.Optional(SnippetBodyText) }, { additionalProperties: false });
const SnippetQuery = Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false });
const SuggestQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
}, { additionalProperties: false });
const SubscriptionBody = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2000, description: 'an http:// or https:// URL' }),
  events: Type.Array(lit(WEBHOOK_EVENTS), { minItems: 1, maxItems: WEBHOOK_EVENTS.length, uniqueItems: true }),
}, { additionalProperties: false });
const SettingsBody = Type.Object({
  autoAssign: Type.Optional(Type.Boolean()),
  defaultTeam: Type.Optional(Type.Union([Team, Type.Null()])),
  reassignOnOffline: Type.Optional(Type.Boolean()),
  requireIdentityVerification: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
const RoutingBody = Type.Object({
  teams: Type.Optional(Type.Array(Team, { maxItems: ADMIN_LIMITS.routingTeams })),
  capacity: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
}, { additionalProperties: false });
const PresenceBody = Type.Object({ presence: lit(PRESENCES) }, { additionalProperties: false });
const DaysQuery = Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, default: 30 })) }, { additionalProperties: false });

const policyView = (p: SlaPolicyRecord): SlaPolicy => ({
  id: p.id, name: p.name, channel: p.channel, priority: p.priority, firstResponseMinutes: p.firstResponseMinutes,
  nextResponseMinutes: p.nextResponseMinutes, resolutionMinutes: p.resolutionMinutes, businessHours: p.businessHours, createdAt: p.createdAt,
});
const snippetView = (r: SnippetRecord): Snippet => ({ id: r.id, shortcut: r.shortcut, title: r.title, body: r.body, createdAt: r.createdAt, updatedAt: r.updatedAt });
const subscriptionView = (r: WebhookSubscriptionRecord) => ({ id: r.id, url: r.url, events: r.events, createdAt: r.createdAt });

const tooMany = (what: string, max: number) => new OmotenashiError('conflict', `a workspace can have at most ${max} ${what}; delete one first`);
const duplicateShortcut = (shortcut: string) => new OmotenashiError('conflict', `a snippet with shortcut ${JSON.stringify(shortcut)} already exists; choose another shortcut or edit that snippet`);

/** A unique index refused the row (two requests raced past the check before it). */
function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function checkSnippetBody(body: string | undefined): void {
  if (body === undefined) return;
  const issues = validateSnippetBody(body, 'body');
  if (issues.length) throw validationError(issues);
}

function checkUrl(raw: string): void {
  if (!isHttpUrl(raw)) throw validationError([{ path: 'url', code: 'invalid_value', message: 'url must be an http:// or https:// URL, like https://example.com/hooks/omotenashi' }]);
}

/**
 * The admin side of conversations: service-level policies, snippets (and their suggestions for
 * a conversation), webhook subscriptions, settings, operator routing and presence, reports.
 */
export function conversationAdminRoutes(app: FastifyInstance, s: Services): void {
  // ---- service-level policies ----------------------------------------------------------------
  const slaTags = ['sla'];
  app.get('/api/v1/sla-policies', { schema: { tags: slaTags, summary: 'Service-level policies', security: bearer } }, async (req) => {
    const auth = await authenticate(s, req);
    return { items: (await s.store.listSlaPolicies(auth.workspaceId)).map(policyView) };
  });

  app.post<{ Body: Static<typeof PolicyBody> }>('/api/v1/sla-policies', {
    schema: {
      tags: slaTags, summary: 'Create a service-level policy (the most specific one matching a conversation\'s channel and priority applies)',
      body: PolicyBody, security: bearer, response: withErrors({ 201: Type.Any() }),
    },
  }, async (req, reply) => {
    const auth = await authenticate(s, req, 'admin');
    const b = req.body;
    const businessHours = b.businessHours ?? null;
    const issues: Issue[] = businessHours === null ? [] : validateBusinessHours(businessHours, 'businessHours');
    if (issues.length) throw validationError(issues);
    if ((await s.store.listSlaPolicies(auth.workspaceId)).length >= ADMIN_LIMITS.slaPolicies) throw tooMany('service-level policies', ADMIN_LIMITS.slaPolicies);
    const record: SlaPolicyRecord = {
      id: s.ids.next('slaPolicy'), workspaceId: auth.workspaceId, name: b.name.trim(), channel: b.channel ?? null, priority: b.priority ?? null,
      firstResponseMinutes: b.firstResponseMinutes, nextResponseMinutes: b.nextResponseMinutes ?? null, resolutionMinutes: b.resolutionMinutes ?? null,
      businessHours, createdAt: s.clock.now(),
    };
    await s.store.insertSlaPolicy(record);
    s.slaPolicies.forget(auth.workspaceId);
    return reply.code(201).send(policyView(record));
  });

  app.delete<{ Params: Static<typeof IdParams> }>('/api/v1/sla-policies/:id', {
    schema: { tags: slaTags, summary: 'Delete a service-level policy (conversations under it fall back to the next matching one)', params: IdParams, security: bearer, response: withErrors({ 204: Type.Null() }) },
  }, async (req, reply) => {
    const auth = await authenticate(s, req, 'admin');
    if (!(await s.store.deleteSlaPolicy(auth.workspaceId, req.params.id))) throw notFound('SLA policy', req.params.id);
    s.slaPolicies.forget(auth.workspaceId);
    return reply.code(204).send();
  });

  // ---- snippets ------------------------------------------------------------------------------
  const snippetTags = ['snippets'];
  app.get<{ Querystring: Static<typeof SnippetQuery> }>('/api/v1/snippets', {
    schema: { tags: snippetTags, summary: 'Snippets (canned answers), by shortcut; `q` filters on shortcut and title', querystring: SnippetQuery, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    return { items: matchSnippets(await s.store.listSnippets(auth.workspaceId), req.query.q).map(snippetView) };
  });

  app.post<{ Body: Static<typeof SnippetBody> }>('/api/v1/snippets', {
    schema: { tags: snippetTags, summary: 'Create a snippet', body: SnippetBody, security: bearer, response: withErrors({ 201: Type.Any() }) },
  }, async (req, reply) => {
    const auth = await authenticate(s, req);
    const b = req.body;
    checkSnippetBody(b.body);
    const rows = await s.store.listSnippets(auth.workspaceId);
    if (rows.some((r) => r.shortcut === b.shortcut)) throw duplicateShortcut(b.shortcut);
    if (rows.length >= ADMIN_LIMITS.snippets) throw tooMany('snippets', ADMIN_LIMITS.snippets);
    const now = s.clock.now();
    const record: SnippetRecord = { id: s.ids.next('snippet'), workspaceId: auth.workspaceId, shortcut: b.shortcut, title: b.title, body: b.body, createdAt: now, updatedAt: now };
    try {
      await s.store.insertSnippet(record);
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateShortcut(b.shortcut);
      throw err;
    }
    return reply.code(201).send(snippetView(record));
  });

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof SnippetPatch> }>('/api/v1/snippets/:id', {
    schema: { tags: snippetTags, summary: 'Change a snippet\'s shortcut, title or body', params: IdParams, body: SnippetPatch, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    const b = req.body;
    checkSnippetBody(b.body);
    const rows = await s.store.listSnippets(auth.workspaceId);
    const current = rows.find((r) => r.id === req.params.id);
    if (!current) throw notFound('snippet', req.params.id);
    if (b.shortcut !== undefined && rows.some((r) => r.shortcut === b.shortcut && r.id !== current.id)) throw duplicateShortcut(b.shortcut);
    const patch = { ...(b.shortcut !== undefined ? { shortcut: b.shortcut } : {}), ...(b.title !== undefined ? { title: b.title } : {}), ...(b.body !== undefined ? { body: b.body } : {}) };
    if (Object.keys(patch).length === 0) return snippetView(current);
    const next = { ...current, ...patch, updatedAt: s.clock.now() };
    try {
      if (!(await s.store.updateSnippet(auth.workspaceId, current.id, { ...patch, updatedAt: next.updatedAt }))) throw notFound('snippet', current.id);
    } catch (err) {
      if (isUniqueViolation(err) && b.shortcut !== undefined) throw duplicateShortcut(b.shortcut);
      throw err;
    }
    return snippetView(next);
  });

  app.delete<{ Params: Static<typeof IdParams> }>('/api/v1/snippets/:id', {
    schema: { tags: snippetTags, summary: 'Delete a snippet', params: IdParams, security: bearer, response: withErrors({ 204: Type.Null() }) },
  }, async (req, reply) => {
    const auth = await authenticate(s, req);
    if (!(await s.store.deleteSnippet(auth.workspaceId, req.params.id))) throw notFound('snippet', req.params.id);
    return reply.code(204).send();
  });

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof SuggestQuery> }>('/api/v1/conversations/:id/snippets', {
    schema: {
      tags: snippetTags, summary: 'Snippets rendered for this conversation\'s customer (text only: nothing is sent); `missing` names variables left out',
      params: IdParams, querystring: SuggestQuery, security: bearer,
    },
  }, async (req) => {
    const auth = await authenticate(s, req);
    const suggestions = await suggestSnippets(s, auth.workspaceId, req.params.id, { operatorId: auth.operatorId, q: req.query.q, limit: req.query.limit ?? 20 });
    return { suggestions };
  });

  // ---- webhook subscriptions -----------------------------------------------------------------
  const hookTags = ['webhooks'];
  app.get('/api/v1/webhook-subscriptions', {
    schema: { tags: hookTags, summary: 'Conversation webhook subscriptions (deliveries are signed like playbook webhooks)', security: bearer },
  }, async (req) => {
    // Admin only: receivers' URLs often carry a token of their own.
    const auth = await authenticate(s, req, 'admin');
    return { items: (await s.store.listWebhookSubscriptions(auth.workspaceId)).map(subscriptionView) };
  });

  app.post<{ Body: Static<typeof SubscriptionBody> }>('/api/v1/webhook-subscriptions', {
    schema: { tags: hookTags, summary: `Subscribe a URL to conversation events (${WEBHOOK_EVENTS.join(', ')})`, body: SubscriptionBody, security: bearer, response: withErrors({ 201: Type.Any() }) },
  }, async (req, reply) => {
    const auth = await authenticate(s, req, 'admin');
    checkUrl(req.body.url);
    if ((await s.store.listWebhookSubscriptions(auth.workspaceId)).length >= ADMIN_LIMITS.webhookSubscriptions) {
      throw tooMany('webhook subscriptions', ADMIN_LIMITS.webhookSubscriptions);
    }
    const record: WebhookSubscriptionRecord = { id: s.ids.next('webhookSubscription'), workspaceId: auth.workspaceId, url: req.body.url, events: req.body.events, createdAt: s.clock.now() };
    await s.store.insertWebhookSubscription(record);
    s.conversationWebhooks.forget(auth.workspaceId);
    return reply.code(201).send(subscriptionView(record));
  });

  app.delete<{ Params: Static<typeof IdParams> }>('/api/v1/webhook-subscriptions/:id', {
    schema: { tags: hookTags, summary: 'Unsubscribe (deliveries already queued still go out)', params: IdParams, security: bearer, response: withErrors({ 204: Type.Null() }) },
  }, async (req, reply) => {
    const auth = await authenticate(s, req, 'admin');
    if (!(await s.store.deleteWebhookSubscription(auth.workspaceId, req.params.id))) throw notFound('webhook subscription', req.params.id);
    s.conversationWebhooks.forget(auth.workspaceId);
    return reply.code(204).send();
  });

  // ---- settings ------------------------------------------------------------------------------
  const settingsTags = ['settings'];
  const settingsOf = async (workspaceId: string) => {
    // Never the identity secret: it is shown once, when created.
    const { identitySecret: _secret, ...settings } = await s.conversationSettings.get(workspaceId);
    return settings;
  };
  app.get('/api/v1/settings/conversations', { schema: { tags: settingsTags, summary: 'Conversation settings', security: bearer } }, async (req) => {
    const auth = await authenticate(s, req);
    return settingsOf(auth.workspaceId);
  });

  app.put<{ Body: Static<typeof SettingsBody> }>('/api/v1/settings/conversations', {
    schema: { tags: settingsTags, summary: 'Change conversation settings (fields left out keep their value)', body: SettingsBody, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req, 'admin');
    const b = req.body;
    if (b.requireIdentityVerification === true && (await s.conversationSettings.get(auth.workspaceId)).identitySecret === null) {
      // Otherwise every signed-in visitor would be refused with no way to prove who they are.
      throw validationError([{ path: 'requireIdentityVerification', code: 'invalid_value', message: 'requireIdentityVerification needs an identity secret first: create one with POST /api/v1/settings/identity-secret' }]);
    }
    const patch = Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined));
    await s.conversationSettings.set(auth.workspaceId, patch);
    return settingsOf(auth.workspaceId);
  });

  app.get('/api/v1/settings/identity-secret', {
    schema: { tags: settingsTags, summary: 'Whether an identity secret exists (the secret itself is shown only when created)', security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    return { configured: (await s.conversationSettings.get(auth.workspaceId)).identitySecret !== null };
  });

  app.post('/api/v1/settings/identity-secret', {
    schema: { tags: settingsTags, summary: 'Create or replace the secret the shop\'s backend signs visitor userIds with (shown only in this response)', security: bearer },
  }, async (req, reply) => {
    const auth = await authenticate(s, req, 'admin');
    const secret = await s.conversationSettings.rotateIdentitySecret(auth.workspaceId);
    void reply.header('cache-control', 'no-store');
    return { secret };
  });

  // ---- operators: routing and presence -------------------------------------------------------
  const opTags = ['operators'];
  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof RoutingBody> }>('/api/v1/operators/:id/routing', {
    schema: { tags: opTags, summary: 'Set the teams an operator answers for and how many open conversations auto-assignment gives them', params: IdParams, body: RoutingBody, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req, 'admin');
    const b = req.body;
    const patch = { ...(b.teams !== undefined ? { teams: [...new Set(b.teams)] } : {}), ...(b.capacity !== undefined ? { capacity: b.capacity } : {}) };
    if (!(await s.store.setOperatorRouting(auth.workspaceId, req.params.id, patch))) throw notFound('operator', req.params.id);
    const op = await s.store.getOperator(auth.workspaceId, req.params.id);
    if (!op) throw notFound('operator', req.params.id);
    return { id: op.id, teams: op.teams ?? [], capacity: op.capacity ?? 10, presence: op.presence ?? 'offline' };
  });

  app.post<{ Body: Static<typeof PresenceBody> }>('/api/v1/operators/me/presence', {
    schema: { tags: opTags, summary: 'Set the calling operator\'s presence (offline may hand their open conversations over; see settings)', body: PresenceBody, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    if (!auth.operatorId) throw new OmotenashiError('forbidden', 'presence belongs to an operator: call this with an operator\'s session token (POST /api/v1/auth/login)');
    await s.presence.set(auth.workspaceId, auth.operatorId, req.body.presence);
    return { operatorId: auth.operatorId, presence: req.body.presence };
  });

  // ---- reports -------------------------------------------------------------------------------
  const reportTags = ['reports'];
  app.get<{ Querystring: Static<typeof DaysQuery> }>('/api/v1/reports/sla', {
    schema: { tags: reportTags, summary: 'Service-level attainment per target over the last `days` UTC days (today included)', querystring: DaysQuery, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    return slaReport(s.store, auth.workspaceId, s.clock.now(), req.query.days ?? 30);
  });

  app.get<{ Querystring: Static<typeof DaysQuery> }>('/api/v1/reports/csat', {
    schema: { tags: reportTags, summary: 'Satisfaction scores over the last `days` UTC days (today included)', querystring: DaysQuery, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    return csatReport(s.store, auth.workspaceId, s.clock.now(), req.query.days ?? 30);
  });
}
