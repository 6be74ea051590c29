import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { visitorConversationView, messageView } from '../../../app/conversations/views.js';
import { notFound } from '../../../errors.js';
import type { Services } from '../../../services.js';
import { authenticateVisitor } from '../auth.js';
import { IdParams, bearer } from '../schemas.js';

const HistoryQuery = Type.Object({
  afterSeq: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 100 })),
}, { additionalProperties: false });

/**
 * A visitor's own history over HTTP (Bearer: the session token from the realtime welcome), so
 * a widget can show past messages after a reload without replaying them over the socket. Only
 * the visitor's conversations, never notes.
 */
export function visitorHistoryRoutes(app: FastifyInstance, s: Services): void {
  const tags = ['visitor'];
  void app.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      void reply.header('access-control-allow-origin', req.headers.origin ?? '*');
      void reply.header('vary', 'Origin');
    });
    scope.get('/v1/conversations', {
      schema: { tags, summary: "The visitor's conversations, newest first", security: bearer },
    }, async (req) => {
      const v = await authenticateVisitor(s, req);
      return { conversations: (await s.conversations.ofCustomers(v.workspaceId, v.family, 50)).map(visitorConversationView) };
    });
    scope.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof HistoryQuery> }>('/v1/conversations/:id/messages', {
      schema: { tags, summary: "Messages of one of the visitor's conversations, in order after a seq (notes never included)", params: IdParams, querystring: HistoryQuery, security: bearer },
    }, async (req) => {
      const v = await authenticateVisitor(s, req);
      const c = await s.store.getConversation(v.workspaceId, req.params.id);
      if (!c || !v.family.includes(c.customerId)) throw notFound('conversation', req.params.id);
      const rows = await s.conversations.messages(v.workspaceId, c.id, { afterSeq: req.query.afterSeq ?? 0, limit: req.query.limit ?? 100, includeNotes: false });
      return { messages: rows.map((m) => messageView(m, 'visitor')) };
    });
  });
}
