import type { ChannelName, ConversationCounts, ConversationStatus, MessageKind, Presence, Priority } from '@omotenashi/protocol';
import { CONVERSATION_STATUSES } from '@omotenashi/protocol';
import { countDeltas } from '../../domain/conversations/counters.js';
import { pickAssignee } from '../../domain/conversations/assign.js';
import { firstResponseDeltas } from '../../domain/conversations/response-time.js';
import { preview } from '../../domain/conversations/message-text.js';
import { checkSla, emptyTrack, planSla, type SlaEvent } from '../../domain/conversations/sla.js';
import { onCustomerMessage, transition } from '../../domain/conversations/status.js';
import { notFound, OmotenashiError, validationError } from '../../errors.js';
import type { IdGenerator } from '../../platform/ids.js';
import type { Bus } from '../../ports/bus.js';
import type { Clock } from '../../ports/clock.js';
import type {
  ConversationCursor, ConversationFilter, ConversationRecord, ConversationStoreOps, MessageCursor, MessageRecord, SlaPolicyRecord,
  WebhookSubscriptionRecord,
} from '../../ports/conversation-store.js';
import type { CareStoreOps, Store, StoreOps } from '../../ports/store.js';
import type { ConversationSettings, ConversationSettingsReader } from './conversation-settings.js';
import { choosePolicy } from './sla-policies.js';
import { TOPICS, type ReadSignal } from './events.js';
import { BUILT_IN_CHANNELS } from '../../channels/built-in.js';
import { MessageWriter } from './message-writer.js';
import { Outcome } from './outcome.js';
import type { SlaPolicies } from './sla-policies.js';
import { conversationView, messageView } from './views.js';
import type { ConversationWebhooks, WebhookData } from './webhook-events.js';

export type Tx = StoreOps & CareStoreOps & ConversationStoreOps;

/** Who is writing. Operators answer as people: their name goes on the message. */
export type Sender =
  | { type: 'customer'; customerId: string; name: string | null }
  | { type: 'operator'; operatorId: string | null; tokenId: string; name: string }
  | { type: 'system' };

export interface SendInput {
  workspaceId: string;
  sender: Sender;
  /** Required for operators; for customers, omitted means their open conversation or a new one. */
  conversationId?: string | null;
  channel: ChannelName;
  kind: MessageKind;
  text: string;
  attachmentIds: string[];
  clientMessageId: string | null;
  /** Customer ids this customer sender may write under (themselves and who was merged into them). */
  customerScope?: string[];
  /**
   * For a customer send without conversationId: the conversation the sender believes is open
   * (a realtime connection knows it). Used if it is still open on this channel, which spares
   * looking the customer's conversations up on every message.
   */
  openHint?: string | null;
}
export interface SendResult { message: MessageRecord; conversation: ConversationRecord; duplicate: boolean; created: boolean }

/**
 * What a change needs to know about its workspace, read BEFORE the transaction: on SQLite a
 * transaction holds the only connection, so a read outside it from inside would wait forever.
 */
export interface WorkspaceContext {
  subs: WebhookSubscriptionRecord[];
  settings: ConversationSettings & { identitySecret: string | null };
  policies: SlaPolicyRecord[];
}

export interface ListQuery extends ConversationFilter { cursor?: string | null; limit: number }
export interface ConversationPageResult { rows: ConversationRecord[]; nextCursor: string | null; counts: ConversationCounts }


export interface ConversationsDeps {
  store: Store; ids: IdGenerator; clock: Clock; bus: Bus; policies: SlaPolicies; webhooks: ConversationWebhooks; settings: ConversationSettingsReader;
  /** Told when a channel fails to send an operator's message out. */
  onDeliveryError?: (err: unknown) => void;
  /** Told about a low satisfaction score, inside the transaction that stores it. */
  onLowCsat?: (tx: Tx, conversation: ConversationRecord, score: number, comment: string | null) => Promise<void>;
}

const encodeCursor = (c: ConversationCursor) => Buffer.from(`${c.activityAt}.${c.id}`).toString('base64url');
function decodeCursor(s: string): ConversationCursor {
  const raw = Buffer.from(s, 'base64url').toString();
  const dot = raw.indexOf('.');
  const activityAt = Number(raw.slice(0, dot));
  const id = raw.slice(dot + 1);
  if (dot < 1 || !Number.isSafeInteger(activityAt) || !/^cnv_[0-9A-Z]{26}$/.test(id)) {
    throw validationError([{ path: 'cursor', code: 'invalid_value', message: 'cursor is not one this API returned; pass nextCursor unchanged' }]);
  }
  return { activityAt, id };
}

