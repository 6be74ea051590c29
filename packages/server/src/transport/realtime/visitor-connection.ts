import { CONVERSATION_LIMITS, type VisitorHello, type VisitorServerFrame } from '@omotenashi/protocol';
import type { WebSocket } from 'ws';
import { validateMessageText } from '../../domain/conversations/message-text.js';
import { normalizeEmail } from '../../domain/identity/identifiers.js';
import { OmotenashiError } from '../../errors.js';
import type { MessageRecord } from '../../ports/conversation-store.js';
import type { VisitorSession } from '../../app/conversations/visitor-sessions.js';
import { messageView, visitorConversationView } from '../../app/conversations/views.js';
import { Connection } from './connection.js';
import { isId, isSeq } from './frames.js';
import type { RealtimeContext } from './realtime-context.js';

const ACTIVITY_NOTE_EVERY_MS = 5 * 60_000;
/** Shared by every connection that resumes nothing (most of them): no object per socket. */
const NO_RESUME: Readonly<Record<string, number>> = Object.freeze({});

/**
 * One visitor socket. Delivery is exactly-once and in order per conversation: `delivered`
 * holds the highest seq sent, a message is sent only if it is the next one, and a gap (a
 * message published before an earlier one reached us) is filled from storage in order.
 */
export class VisitorConnection extends Connection<VisitorServerFrame> {
  session: VisitorSession | null = null;
  private readonly delivered = new Map<string, number>();
  private readonly catchingUp = new Map<string, boolean>();
  private touches: Map<string, string> | null = null;
  private activityNotedAt = -Infinity;
  /** The hello's lastSeen: where to resume any conversation of this visitor. */
  private resumeFrom: Readonly<Record<string, number>> = NO_RESUME;
  /** Set while the hello is being answered: what is published meanwhile waits for the welcome. */
  private early: { frames: VisitorServerFrame[]; messages: MessageRecord[] } | null = null;
  /** The conversation this visitor last wrote in (a hint: the writer checks it is still open). */
  private openConversation: string | null = null;

  constructor(socket: WebSocket, ctx: RealtimeContext) {
    super(socket, ctx);
    socket.on('close', () => ctx.registry.removeVisitor(this));
  }

  get ready(): boolean {
    return this.session !== null;
  }

  protected hello(frame: Record<string, unknown>): Promise<void> {
    return this.open(frame as unknown as VisitorHello);
  }

  private async open(h: VisitorHello): Promise<void> {
    const problems: string[] = [];
    if (typeof h.writeKey !== 'string') problems.push('writeKey must be a string');
    if (!isId(h.anonymousId) || h.anonymousId.length > 256) problems.push('anonymousId must be a non-empty string of at most 256 characters');
    if (h.userId !== undefined && (typeof h.userId !== 'string' || h.userId.length === 0 || h.userId.length > 256)) problems.push('userId must be a non-empty string of at most 256 characters');
    for (const k of ['userHash', 'identityToken'] as const) {
      if (h[k] !== undefined && (typeof h[k] !== 'string' || h[k].length > 4096)) problems.push(`${k} must be a string of at most 4096 characters`);
    }
    if (h.lastSeen !== undefined && (typeof h.lastSeen !== 'object' || h.lastSeen === null || Array.isArray(h.lastSeen) || Object.values(h.lastSeen).some((v) => !isSeq(v)))) {
      problems.push('lastSeen must map conversation ids to seq numbers');
    }
    if (problems.length) throw new OmotenashiError('validation_failed', `hello: ${problems.join('; ')}`);
    const session = await this.ctx.sessions.open(h);
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.session = session;
    this.resumeFrom = h.lastSeen ?? NO_RESUME;
    // Registered BEFORE the conversations are read: whatever is published from here on is held
    // back until the welcome is out, then ordered by deliver(); whatever was committed before
    // the read is in the lastSeq the catch-up below compares with. Nothing falls in between.
    this.early = { frames: [], messages: [] };
    this.ctx.registry.addVisitor(this);
    const [convs, token, online, pending] = await Promise.all([
      this.ctx.conversations.ofCustomers(session.workspaceId, session.family, 20),
      this.ctx.sessions.issueToken(session),
      this.ctx.replyTarget(session.workspaceId),
      // Touches that fired while this visitor had no socket (between pages): read after
      // registering, like the conversations, so a touch published meanwhile is in `early` or
      // here (or both: sent once). Extra to the welcome: a failure here must not refuse the hello.
      this.ctx.pendingInvitations(session).catch((err: unknown) => {
        this.ctx.onError(err);
        return [];
      }),
    ]);
    for (const c of convs) this.delivered.set(c.id, Math.min(c.lastSeq, this.resumeFrom[c.id] ?? 0));
    super.send({
      type: 'welcome', v: 1, sessionId: this.ctx.ids.next('realtimeSession'), verified: session.verified, sessionToken: token,
      conversations: convs.map(visitorConversationView), operatorsOnline: this.ctx.registry.operatorsOnline(session.workspaceId) > 0,
      replyWithinMinutes: online, serverTime: this.ctx.clock.now(),
    });
    const early = this.early;
    this.early = null;
    const resent = new Set<string>();
    for (const f of pending) {
      resent.add(f.touchId);
      this.rememberTouch(f.touchId, f.playbook);
      this.send(f);
    }
    for (const f of early.frames) if (f.type !== 'invitation' || !resent.has(f.touchId)) this.send(f);
    for (const m of early.messages) this.deliver(m);
    for (const c of convs) if (c.lastSeq > (this.delivered.get(c.id) ?? 0)) void this.catchUp(c.id);
  }

