import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';
import { authenticate } from '../auth.js';
import { IdParams, bearer, withErrors } from '../schemas.js';

const LookupQuery = Type.Object({
  userId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  anonymousId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  email: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
  phone: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
}, { additionalProperties: false });
const TimelineQuery = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
}, { additionalProperties: false });
const LiftBody = Type.Object({
  kind: Type.Union([Type.Literal('userId'), Type.Literal('anonymousId'), Type.Literal('email'), Type.Literal('phone')]),
  value: Type.String({ minLength: 1, maxLength: 256 }),
}, { additionalProperties: false });

/** Customers: lookup, the living profile, timeline, export, erasure, merges, suppressions. */
export function customerRoutes(app: FastifyInstance, s: Services): void {
  const tags = ['customers'];
  app.get<{ Querystring: Static<typeof LookupQuery> }>('/api/v1/customers/lookup', {
    schema: { tags, summary: 'Find a customer by one identifier', querystring: LookupQuery, security: bearer, response: withErrors({ 200: Type.Any() }) },
  }, async (req) => {
    const auth = await authenticate(s, req);
    const c = await s.customers.lookup(auth.workspaceId, req.query);
    return s.customers.view(auth.workspaceId, c.id);
  });

  app.get<{ Params: Static<typeof IdParams> }>('/api/v1/customers/:id', {
    schema: { tags, summary: 'The living profile, with identities, local time and moments', params: IdParams, security: bearer, response: withErrors({ 200: Type.Any() }) },
  }, async (req) => {
    const auth = await authenticate(s, req);
    return s.customers.view(auth.workspaceId, req.params.id);
  });

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof TimelineQuery> }>('/api/v1/customers/:id/timeline', {
    schema: { tags, summary: 'Events and merges, newest first, keyset-paginated', params: IdParams, querystring: TimelineQuery, security: bearer, response: withErrors({ 200: Type.Any() }) },
  }, async (req) => {
    const auth = await authenticate(s, req);
    return s.customers.timeline(auth.workspaceId, req.params.id, { cursor: req.query.cursor, limit: req.query.limit });
  });

  app.get<{ Params: Static<typeof IdParams> }>('/api/v1/customers/:id/export', {
    schema: { tags, summary: 'Everything stored about one person (data portability)', params: IdParams, security: bearer, response: withErrors({ 200: Type.Any() }) },
  }, async (req, reply) => {
    const auth = await authenticate(s, req, 'admin');
    const data = await s.customers.export(auth.workspaceId, req.params.id);
    return reply.header('content-disposition', `attachment; filename="${data.customer.id}.json"`).send(data);
  });

  app.delete<{ Params: Static<typeof IdParams> }>('/api/v1/customers/:id', {
    schema: { tags, summary: 'Erase every row about this person and suppress their identifiers', params: IdParams, security: bearer, response: withErrors({ 200: Type.Any() }) },
  }, async (req) => {
    const auth = await authenticate(s, req, 'admin');
    return s.customers.erase(auth.workspaceId, req.params.id);
  });

  app.get<{ Params: Static<typeof IdParams> }>('/api/v1/customers/:id/merges', {
    schema: { tags, summary: 'Merges this customer took part in (what, when, why)', params: IdParams, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    const c = await s.customers.requireRoot(auth.workspaceId, req.params.id);
    const merges = await s.merges.list(auth.workspaceId, [c.id, req.params.id]);
    return { items: merges.map((m) => ({ id: m.id, winnerId: m.winnerId, loserId: m.loserId, reason: m.reason, eventId: m.eventId, at: new Date(m.at).toISOString(), movedIdentities: m.details.movedIdentities, undoneAt: m.undoneAt === null ? null : new Date(m.undoneAt).toISOString() })) };
  });

  app.post<{ Params: Static<typeof IdParams> }>('/api/v1/merges/:id/undo', {
    schema: { tags, summary: 'Undo a merge: both profiles are rebuilt from their own events', params: IdParams, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req, 'admin');
    return s.merges.undo(auth.workspaceId, req.params.id);
  });

  app.get('/api/v1/suppressions', { schema: { tags, summary: 'Suppressed (erased) identifiers and how many events each dropped', security: bearer } }, async (req) => {
    const auth = await authenticate(s, req, 'admin');
    return { items: await s.customers.listSuppressions(auth.workspaceId) };
  });
  app.delete<{ Params: Static<typeof IdParams> }>('/api/v1/suppressions/:id', { schema: { tags, summary: 'Lift a suppression', params: IdParams, security: bearer } }, async (req, reply) => {
    const auth = await authenticate(s, req, 'admin');
    await s.customers.unsuppress(auth.workspaceId, { id: req.params.id });
    return reply.code(204).send();
  });
  app.post<{ Body: Static<typeof LiftBody> }>('/api/v1/suppressions/lift', { schema: { tags, summary: 'Lift a suppression by naming the identifier', body: LiftBody, security: bearer } }, async (req, reply) => {
    const auth = await authenticate(s, req, 'admin');
    await s.customers.unsuppress(auth.workspaceId, req.body);
    return reply.code(204).send();
  });
}