/**
 * The inbox: conversations, their messages and their life cycle. Every change writes the
 * conversation, its counters and its webhook deliveries in one transaction, then tells the Bus.
 */
export class Conversations {
  private readonly writer: MessageWriter;

  constructor(private readonly deps: ConversationsDeps) {
    this.writer = new MessageWriter(deps.store, (ws) => this.context(ws), (tx, input, ctx, outcome) => this.sendIn(tx, input, ctx, outcome), (o) => this.publish(o));
  }

  /** Reads (cached) what changes in a workspace need, outside any transaction. */
  async context(workspaceId: string): Promise<WorkspaceContext> {
    const [subs, settings, policies] = await Promise.all([
      this.deps.webhooks.subscriptions(workspaceId), this.deps.settings.get(workspaceId), this.deps.policies.list(workspaceId),
    ]);
    return { subs, settings, policies };
  }

  // ---- reads ---------------------------------------------------------------------------------

  async get(workspaceId: string, id: string): Promise<ConversationRecord> {
    const c = await this.deps.store.getConversation(workspaceId, id);
    if (!c) throw notFound('conversation', id);
    return c;
  }

  async list(workspaceId: string, q: ListQuery, viewerOperatorId: string | null): Promise<ConversationPageResult> {
    const { cursor, limit: _limit, ...filter } = q;
    const after = cursor ? decodeCursor(cursor) : null;
    const [rows, counts] = await Promise.all([
      this.deps.store.listConversations(workspaceId, filter, { after, limit: q.limit + 1 }),
      this.counts(workspaceId, q.status ?? 'open', viewerOperatorId),
    ]);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { rows: page, nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null, counts };
  }

  /** From the maintained counters: two keyed reads, whatever the inbox size. */
  async counts(workspaceId: string, status: ConversationStatus, operatorId: string | null): Promise<ConversationCounts> {
    return (await this.countsFor(workspaceId, status, operatorId ? [operatorId] : []))(operatorId);
  }

  /** Counts for several operators at once (the live inbox pushes them to everyone connected). */
  async countsFor(workspaceId: string, status: ConversationStatus, operatorIds: string[]): Promise<(operatorId: string | null) => ConversationCounts> {
    const keys = [...CONVERSATION_STATUSES.map((s) => `status:${s}`), `unassigned:${status}`, ...operatorIds.map((id) => `assignee:${id}:${status}`)];
    const [byKey, teams] = await Promise.all([
      this.deps.store.getCounts(workspaceId, { keys }),
      this.deps.store.getCounts(workspaceId, { prefix: 'team:' }),
    ]);
    const byTeam: Record<string, number> = {};
    for (const [k, n] of Object.entries(teams)) {
      const suffix = `:${status}`;
      if (k.endsWith(suffix) && n > 0) byTeam[k.slice(5, -suffix.length)] = n;
    }
    const byStatus = Object.fromEntries(CONVERSATION_STATUSES.map((s) => [s, byKey[`status:${s}`] ?? 0])) as Record<ConversationStatus, number>;
    const unassigned = byKey[`unassigned:${status}`] ?? 0;
    return (operatorId) => ({ byStatus, mine: operatorId ? byKey[`assignee:${operatorId}:${status}`] ?? 0 : 0, unassigned, byTeam });
  }

  async ofCustomers(workspaceId: string, customerIds: string[], limit: number): Promise<ConversationRecord[]> {
    return this.deps.store.conversationsOfCustomers(workspaceId, customerIds, limit);
  }

  async presenceOf(workspaceId: string): Promise<Record<string, Presence>> {
    const ops = await this.deps.store.listOperators(workspaceId);
    return Object.fromEntries(ops.filter((o) => o.disabledAt === null).map((o) => [o.id, o.presence ?? 'offline']));
  }

  private readonly names = new Map<string, { name: string | null; until: number }>();

