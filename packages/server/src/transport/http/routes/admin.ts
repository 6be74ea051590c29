import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OmotenashiError } from '../../../errors.js';
import type { Services } from '../../../services.js';
import { authenticate } from '../auth.js';
import { IdParams, RoleSchema, bearer, withErrors } from '../schemas.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const LoginBody = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 200 }),
  workspaceId: Type.Optional(Type.String({ maxLength: 64 })),
}, { additionalProperties: false });
const NameBody = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }, { additionalProperties: false });
const TokenBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  role: Type.Optional(RoleSchema),
  ttlSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 366 * 24 * 3600 })),
}, { additionalProperties: false });
// Unknown, not a string|null union: the validator coerces types (null would become "", 42 "42"),
// and a photo URL must arrive as sent to be judged (app/operator-profile.ts).
const AvatarUrl = Type.Unknown({ description: 'string or null: an absolute https:// or http:// URL, or a path starting with / on this server; at most 2048 characters; null removes the photo' });
const OperatorBody = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 254 }),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  role: RoleSchema,
  password: Type.String({ minLength: 10, maxLength: 200 }),
  avatarUrl: Type.Optional(AvatarUrl),
}, { additionalProperties: false });
// Types only: the rules (lengths, allowed URL forms) live in app/operator-profile.ts so the
// message names the problem ("avatarUrl must use https: or http:, not javascript:").
const ProfileBody = Type.Object({
  name: Type.Optional(Type.String()),
  avatarUrl: Type.Optional(AvatarUrl),
}, { additionalProperties: false });

/** Workspace administration: login, write keys, API tokens, operators. */
export function adminRoutes(app: FastifyInstance, s: Services): void {
  app.post<{ Body: Static<typeof LoginBody> }>('/api/v1/auth/login', {
    schema: { tags: ['auth'], summary: 'Operator password login; returns a 12-hour session token', body: LoginBody, response: withErrors({ 200: Type.Any() }, [429]) },
  }, async (req) => {
    const r = await s.tenancy.login(req.body.email, req.body.password, req.body.workspaceId, { address: req.ip });
    return { token: r.token, expiresAt: iso(r.expiresAt), operator: { id: r.operator.id, email: r.operator.email, name: r.operator.name, role: r.operator.role, workspaceId: r.operator.workspaceId } };
  });

  app.get('/api/v1/workspace', { schema: { tags: ['workspace'], summary: 'The workspace of the calling token', security: bearer } }, async (req) => {
    const auth = await authenticate(s, req);
    const ws = await s.tenancy.requireWorkspace(auth.workspaceId);
    return { id: ws.id, name: ws.name, createdAt: iso(ws.createdAt) };
  });

  app.get('/api/v1/write-keys', { schema: { tags: ['workspace'], summary: 'List write keys (secrets are never shown again)', security: bearer } }, async (req) => {
    const auth = await authenticate(s, req, 'admin');
    const keys = await s.store.listWriteKeys(auth.workspaceId);
    return { items: keys.map((k) => ({ id: k.id, name: k.name, hint: k.keyHint, createdAt: iso(k.createdAt), revokedAt: iso(k.revokedAt) })) };
  });
  app.post<{ Body: Static<typeof NameBody> }>('/api/v1/write-keys', { schema: { tags: ['workspace'], summary: 'Create a write key', body: NameBody, security: bearer } }, async (req, reply) => {
    const auth = await authenticate(s, req, 'admin');
    const { record, writeKey } = await s.tenancy.createWriteKey(auth.workspaceId, req.body.name);
    return reply.code(201).send({ id: record.id, name: record.name, writeKey, createdAt: iso(record.createdAt) });
  });
  app.delete<{ Params: Static<typeof IdParams> }>('/api/v1/write-keys/:id', { schema: { tags: ['workspace'], summary: 'Revoke a write key', params: IdParams, security: bearer } }, async (req, reply) => {
    const auth = await authenticate(s, req, 'admin');
    await s.tenancy.revokeWriteKey(auth.workspaceId, req.params.id);
    return reply.code(204).send();
  });

  app.get('/api/v1/tokens', { schema: { tags: ['workspace'], summary: 'List API tokens', security: bearer } }, async (req) => {
    const auth = await authenticate(s, req, 'admin');
    const tokens = await s.store.listApiTokens(auth.workspaceId);
    return { items: tokens.map((t) => ({ id: t.id, name: t.name, role: t.role, operatorId: t.operatorId, createdAt: iso(t.createdAt), expiresAt: iso(t.expiresAt), revokedAt: iso(t.revokedAt) })) };
  });
  app.post<{ Body: Static<typeof TokenBody> }>('/api/v1/tokens', { schema: { tags: ['workspace'], summary: 'Create an API token', body: TokenBody, security: bearer } }, async (req, reply) => {
    const auth = await authenticate(s, req, 'admin');
    const role = req.body.role ?? 'agent';
    if (role === 'owner' && auth.role !== 'owner') await authenticate(s, req, 'owner');
    const { record, token } = await s.tenancy.createApiToken(auth.workspaceId, { name: req.body.name, role, ttlMs: req.body.ttlSeconds ? req.body.ttlSeconds * 1000 : null });
    return reply.code(201).send({ id: record.id, name: record.name, role: record.role, token, expiresAt: iso(record.expiresAt) });
  });
  app.delete<{ Params: Static<typeof IdParams> }>('/api/v1/tokens/:id', { schema: { tags: ['workspace'], summary: 'Revoke an API token', params: IdParams, security: bearer } }, async (req, reply) => {
    const auth = await authenticate(s, req, 'admin');
    await s.tenancy.revokeApiToken(auth.workspaceId, req.params.id, auth.role);
    return reply.code(204).send();
  });

  app.get('/api/v1/operators', { schema: { tags: ['workspace'], summary: 'List operators', security: bearer } }, async (req) => {
    const auth = await authenticate(s, req);
    const ops = await s.store.listOperators(auth.workspaceId);
    return {
      items: ops.map((o) => ({
        id: o.id, email: o.email, name: o.name, role: o.role, createdAt: iso(o.createdAt),
        teams: o.teams ?? [], capacity: o.capacity ?? 10, presence: o.presence ?? 'offline', disabled: o.disabledAt !== null,
        avatarUrl: o.avatarUrl ?? null,
      })),
    };
  });
  app.post<{ Body: Static<typeof OperatorBody> }>('/api/v1/operators', { schema: { tags: ['workspace'], summary: 'Create an operator', body: OperatorBody, security: bearer } }, async (req, reply) => {
    const auth = await authenticate(s, req, 'admin');
    if (req.body.role === 'owner') await authenticate(s, req, 'owner');
    const o = await s.tenancy.createOperator(auth.workspaceId, req.body);
    return reply.code(201).send({ id: o.id, email: o.email, name: o.name, role: o.role, createdAt: iso(o.createdAt), avatarUrl: o.avatarUrl ?? null });
  });
  app.patch<{ Body: Static<typeof ProfileBody> }>('/api/v1/operators/me', {
    schema: { tags: ['workspace'], summary: 'Change the calling operator\'s own name and photo URL (shown to shoppers in invitations)', body: ProfileBody, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    if (!auth.operatorId) throw new OmotenashiError('forbidden', 'a profile belongs to an operator: call this with an operator\'s session token (POST /api/v1/auth/login) or from the console, not with a workspace API token');
    const o = await s.tenancy.updateOperatorProfile(auth.workspaceId, auth.operatorId, req.body);
    return { id: o.id, email: o.email, name: o.name, role: o.role, avatarUrl: o.avatarUrl ?? null };
  });
}
