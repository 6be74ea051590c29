import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CHANNELS, CONVERSATION_LIMITS, CONVERSATION_STATUSES, PRIORITIES, SLA_STATES } from '@omotenashi/protocol';
import { validateMessageText } from '../../../domain/conversations/message-text.js';
import { validationError } from '../../../errors.js';
import type { Services } from '../../../services.js';
import { conversationView, messageView } from '../../../app/conversations/views.js';
import type { Sender } from '../../../app/conversations/conversations.js';
import { authenticate } from '../auth.js';
import { IdParams, bearer, withErrors } from '../schemas.js';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Label = Type.String({ minLength: 1, maxLength: CONVERSATION_LIMITS.labelLength, pattern: '^[^\\u0000-\\u001f]+$' });
const Team = Type.String({ minLength: 1, maxLength: CONVERSATION_LIMITS.teamLength, pattern: '^[^\\u0000-\\u001f:]+$' });
const ClientMessageId = Type.String({ minLength: 1, maxLength: CONVERSATION_LIMITS.clientMessageIdLength });
const AttachmentIds = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: CONVERSATION_LIMITS.attachmentsPerMessage });

const ListQuery = Type.Object({
  status: Type.Optional(lit(CONVERSATION_STATUSES)),
  assignee: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '`me`, `none` (unassigned) or an operator id' })),
  team: Type.Optional(Team),
  channel: Type.Optional(lit(CHANNELS)),
  priority: Type.Optional(lit(PRIORITIES)),
  sla: Type.Optional(lit(SLA_STATES)),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: CONVERSATION_LIMITS.pageSize, default: 25 })),
}, { additionalProperties: false });
const CountsQuery = Type.Object({ status: Type.Optional(lit(CONVERSATION_STATUSES)) }, { additionalProperties: false });
const MessagesQuery = Type.Object({
  afterSeq: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page (takes precedence over afterSeq)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 100 })),
}, { additionalProperties: false });
const SendBody = Type.Object({
  text: Type.String({ maxLength: CONVERSATION_LIMITS.messageChars * 2 }),
  kind: Type.Optional(lit(['text', 'note'] as const)),
  attachmentIds: Type.Optional(AttachmentIds),
  clientMessageId: Type.Optional(ClientMessageId),
}, { additionalProperties: false });
const NoteBody = Type.Object({ text: Type.String({ maxLength: CONVERSATION_LIMITS.messageChars * 2 }), clientMessageId: Type.Optional(ClientMessageId) }, { additionalProperties: false });
const StartBody = Type.Object({
  customer: Type.Object({
    customerId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    userId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
  }, { additionalProperties: false }),
  text: Type.String({ maxLength: CONVERSATION_LIMITS.messageChars * 2 }),
  attachmentIds: Type.Optional(AttachmentIds),
  clientMessageId: Type.Optional(ClientMessageId),
}, { additionalProperties: false });
const StatusBody = Type.Object({
  status: lit(CONVERSATION_STATUSES),
  snoozedUntil: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
}, { additionalProperties: false });
const AssignBody = Type.Object({
  assigneeId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64, description: 'an operator id, or `auto` for round-robin' }), Type.Null()])),
  team: Type.Optional(Type.Union([Team, Type.Null()])),
}, { additionalProperties: false });
const PatchBody = Type.Object({
  priority: Type.Optional(lit(PRIORITIES)),
  labels: Type.Optional(Type.Array(Label, { maxItems: CONVERSATION_LIMITS.labels })),
}, { additionalProperties: false });
const ReadBody = Type.Object({ seq: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
const ThreadQuery = Type.Object({
  before: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
}, { additionalProperties: false });

function checkText(text: string, path: string, allowEmpty: boolean): void {
  const issues = validateMessageText(text, path, { allowEmpty });
  if (issues.length) throw validationError(issues);
}

/** The inbox REST API: list with filters and counts, read, reply, notes, status, assignment. */
export function conversationRoutes(app: FastifyInstance, s: Services): void {
  const tags = ['conversations'];

  app.get<{ Querystring: Static<typeof ListQuery> }>('/api/v1/conversations', {
    schema: { tags, summary: 'List conversations, newest activity first, with counts (keyset pages)', querystring: ListQuery, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    const q = req.query;
    let assigneeId: string | null | undefined;
    if (q.assignee === 'me') {
      if (!auth.operatorId) throw validationError([{ path: 'assignee', code: 'invalid_value', message: 'assignee=me needs an operator token (log in as an operator)' }]);
      assigneeId = auth.operatorId;
    } else if (q.assignee === 'none') assigneeId = null;
    else assigneeId = q.assignee;
    const page = await s.conversations.list(auth.workspaceId, {
      ...(q.status ? { status: q.status } : {}), ...(assigneeId !== undefined ? { assigneeId } : {}), ...(q.team ? { team: q.team } : {}),
      ...(q.channel ? { channel: q.channel } : {}), ...(q.priority ? { priority: q.priority } : {}), ...(q.sla ? { slaState: q.sla } : {}),
      cursor: q.cursor ?? null, limit: q.limit ?? 25,
    }, auth.operatorId);
    return { conversations: page.rows.map(conversationView), nextCursor: page.nextCursor, counts: page.counts };
  });

  app.get<{ Querystring: Static<typeof CountsQuery> }>('/api/v1/conversations/counts', {
    schema: { tags, summary: 'Conversation counts (maintained counters)', querystring: CountsQuery, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    return s.conversations.counts(auth.workspaceId, req.query.status ?? 'open', auth.operatorId);
  });

  app.post<{ Body: Static<typeof StartBody> }>('/api/v1/conversations', {
    schema: { tags, summary: 'Start a conversation on behalf of a customer (the api channel: apps and custom front ends)', body: StartBody, security: bearer, response: withErrors({ 201: Type.Any(), 200: Type.Any() }) },
  }, async (req, reply) => {
    const auth = await authenticate(s, req);
    const b = req.body;
    const given = Object.entries(b.customer).filter(([, v]) => v !== undefined);
    if (given.length !== 1) throw validationError([{ path: 'customer', code: 'invalid_value', message: 'customer: give exactly one of customerId, userId, email' }]);
    checkText(b.text, 'text', (b.attachmentIds ?? []).length > 0);
    const customer = b.customer.customerId
      ? await s.customers.requireRoot(auth.workspaceId, b.customer.customerId)
      : await s.customers.lookup(auth.workspaceId, b.customer.userId ? { userId: b.customer.userId } : { email: b.customer.email! });
    const family = await s.customers.family(auth.workspaceId, customer.id);
    const r = await s.conversations.send({
      workspaceId: auth.workspaceId, sender: { type: 'customer', customerId: customer.id, name: null }, channel: 'api', kind: 'text',
      text: b.text, attachmentIds: b.attachmentIds ?? [], clientMessageId: b.clientMessageId ?? null, customerScope: family, conversationId: null,
    });
    return reply.code(r.duplicate ? 200 : 201).send({ conversation: conversationView(r.conversation), message: messageView(r.message, 'operator'), duplicate: r.duplicate });
  });

  app.get<{ Params: Static<typeof IdParams> }>('/api/v1/conversations/:id', {
    schema: { tags, summary: 'One conversation', params: IdParams, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    return conversationView(await s.conversations.get(auth.workspaceId, req.params.id));
  });

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof PatchBody> }>('/api/v1/conversations/:id', {
    schema: { tags, summary: 'Change priority or labels', params: IdParams, body: PatchBody, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    return conversationView(await s.conversations.update(auth.workspaceId, req.params.id, req.body));
  });

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof MessagesQuery> }>('/api/v1/conversations/:id/messages', {
    schema: { tags, summary: 'Messages and notes in order, after a seq', params: IdParams, querystring: MessagesQuery, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    const c = await s.conversations.get(auth.workspaceId, req.params.id);
    const limit = req.query.limit ?? 100;
    let after: { seq: number; createdAt: number; id: string } | null = null;
    if (req.query.cursor) {
      const [seq, at, mid] = Buffer.from(req.query.cursor, 'base64url').toString().split('.');
      if (!seq || !at || !mid || !Number.isSafeInteger(Number(seq)) || !Number.isSafeInteger(Number(at))) {
        throw validationError([{ path: 'cursor', code: 'invalid_value', message: 'cursor is not one this API returned; pass nextCursor unchanged' }]);
      }
      after = { seq: Number(seq), createdAt: Number(at), id: mid };
    }
    const rows = await s.conversations.messages(auth.workspaceId, c.id, { afterSeq: req.query.afterSeq ?? 0, after, limit: limit + 1, includeNotes: true });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    // Notes share the seq of the message they follow, so the cursor is (seq, time, id): a page
    // may end between two rows of one seq and the next starts exactly after it.
    const nextCursor = rows.length > limit && last ? Buffer.from(`${last.seq}.${last.createdAt}.${last.id}`).toString('base64url') : null;
    return { messages: page.map((m) => messageView(m, 'operator')), nextCursor };
  });

  const operatorSend = async (auth: Awaited<ReturnType<typeof authenticate>>, id: string, body: { text: string; kind?: 'text' | 'note'; attachmentIds?: string[]; clientMessageId?: string }) => {
    const kind = body.kind ?? 'text';
    checkText(body.text, 'text', (body.attachmentIds ?? []).length > 0 && kind === 'text');
    const name = (await s.conversations.operatorName(auth.workspaceId, auth.operatorId)) ?? 'Support team';
    const sender: Sender = { type: 'operator', operatorId: auth.operatorId, tokenId: auth.id, name };
    return s.conversations.send({
      workspaceId: auth.workspaceId, sender, conversationId: id, channel: 'webchat', kind, text: body.text,
      attachmentIds: body.attachmentIds ?? [], clientMessageId: body.clientMessageId ?? null,
    });
  };

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof SendBody> }>('/api/v1/conversations/:id/messages', {
    schema: { tags, summary: 'Reply (or add an internal note with kind=note)', params: IdParams, body: SendBody, security: bearer, response: withErrors({ 201: Type.Any(), 200: Type.Any() }) },
  }, async (req, reply) => {
    const auth = await authenticate(s, req);
    const r = await operatorSend(auth, req.params.id, req.body);
    return reply.code(r.duplicate ? 200 : 201).send({ message: messageView(r.message, 'operator'), conversation: conversationView(r.conversation), duplicate: r.duplicate });
  });

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof NoteBody> }>('/api/v1/conversations/:id/notes', {
    schema: { tags, summary: 'Add an internal note (never shown to the customer)', params: IdParams, body: NoteBody, security: bearer, response: withErrors({ 201: Type.Any(), 200: Type.Any() }) },
  }, async (req, reply) => {
    const auth = await authenticate(s, req);
    const r = await operatorSend(auth, req.params.id, { ...req.body, kind: 'note' });
    return reply.code(r.duplicate ? 200 : 201).send({ message: messageView(r.message, 'operator'), duplicate: r.duplicate });
  });

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof StatusBody> }>('/api/v1/conversations/:id/status', {
    schema: { tags, summary: 'Change status: open, pending, snoozed (with snoozedUntil), resolved', params: IdParams, body: StatusBody, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    const until = req.body.snoozedUntil ? Date.parse(req.body.snoozedUntil) : null;
    if (req.body.status === 'snoozed' && until === null) throw validationError([{ path: 'snoozedUntil', code: 'required', message: 'snoozedUntil is required to snooze' }]);
    if (req.body.status === 'snoozed' && until !== null && until <= s.clock.now()) {
      throw validationError([{ path: 'snoozedUntil', code: 'invalid_value', message: 'snoozedUntil must be in the future' }]);
    }
    return conversationView(await s.conversations.changeStatus(auth.workspaceId, req.params.id, req.body.status, { snoozedUntil: until }));
  });

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof AssignBody> }>('/api/v1/conversations/:id/assign', {
    schema: { tags, summary: 'Assign to an operator (or `auto`: round-robin among those online with capacity) and/or a team', params: IdParams, body: AssignBody, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    if (req.body.assigneeId === undefined && req.body.team === undefined) throw validationError([{ path: '', code: 'required', message: 'give assigneeId, team, or both' }]);
    return conversationView(await s.conversations.assign(auth.workspaceId, req.params.id, req.body));
  });

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof ReadBody> }>('/api/v1/conversations/:id/read', {
    schema: { tags, summary: 'Mark read up to a seq (operators)', params: IdParams, body: ReadBody, security: bearer },
  }, async (req, reply) => {
    const auth = await authenticate(s, req);
    await s.conversations.get(auth.workspaceId, req.params.id);
    await s.conversations.markRead(auth.workspaceId, req.params.id, 'operator', req.body.seq);
    return reply.code(204).send();
  });

  app.get<{ Params: Static<typeof IdParams> }>('/api/v1/customers/:id/conversations', {
    schema: { tags, summary: "A customer's conversations (all channels), newest first", params: IdParams, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    const customer = await s.customers.requireRoot(auth.workspaceId, req.params.id);
    const family = await s.customers.family(auth.workspaceId, customer.id);
    return { conversations: (await s.conversations.ofCustomers(auth.workspaceId, family, 100)).map(conversationView) };
  });

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof ThreadQuery> }>('/api/v1/customers/:id/messages', {
    schema: { tags, summary: 'One continuous thread for a customer across conversations and channels, newest first', params: IdParams, querystring: ThreadQuery, security: bearer },
  }, async (req) => {
    const auth = await authenticate(s, req);
    const customer = await s.customers.requireRoot(auth.workspaceId, req.params.id);
    const family = await s.customers.family(auth.workspaceId, customer.id);
    const limit = req.query.limit ?? 50;
    let before: { createdAt: number; id: string } | null = null;
    if (req.query.before) {
      const [at, id] = Buffer.from(req.query.before, 'base64url').toString().split('.');
      if (!at || !id || !Number.isSafeInteger(Number(at))) throw validationError([{ path: 'before', code: 'invalid_value', message: 'before is not a cursor this API returned' }]);
      before = { createdAt: Number(at), id };
    }
    const rows = await s.conversations.thread(auth.workspaceId, family, { before, limit: limit + 1, includeNotes: true });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      messages: page.map((m) => messageView(m, 'operator')),
      nextCursor: rows.length > limit && last ? Buffer.from(`${last.createdAt}.${last.id}`).toString('base64url') : null,
    };
  });

}