  /** The name an operator answers under (cached: it is on every message and typing signal). */
  async operatorName(workspaceId: string, operatorId: string | null): Promise<string | null> {
    if (!operatorId) return null;
    const key = `${workspaceId}:${operatorId}`;
    const now = this.deps.clock.now();
    const hit = this.names.get(key);
    if (hit && hit.until > now) return hit.name;
    const op = await this.deps.store.getOperator(workspaceId, operatorId);
    if (this.names.size > 10_000) this.names.clear();
    this.names.set(key, { name: op?.name ?? null, until: now + 60_000 });
    return op?.name ?? null;
  }

  async thread(workspaceId: string, customerIds: string[], opts: { before: { createdAt: number; id: string } | null; limit: number; includeNotes: boolean }): Promise<MessageRecord[]> {
    return this.deps.store.customerThread(workspaceId, customerIds, opts);
  }

  async messages(workspaceId: string, conversationId: string, opts: { afterSeq: number; after?: MessageCursor | null; limit: number; includeNotes: boolean }): Promise<MessageRecord[]> {
    return this.deps.store.listMessages(workspaceId, conversationId, opts);
  }

  // ---- writes --------------------------------------------------------------------------------

  /** Stores a message (group-committed with others arriving at the same moment). */
  send(input: SendInput): Promise<SendResult> {
    return this.writer.submit(input);
  }

  async changeStatus(workspaceId: string, id: string, to: ConversationStatus, opts: { snoozedUntil?: number | null } = {}): Promise<ConversationRecord> {
    return this.change(workspaceId, id, async (tx, c, now, ctx) => {
      const r = transition(c, to, { now, snoozedUntil: opts.snoozedUntil ?? null });
      if (!r.ok) throw new OmotenashiError('invalid_transition', r.reason);
      if (!r.changed) return null;
      const slaEvent: SlaEvent | null = r.status === 'resolved' ? 'resolved' : c.status === 'resolved' ? 'reopened' : r.status === 'pending' ? 'pending' : r.status === 'snoozed' ? 'snoozed' : null;
      let next: ConversationRecord = {
        ...c, status: r.status, snoozedUntil: r.snoozedUntil,
        resolvedAt: r.status === 'resolved' ? now : null,
        waitingSince: r.status === 'resolved' ? null : c.waitingSince,
        ...(r.status === 'resolved' ? { csatScore: null, csatComment: null, csatAt: null } : {}),
      };
      const out = new Outcome();
      next = await this.withSla(tx, ctx, next, slaEvent ? [slaEvent] : [], now, out);
      return { next, changes: ['status'], outcome: out };
    });
  }

  async update(workspaceId: string, id: string, patch: { priority?: Priority; labels?: string[] }): Promise<ConversationRecord> {
    return this.change(workspaceId, id, async (_tx, c, _now, ctx) => {
      const changes: string[] = [];
      const next = { ...c };
      if (patch.priority !== undefined && patch.priority !== c.priority) {
        next.priority = patch.priority;
        // The policy follows the priority (an urgent policy applies once it is urgent); running
        // targets keep their deadlines, the next ones use the new policy.
        next.slaPolicyId = choosePolicy(ctx.policies, c.channel, patch.priority).id;
        changes.push('priority');
      }
      if (patch.labels !== undefined) {
        const labels = [...new Set(patch.labels)].sort();
        if (labels.join('\n') !== c.labels.join('\n')) {
          next.labels = labels;
          changes.push('labels');
        }
      }
      return changes.length ? { next, changes } : null;
    });
  }

  /** Assigns to an operator and/or team; `assigneeId: 'auto'` picks by round-robin. */
  async assign(workspaceId: string, id: string, target: { /** An operator id, null to unassign, or 'auto'. */ assigneeId?: string | null; team?: string | null }): Promise<ConversationRecord> {
    return this.change(workspaceId, id, async (tx, c) => {
      const next = { ...c };
      if (target.team !== undefined) next.team = target.team;
      if (target.assigneeId === 'auto') next.assigneeId = await this.autoAssignee(tx, workspaceId, next.team);
      else if (target.assigneeId !== undefined) {
        if (target.assigneeId !== null) {
          const op = await tx.getOperator(workspaceId, target.assigneeId);
          if (!op || op.disabledAt !== null) {
            throw validationError([{ path: 'assigneeId', code: 'invalid_value', message: `assigneeId: no active operator ${JSON.stringify(target.assigneeId)} in this workspace` }]);
          }
        }
        next.assigneeId = target.assigneeId;
      }
      const changes = [...(next.assigneeId !== c.assigneeId ? ['assignee'] : []), ...(next.team !== c.team ? ['team'] : [])];
      return changes.length ? { next, changes } : null;
    });
  }