  /** Until the welcome is out, frames wait (the welcome must come first). */
  override send(frame: Parameters<Connection<VisitorServerFrame>['send']>[0]): void {
    if (this.early && frame.type !== 'error') {
      this.early.frames.push(frame);
      return;
    }
    super.send(frame);
  }

  /** A message published on the Bus for this visitor's customer. */
  deliver(m: MessageRecord): void {
    if (m.kind !== 'text') return;
    if (this.early) {
      this.early.messages.push(m);
      return;
    }
    const have = this.delivered.get(m.conversationId) ?? 0;
    if (m.seq <= have) return;
    if (m.seq === have + 1 && !this.catchingUp.has(m.conversationId)) {
      this.delivered.set(m.conversationId, m.seq);
      this.send({ type: 'message', message: messageView(m, 'visitor') });
      return;
    }
    void this.catchUp(m.conversationId);
  }

  /** Sends, in order, everything after what was delivered; runs again if more arrived meanwhile. */
  private async catchUp(conversationId: string): Promise<void> {
    if (this.catchingUp.has(conversationId)) {
      this.catchingUp.set(conversationId, true);
      return;
    }
    this.catchingUp.set(conversationId, false);
    try {
      for (;;) {
        const after = this.delivered.get(conversationId) ?? 0;
        const rows = await this.ctx.conversations.messages(this.session!.workspaceId, conversationId, { afterSeq: after, limit: 200, includeNotes: false });
        for (const m of rows) {
          if (m.seq !== (this.delivered.get(conversationId) ?? 0) + 1) continue;
          this.delivered.set(conversationId, m.seq);
          this.send({ type: 'message', message: messageView(m, 'visitor') });
        }
        const again = this.catchingUp.get(conversationId) === true;
        this.catchingUp.set(conversationId, false);
        if (rows.length < 200 && !again) break;
      }
    } catch (err) {
      this.ctx.onError(err);
    } finally {
      this.catchingUp.delete(conversationId);
    }
  }

  /** Knows the conversation (so typing and reads for it are allowed without a query). */
  knows(conversationId: string): boolean {
    return this.delivered.has(conversationId);
  }

  /** Starts following a conversation (one beyond the welcome's list resumes from lastSeen too). */
  adopt(conversationId: string): void {
    if (!this.delivered.has(conversationId)) this.delivered.set(conversationId, this.resumeFrom[conversationId] ?? 0);
  }

  rememberTouch(touchId: string, playbook: string): void {
    this.touches ??= new Map();
    if (this.touches.size >= 50) this.touches.delete(this.touches.keys().next().value!);
    this.touches.set(touchId, playbook);
  }

