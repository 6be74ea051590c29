import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CARE_ITEM_STATUSES } from '../../../ports/store.js';
import type { Services } from '../../../services.js';
import { parseTimestamp } from '../../../domain/events/parse-timestamp.js';
import { validationError } from '../../../errors.js';
import { authenticate } from '../auth.js';
import { IdParams, bearer, withErrors } from '../schemas.js';
import type { DecisionExplanation, DecisionView } from '@omotenashi/protocol';

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const KeyParams = Type.Object({ key: Type.String({ minLength: 1, maxLength: 64 }) });
const VersionQuery = Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false });
const ListQuery = Type.Object({ outcomesSinceDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })) }, { additionalProperties: false });
const PlaybookBody = Type.Object({}, { additionalProperties: true, description: 'a playbook definition: see docs/playbooks.md (validated with field-named messages)' });
const QueueQuery = Type.Object({
  status: Type.Optional(Type.Union(CARE_ITEM_STATUSES.map((s) => Type.Literal(s)))),
  customerId: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
}, { additionalProperties: false });
interface ResolveBody { resolution?: string }
const TaskBody = Type.Object({
  customerId: Type.String({ minLength: 1, maxLength: 64 }),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  note: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  team: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 50 }), Type.Null()])),
  owner: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()])),
  dueAt: Type.Optional(Type.Union([Type.String({ maxLength: 40, description: 'ISO 8601 date-time with a zone, e.g. 2026-12-24T09:00:00+09:00' }), Type.Null()])),
  suggestionKey: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'the `key` of the suggestion this task was made from' })),
}, { additionalProperties: false });
const DecisionsQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }, { additionalProperties: false });