  /** Read receipts: how far the customer or the operators have read. Only ever moves forward. */
  async markRead(workspaceId: string, id: string, by: 'customer' | 'operator', seq: number, customerScope?: string[]): Promise<void> {
    const field = by === 'customer' ? 'customerReadSeq' : 'operatorReadSeq';
    // Read, compare and write under the row lock: two receipts racing never move it backwards.
    const signal = await this.deps.store.transaction(async (tx): Promise<ReadSignal | null> => {
      const c = await tx.lockConversation(workspaceId, id);
      if (!c || (customerScope && !customerScope.includes(c.customerId))) throw notFound('conversation', id);
      const upTo = Math.min(seq, c.lastSeq);
      if (upTo <= c[field]) return null;
      await tx.updateConversation(workspaceId, id, { [field]: upTo });
      return { workspaceId, customerId: c.customerId, conversationId: id, seq: upTo, by };
    });
    if (signal) this.deps.bus.publish(TOPICS.read, signal);
  }

  /** Satisfaction after resolution: once per resolution; a low score asks a person to follow up. */
  async rate(workspaceId: string, id: string, score: number, comment: string | null, customerScope?: string[]): Promise<ConversationRecord> {
    return this.change(workspaceId, id, async (tx, c, now) => {
      if (c.status !== 'resolved') throw new OmotenashiError('invalid_transition', `the conversation is ${c.status}; satisfaction is asked after it is resolved`);
      if (c.csatScore !== null) throw new OmotenashiError('conflict', 'this conversation has already been rated since it was resolved');
      const next = { ...c, csatScore: score, csatComment: comment, csatAt: now };
      await tx.adjustCounts(workspaceId, { [`csat:${new Date(now).toISOString().slice(0, 10)}:${score}`]: 1 });
      if (score <= 2) await this.deps.onLowCsat?.(tx, next, score, comment);
      return { next, changes: ['csat'], webhook: { event: 'csat.received' as const, data: { conversation: conversationView(next), score, comment } } };
    }, { customerScope });
  }

  /** Wakes snoozed conversations and raises SLA alerts that are due (called by the SLA monitor). */
  async checkDue(workspaceId: string, id: string): Promise<void> {
    await this.change(workspaceId, id, async (tx, c, now, ctx) => {
      const out = new Outcome();
      let next = { ...c };
      const changes: string[] = [];
      if (c.status === 'snoozed' && c.snoozedUntil !== null && c.snoozedUntil <= now) {
        next = { ...next, status: 'open', snoozedUntil: null };
        changes.push('status');
      }
      // Waking from a snooze is not a reopening: the resolution clock kept running through it.
      next = await this.withSla(tx, ctx, next, [], now, out);
      if (next.slaState !== c.slaState) changes.push('sla');
      if (!changes.length && next.slaCheckAt === c.slaCheckAt && JSON.stringify(next.sla) === JSON.stringify(c.sla)) return null;
      return { next, changes, outcome: out };
    });
  }

  // ---- internals -----------------------------------------------------------------------------

  private async change(
    workspaceId: string, id: string,
    fn: (tx: Tx, c: ConversationRecord, now: number, ctx: WorkspaceContext) => Promise<{ next: ConversationRecord; changes: string[]; outcome?: Outcome; webhook?: { event: 'csat.received'; data: WebhookData } } | null>,
    opts: { customerScope?: string[] | undefined } = {},
  ): Promise<ConversationRecord> {
    const ctx = await this.context(workspaceId);
    const subs = ctx.subs;
    const outcome = new Outcome();
    const result = await this.deps.store.transaction(async (tx) => {
      const c = await tx.lockConversation(workspaceId, id);
      if (!c || (opts.customerScope && !opts.customerScope.includes(c.customerId))) throw notFound('conversation', id);
      const now = this.deps.clock.now();
      const r = await fn(tx, c, now, ctx);
      if (!r) return c;
      const next = { ...r.next, updatedAt: now };
      await this.save(tx, c, next);
      if (r.outcome) outcome.sla.push(...r.outcome.sla);
      // Bookkeeping alone (the SLA monitor's next look, an alert already counted) is not news.
      if (r.changes.length) {
        outcome.changes.push({ kind: 'updated', workspaceId, conversation: next, changes: r.changes });
        await this.deps.webhooks.enqueue(tx, workspaceId, subs, 'conversation.updated', () => ({ conversation: conversationView(next), changes: r.changes }));
      }
      if (r.webhook) await this.deps.webhooks.enqueue(tx, workspaceId, subs, r.webhook.event, () => r.webhook!.data);
      await this.enqueueSla(tx, workspaceId, subs, outcome);
      return next;
    });
    this.publish(outcome);
    return result;
  }