  protected async dispatch(f: Record<string, unknown> & { type: string }): Promise<void> {
    const s = this.session!;
    switch (f.type) {
      case 'message': {
        const ref = isId(f['clientMessageId']) ? f['clientMessageId'] : undefined;
        if (!ref) throw new OmotenashiError('validation_failed', `clientMessageId must be a string of 1–${CONVERSATION_LIMITS.clientMessageIdLength} characters`);
        const attachmentIds = f['attachmentIds'] ?? [];
        if (!Array.isArray(attachmentIds) || attachmentIds.length > CONVERSATION_LIMITS.attachmentsPerMessage || !attachmentIds.every(isId)) {
          throw new OmotenashiError('validation_failed', `attachmentIds must be at most ${CONVERSATION_LIMITS.attachmentsPerMessage} attachment ids`);
        }
        const issues = validateMessageText(f['text'], 'text', { allowEmpty: attachmentIds.length > 0 });
        if (issues.length) throw new OmotenashiError('validation_failed', issues[0]!.message, { issues });
        if (f['conversationId'] !== undefined && !isId(f['conversationId'])) throw new OmotenashiError('validation_failed', 'conversationId must be a conversation id');
        const r = await this.ctx.conversations.send({
          workspaceId: s.workspaceId, sender: { type: 'customer', customerId: s.customerId, name: null },
          conversationId: typeof f['conversationId'] === 'string' ? f['conversationId'] : null, channel: 'webchat', kind: 'text',
          text: String(f['text']), attachmentIds, clientMessageId: ref, customerScope: s.family, openHint: this.openConversation,
        });
        this.adopt(r.conversation.id);
        this.openConversation = r.conversation.id;
        this.deliver(r.message);
        this.send({ type: 'ack', clientMessageId: ref, message: messageView(r.message, 'visitor'), duplicate: r.duplicate });
        // The care loop holds touches for 30 minutes after a noted message; noting at most every
        // 5 minutes keeps that hold while sparing the ingestion pipeline an event per message.
        const now = this.ctx.clock.now();
        if (!r.duplicate && now - this.activityNotedAt >= ACTIVITY_NOTE_EVERY_MS) {
          this.activityNotedAt = now;
          this.ctx.sessions.noteConversationActivity(s, r.conversation.id).catch((err: unknown) => this.ctx.onError(err));
        }
        return;
      }
      case 'typing': {
        if (!isId(f['conversationId']) || !this.knows(f['conversationId'])) throw new OmotenashiError('not_found', 'typing: unknown conversationId');
        this.ctx.typing({ workspaceId: s.workspaceId, customerId: s.customerId, conversationId: f['conversationId'], typing: f['typing'] === true, author: 'customer', operatorId: null, name: null });
        return;
      }
      case 'read': {
        if (!isId(f['conversationId']) || !isSeq(f['seq'])) throw new OmotenashiError('validation_failed', 'read needs conversationId and seq');
        await this.ctx.conversations.markRead(s.workspaceId, f['conversationId'], 'customer', f['seq'], s.family);
        return;
      }
      case 'invitation.response': {
        const response = f['response'];
        if (!isId(f['touchId']) || (response !== 'accepted' && response !== 'dismissed')) throw new OmotenashiError('validation_failed', 'invitation.response needs touchId and response accepted|dismissed');
        await this.ctx.respondToTouch(s, f['touchId'], this.touches?.get(f['touchId']) ?? null, response);
        return;
      }
      case 'csat': {
        const score = f['score'];
        const comment = f['comment'] ?? null;
        if (!isId(f['conversationId']) || typeof score !== 'number' || !Number.isInteger(score) || score < 1 || score > 5) throw new OmotenashiError('validation_failed', 'csat needs conversationId and a score from 1 to 5');
        if (comment !== null && (typeof comment !== 'string' || comment.length > CONVERSATION_LIMITS.csatCommentChars)) throw new OmotenashiError('validation_failed', `csat comment must be text of at most ${CONVERSATION_LIMITS.csatCommentChars} characters`);
        await this.ctx.conversations.rate(s.workspaceId, f['conversationId'], score, comment, s.family);
        return;
      }
      case 'contact': {
        const email = typeof f['email'] === 'string' ? f['email'].trim() : null;
        if (email === null || email.length > CONVERSATION_LIMITS.contactEmailChars || normalizeEmail(email) === null) {
          throw new OmotenashiError('validation_failed', `contact: email must be an email address of at most ${CONVERSATION_LIMITS.contactEmailChars} characters`);
        }
        await this.ctx.sessions.leaveContact(s, email);
        return;
      }
      default:
        this.unknownFrame(f);
    }
  }
}