/** Playbooks, etiquette, decisions, the "needs you now" queue and staff tasks. */
export function careRoutes(app: FastifyInstance, s: Services): void {
  const tags = ['playbooks'];
  app.get<{ Querystring: Static<typeof ListQuery> }>('/api/v1/playbooks', {
    schema: { tags, summary: 'List playbooks (current versions) with outcome counts', querystring: ListQuery, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    const days = req.query.outcomesSinceDays ?? 30;
    return { items: await s.playbooks.list(auth.workspaceId, s.clock.now() - days * 86_400_000) };
  });
  app.post<{ Body: Record<string, unknown> }>('/api/v1/playbooks', {
    schema: { tags, summary: 'Create a playbook or add a version (idempotent for an identical definition)', body: PlaybookBody, security: bearer, response: withErrors({ 200: Type.Any(), 201: Type.Any() }) },
  }, async (req, reply) => {
    const auth = await authenticate(s, req, 'admin');
    const r = await s.playbooks.apply(auth.workspaceId, req.body, auth.operatorId ?? auth.id);
    return reply.code(r.created ? 201 : 200).send({ ...r.playbook, created: r.created, changed: r.changed });
  });
  app.get<{ Params: Static<typeof KeyParams>; Querystring: Static<typeof VersionQuery> }>('/api/v1/playbooks/:key', {
    schema: { tags, summary: 'A playbook (current or a given version)', params: KeyParams, querystring: VersionQuery, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    return s.playbooks.get(auth.workspaceId, req.params.key, req.query.version);
  });
  app.get<{ Params: Static<typeof KeyParams> }>('/api/v1/playbooks/:key/versions', {
    schema: { tags, summary: 'Every version of a playbook, newest first', params: KeyParams, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    return { items: await s.playbooks.versions(auth.workspaceId, req.params.key) };
  });
  for (const [verb, enabled] of [['enable', true], ['disable', false]] as const) {
    app.post<{ Params: Static<typeof KeyParams> }>(`/api/v1/playbooks/:key/${verb}`, {
      schema: { tags, summary: `${verb[0]!.toUpperCase()}${verb.slice(1)} a playbook`, params: KeyParams, security: bearer },
    }, async (req) => {
      const auth = await authenticate(s, req, 'admin');
      return s.playbooks.setEnabled(auth.workspaceId, req.params.key, enabled);
    });
  }

  app.get('/api/v1/etiquette', { schema: { tags, summary: 'The workspace etiquette (contact policy)', security: bearer } }, async (req) => {
    const auth = await authenticate(s, req);
    return s.playbooks.etiquette(auth.workspaceId);
  });
  app.put<{ Body: Record<string, unknown> }>('/api/v1/etiquette', {
    schema: { tags, summary: 'Change the etiquette; loosening needs the admin role', body: Type.Object({}, { additionalProperties: true }), security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    return s.playbooks.setEtiquette(auth.workspaceId, req.body, auth.role);
  });

  app.get('/api/v1/webhooks/secret', {
    schema: { tags, summary: 'The secret webhook deliveries are signed with (created on first use)', security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req, 'admin');
    return { secret: await s.webhooks.secretFor(auth.workspaceId), header: 'omotenashi-signature', format: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">' };
  });
  app.post('/api/v1/webhooks/secret/rotate', {
    schema: { tags, summary: 'Replace the webhook signing secret (deliveries from now on use the new one)', security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req, 'admin');
    return { secret: await s.webhooks.rotateSecret(auth.workspaceId) };
  });

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof DecisionsQuery> }>('/api/v1/customers/:id/decisions', {
    schema: { tags: ['customers'], summary: 'What the playbooks decided for this customer, fired or held back, with explanations', params: IdParams, querystring: DecisionsQuery, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    const c = await s.customers.requireRoot(auth.workspaceId, req.params.id);
    const rows = await s.store.listDecisions(auth.workspaceId, [c.id], req.query.limit ?? 100);
    // Stored as JSON: it was written by the evaluator as a DecisionExplanation.
    const items: DecisionView[] = rows.map((d) => ({
      id: d.id, playbook: { key: d.playbookKey, version: d.playbookVersion }, step: d.step, action: d.action, outcome: d.outcome as DecisionView['outcome'],
      reason: d.reason, at: new Date(d.at).toISOString(), explanation: d.explanation as DecisionExplanation,
    }));
    return { items };
  });
  app.get<{ Params: Static<typeof IdParams> }>('/api/v1/customers/:id/touches', {
    schema: { tags: ['customers'], summary: 'On-site hints and invitations for this customer (newest first)', params: IdParams, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    const c = await s.customers.requireRoot(auth.workspaceId, req.params.id);
    const rows = await s.store.listOnsiteMessages(auth.workspaceId, c.id, 50);
    return { items: rows.map((m) => ({ id: m.id, kind: m.kind, playbookKey: m.playbookKey, decisionId: m.decisionId, content: m.content, createdAt: iso(m.createdAt), response: m.response, respondedAt: iso(m.respondedAt) })) };
  });

  app.post<{ Body: Static<typeof TaskBody> }>('/api/v1/tasks', {
    schema: { tags: ['queue'], summary: 'Add a staff task by hand (for a customer of this workspace)', body: TaskBody, security: bearer, response: withErrors({ 201: Type.Any() }) },
  }, async (req, reply) => {
    const auth = await authenticate(s, req);
    const b = req.body;
    const title = b.title.trim();
    if (title === '') throw validationError([{ path: 'title', code: 'invalid_value', message: 'title must not be blank' }]);
    let dueAt: number | null = null;
    if (b.dueAt !== undefined && b.dueAt !== null) {
      // The tracking API's strict parser (no rolled-over 30 February). A bare date is refused
      // here: it would be UTC midnight, not the start of the operator's day.
      const parsed = b.dueAt.length > 10 ? parseTimestamp(b.dueAt) : 'invalid_timestamp';
      if (typeof parsed !== 'number') {
        throw validationError([{ path: 'dueAt', code: 'invalid_value', message: `dueAt must be an ISO 8601 date-time with a zone between 2000 and 2099, like 2026-12-24T09:00:00+09:00; got ${JSON.stringify(b.dueAt)}` }]);
      }
      dueAt = parsed;
    }
    // Another workspace's customer is "not found", as everywhere; a merged one is its survivor.
    const customer = await s.customers.requireRoot(auth.workspaceId, b.customerId);
    const task = await s.careQueue.createTask(auth.workspaceId, {
      customerId: customer.id, title, note: b.note?.trim() || null, team: b.team ?? null, owner: b.owner ?? null, dueAt, suggestionKey: b.suggestionKey ?? null,
    }, auth.operatorId ?? auth.id);
    return reply.code(201).send(presentItem(task));
  });

  for (const [path, kind, label] of [['queue', 'care_items', 'queue item'], ['tasks', 'tasks', 'task']] as const) {
    const qtags = ['queue'];
    app.get<{ Querystring: Static<typeof QueueQuery> }>(`/api/v1/${path}`, {
      schema: { tags: qtags, summary: path === 'queue' ? 'The "needs you now" queue' : 'Staff tasks', querystring: QueueQuery, security: bearer },
    }, async (req) => {
      const auth = await authenticate(s, req);
      const items = await s.careQueue.list(kind, auth.workspaceId, { ...(req.query.status ? { status: req.query.status } : {}), ...(req.query.customerId ? { customerId: req.query.customerId } : {}), limit: req.query.limit ?? 50 });
      return { items: items.map(presentItem) };
    });
    app.post<{ Params: Static<typeof IdParams> }>(`/api/v1/${path}/:id/claim`, {
      schema: { tags: qtags, summary: `Claim a ${label} (only an open one)`, params: IdParams, security: bearer },
    }, async (req) => {
      const auth = await authenticate(s, req);
      return presentItem(await s.careQueue.claim(kind, auth.workspaceId, req.params.id, auth.operatorId ?? auth.id));
    });
    app.post<{ Params: Static<typeof IdParams>; Body: ResolveBody | undefined }>(`/api/v1/${path}/:id/resolve`, {
      // The body is optional (a resolution note), so it is checked here rather than by the schema.
      schema: { tags: qtags, summary: `Resolve a ${label} (optional body: { resolution })`, params: IdParams, security: bearer },
    }, async (req) => {
      const auth = await authenticate(s, req);
      return presentItem(await s.careQueue.resolve(kind, auth.workspaceId, req.params.id, auth.operatorId ?? auth.id, resolutionOf(req.body)));
    });
  }
}

function resolutionOf(body: unknown): string | null {
  if (body === undefined || body === null) return null;
  const issue = (message: string) => validationError([{ path: 'resolution', code: 'invalid_value', message }]);
  if (typeof body !== 'object' || Array.isArray(body)) throw validationError([{ path: '', code: 'invalid_type', message: 'the body must be a JSON object like { "resolution": "called back" }' }]);
  const extra = Object.keys(body).filter((k) => k !== 'resolution');
  if (extra.length > 0) throw validationError([{ path: extra[0]!, code: 'invalid_value', message: `${extra[0]!} is not a known field` }]);
  const r = (body as { resolution?: unknown }).resolution;
  if (r === undefined || r === null) return null;
  if (typeof r !== 'string') throw issue('resolution must be a string');
  if (r.length > 2000) throw issue('resolution must be at most 2000 characters');
  return r;
}

function presentItem(i: import('../../../ports/store.js').CareItemRecord) {
  return {
    id: i.id, customerId: i.customerId, decisionId: i.decisionId, playbookKey: i.playbookKey, title: i.title, priority: i.priority,
    status: i.status, claimedBy: i.claimedBy, claimedAt: iso(i.claimedAt), resolvedAt: iso(i.resolvedAt), resolution: i.resolution,
    createdAt: iso(i.createdAt), context: i.context,
    ...(i.dueAt !== undefined ? { team: i.team ?? null, owner: i.owner ?? null, dueAt: iso(i.dueAt) } : {}),
  };
}