  /** Writes a conversation and moves its counters. */
  async save(tx: Tx, before: ConversationRecord | null, after: ConversationRecord): Promise<void> {
    if (before === null) await tx.insertConversation(after);
    else {
      const { id: _id, workspaceId: _w, customerId: _c, createdAt: _t, ...patch } = after; // immutable fields stay out of the update
      await tx.updateConversation(after.workspaceId, after.id, patch);
    }
    const deltas = countDeltas(before, after);
    if (Object.keys(deltas).length) await tx.adjustCounts(after.workspaceId, deltas);
  }

  /** Applies SLA events, records alerts due now, and sets when the monitor must look next. */
  async withSla(tx: Tx, ctx: WorkspaceContext, c: ConversationRecord, events: SlaEvent[], now: number, out: Outcome): Promise<ConversationRecord> {
    const policy = (c.slaPolicyId ? ctx.policies.find((p) => p.id === c.slaPolicyId) : undefined) ?? choosePolicy(ctx.policies, c.channel, c.priority).policy;
    // What is already due is alerted first: a reply that comes after the deadline still
    // counts (and reports) the breach it ends.
    const before = checkSla(c.sla, now);
    let track = before.track;
    for (const e of events) track = planSla(track, e, policy, now);
    const check = checkSla(track, now);
    check.alerts.unshift(...before.alerts);
    // Attainment counters by UTC day: a target that stopped running without a breach was met.
    const day = new Date(now).toISOString().slice(0, 10);
    const deltas: Record<string, number> = {};
    for (const t of ['first_response', 'next_response', 'resolution'] as const) {
      if (c.sla[t] !== null && check.track[t] === null && !check.track.breaches.includes(t) && events.some((e) => e === 'operator_reply' || e === 'resolved')) {
        deltas[`sla:${day}:met:${t}`] = 1;
      }
    }
    for (const a of check.alerts) if (a.kind === 'breached') deltas[`sla:${day}:breached:${a.target}`] = 1;
    if (Object.keys(deltas).length) await tx.adjustCounts(c.workspaceId, deltas);
    const next: ConversationRecord = { ...c, sla: check.track, slaState: check.state };
    const wake = next.status === 'snoozed' ? next.snoozedUntil : null;
    next.slaCheckAt = [check.nextCheckAt, wake].filter((x): x is number => x !== null).sort((a, b) => a - b)[0] ?? null;
    for (const a of check.alerts) out.sla.push({ workspaceId: c.workspaceId, conversation: next, target: a.target, kind: a.kind, state: check.state });
    return next;
  }

  /** Round-robin within a team (or everyone), among operators online and under capacity. */
  async autoAssignee(tx: Tx, workspaceId: string, team: string | null): Promise<string | null> {
    const operators = (await tx.listOperators(workspaceId)).filter((o) => o.disabledAt === null && (team === null || (o.teams ?? []).includes(team)));
    if (operators.length === 0) return null;
    const cursorKey = team ?? '*';
    // The cursor first: it locks the team's assignment (PostgreSQL), so the loads read next
    // already include every assignment committed before ours.
    const last = await tx.getAssignmentCursor(workspaceId, cursorKey);
    const loads = await tx.getCounts(workspaceId, { keys: operators.map((o) => `assignee:${o.id}:open`) });
    const picked = pickAssignee(
      operators.map((o) => ({ id: o.id, presence: o.presence ?? 'offline', capacity: o.capacity ?? 10, load: loads[`assignee:${o.id}:open`] ?? 0 })),
      last,
    );
    if (picked) await tx.setAssignmentCursor(workspaceId, cursorKey, picked);
    return picked;
  }

  /**
   * One send inside the writer's transaction. Everything that can refuse the send is checked
   * before the first write, so a refused send leaves nothing behind in the shared transaction.
   */
  private async sendIn(tx: Tx, input: SendInput, ctx: WorkspaceContext, outcome: Outcome): Promise<SendResult> {
    const { workspaceId, sender } = input;
    const now = this.deps.clock.now();
    const senderKey = sender.type === 'customer' ? `customer:${sender.customerId}` : sender.type === 'operator' ? (sender.operatorId ? `operator:${sender.operatorId}` : `token:${sender.tokenId}`) : 'system';
    if (input.clientMessageId) {
      const original = await tx.findMessageByClientId(workspaceId, senderKey, input.clientMessageId);
      if (original) {
        const conversation = await tx.getConversation(workspaceId, original.conversationId);
        if (!conversation) throw notFound('conversation', original.conversationId);
        return { message: original, conversation, duplicate: true, created: false };
      }
    }
    let conversation: ConversationRecord | null = null;
    if (input.conversationId) {
      conversation = await tx.lockConversation(workspaceId, input.conversationId);
      if (!conversation || (input.customerScope && !input.customerScope.includes(conversation.customerId))) throw notFound('conversation', input.conversationId);
    } else if (sender.type === 'customer') {
      const scope = input.customerScope ?? [sender.customerId];
      const hinted = input.openHint ? await tx.lockConversation(workspaceId, input.openHint) : null;
      if (hinted && hinted.status !== 'resolved' && hinted.channel === input.channel && scope.includes(hinted.customerId)) conversation = hinted;
      else {
        const mine = await tx.conversationsOfCustomers(workspaceId, scope, 20);
        const open = mine.find((c) => c.status !== 'resolved' && c.channel === input.channel);
        conversation = open ? await tx.lockConversation(workspaceId, open.id) : null;
      }
    } else {
      throw validationError([{ path: 'conversationId', code: 'required', message: 'conversationId is required for operator messages' }]);
    }
    if (input.kind === 'note' && sender.type === 'customer') {
      throw new OmotenashiError('forbidden', 'customers cannot write internal notes');
    }
    const attachments = [];
    for (const [i, attId] of input.attachmentIds.entries()) {
      const a = await tx.getAttachment(workspaceId, attId);
      const uploaderOk = a && (sender.type === 'customer' ? a.uploaderType === 'customer' && (input.customerScope ?? [sender.customerId]).includes(a.customerId) : a.uploaderType === 'operator');
      if (!a || !uploaderOk || a.messageId !== null) {
        throw validationError([{ path: `attachmentIds[${i}]`, code: 'invalid_value', message: `attachmentIds[${i}]: ${JSON.stringify(attId)} is not an unsent upload of yours` }]);
      }
      attachments.push({ id: a.id, fileName: a.fileName, contentType: a.contentType as MessageRecord['attachments'][number]['contentType'], size: a.size });
    }

    const channel = BUILT_IN_CHANNELS[conversation?.channel ?? input.channel];
    if (attachments.length > 0 && !channel.capabilities.attachments) {
      throw validationError([{ path: 'attachmentIds', code: 'invalid_value', message: `the ${channel.name} channel cannot carry attachments` }]);
    }

    // ---- writes from here on ----
    const subs = ctx.subs;
    let created = false;
    const before = conversation;
    let c: ConversationRecord;
    if (!conversation) {
      if (sender.type !== 'customer') throw new Error('unreachable: only customers start conversations here');
      const settings = ctx.settings;
      const chosen = choosePolicy(ctx.policies, input.channel, 'normal');
      c = {
        id: this.deps.ids.next('conversation'), workspaceId, customerId: sender.customerId, channel: input.channel, status: 'open',
        snoozedUntil: null, assigneeId: null, team: settings.defaultTeam, priority: 'normal', labels: [], lastSeq: 0,
        lastMessageAt: null, preview: null, waitingSince: null, firstResponseAt: null, resolvedAt: null,
        slaPolicyId: chosen.id, slaState: 'none', slaCheckAt: null, sla: emptyTrack(), csatScore: null, csatComment: null, csatAt: null,
        customerReadSeq: 0, operatorReadSeq: 0, activityAt: now, createdAt: now, updatedAt: now,
      };
      if (settings.autoAssign) c.assigneeId = await this.autoAssignee(tx, workspaceId, c.team);
      created = true;
    } else c = { ...conversation };

    // Notes carry the seq of the message they follow: the customer's sequence stays gap-free.
    const seq = input.kind === 'text' ? c.lastSeq + 1 : c.lastSeq;
    const message: MessageRecord = {
      id: this.deps.ids.next('message'), workspaceId, conversationId: c.id, customerId: c.customerId, seq, kind: input.kind,
      authorType: sender.type, authorId: sender.type === 'customer' ? sender.customerId : sender.type === 'operator' ? sender.operatorId : null,
      authorName: sender.type === 'system' ? null : sender.name, text: input.text, attachments, channel: c.channel,
      senderKey, clientMessageId: input.clientMessageId, createdAt: now,
    };
    const changes: string[] = [];
    const slaEvents: SlaEvent[] = created ? ['created'] : [];
    c.lastSeq = seq;
    c.updatedAt = now;
    if (input.kind === 'text') {
      c.lastMessageAt = now;
      c.activityAt = now;
      c.preview = preview(input.text) || (attachments[0]?.fileName ?? null);
      if (sender.type === 'customer') {
        const r = onCustomerMessage(c);
        const wasResolved = c.status === 'resolved';
        if (r.reopened) changes.push('status');
        if (wasResolved) {
          // Reopening a resolved conversation starts its clocks afresh; waking a pending or
          // snoozed one is just the customer writing again.
          slaEvents.push('reopened');
          c.resolvedAt = null;
          c.csatScore = null; c.csatComment = null; c.csatAt = null;
        } else if (!created) slaEvents.push('customer_message');
        c.status = r.status;
        c.snoozedUntil = r.snoozedUntil;
        c.waitingSince ??= now;
        c.customerReadSeq = seq;
      } else if (sender.type === 'operator') {
        // The first-response histogram (reports), counted in the same transaction as the reply.
        if (c.firstResponseAt === null) await tx.adjustCounts(workspaceId, firstResponseDeltas(now, now - c.createdAt));
        c.firstResponseAt ??= now;
        c.waitingSince = null;
        c.operatorReadSeq = seq;
        slaEvents.push('operator_reply');
      }
    }
    c = await this.withSla(tx, ctx, c, slaEvents, now, outcome);
    await tx.insertMessage(message);
    if (attachments.length) await tx.bindAttachments(workspaceId, attachments.map((a) => a.id), c.id, message.id);
    await this.save(tx, before, c);

    const saved = c;
    if (created) {
      outcome.changes.push({ kind: 'created', workspaceId, conversation: saved });
      await this.deps.webhooks.enqueue(tx, workspaceId, subs, 'conversation.created', () => ({ conversation: conversationView(saved) }));
    } else if (changes.length) {
      outcome.changes.push({ kind: 'updated', workspaceId, conversation: saved, changes });
      await this.deps.webhooks.enqueue(tx, workspaceId, subs, 'conversation.updated', () => ({ conversation: conversationView(saved), changes }));
    }
    outcome.changes.push({ kind: 'message', workspaceId, conversation: saved, message });
    await this.deps.webhooks.enqueue(tx, workspaceId, subs, 'message.created', () => ({ conversation: conversationView(saved), message: messageView(message, 'operator') }));
    await this.enqueueSla(tx, workspaceId, subs, outcome);
    return { message, conversation: c, duplicate: false, created };
  }

  private async enqueueSla(tx: Tx, workspaceId: string, subs: WebhookSubscriptionRecord[], outcome: Outcome): Promise<void> {
    for (const s of outcome.sla) {
      await this.deps.webhooks.enqueue(tx, workspaceId, subs, s.kind === 'warning' ? 'sla.warning' : 'sla.breached', () => ({ conversation: conversationView(s.conversation), target: s.target }));
    }
  }

  /** After commit: tell the Bus (realtime sockets, the care loop). */
  publish(outcome: Outcome): void {
    for (const ch of outcome.changes) {
      this.deps.bus.publish(TOPICS.conversation, ch);
      if (ch.kind === 'message' && ch.message.authorType === 'operator' && ch.message.kind === 'text') {
        BUILT_IN_CHANNELS[ch.conversation.channel].deliver(ch.conversation, ch.message).catch((err: unknown) => this.deps.onDeliveryError?.(err));
      }
    }
    for (const s of outcome.sla) this.deps.bus.publish(TOPICS.sla, s);
  }
}

