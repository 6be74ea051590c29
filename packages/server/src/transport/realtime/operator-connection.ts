import { PRESENCES, type OperatorServerFrame, type Presence } from '@omotenashi/protocol';
import type { WebSocket } from 'ws';
import { OmotenashiError } from '../../errors.js';
import { Connection } from './connection.js';
import { isId, isSeq } from './frames.js';
import type { RealtimeContext } from './realtime-context.js';

const isPresence = (v: unknown): v is Presence => typeof v === 'string' && (PRESENCES as readonly string[]).includes(v);

/** One operator socket: live inbox events out; presence, typing and reads in. */
export class OperatorConnection extends Connection<OperatorServerFrame> {
  workspaceId: string | null = null;
  operatorId: string | null = null;
  presence: Presence = 'offline';

  /** `cookieToken`: the console's session cookie from the upgrade request, used when the hello has no token. */
  constructor(socket: WebSocket, ctx: RealtimeContext, private readonly cookieToken: string | null = null) {
    super(socket, ctx);
    socket.on('close', () => {
      this.ctx.registry.removeOperator(this);
      if (this.workspaceId && this.operatorId) this.ctx.presence.disconnected(this.workspaceId, this.operatorId).catch((err: unknown) => this.ctx.onError(err));
    });
  }

  /** Typing frames come several a second: whose conversation it is, looked up once. */
  private readonly customers = new Map<string, string>();
  private async customerOf(workspaceId: string, conversationId: string): Promise<string> {
    let id = this.customers.get(conversationId);
    if (id === undefined) {
      id = (await this.ctx.conversations.get(workspaceId, conversationId)).customerId;
      if (this.customers.size >= 100) this.customers.delete(this.customers.keys().next().value!);
      this.customers.set(conversationId, id);
    }
    return id;
  }

  get ready(): boolean {
    return this.workspaceId !== null;
  }

  protected async hello(f: Record<string, unknown>): Promise<void> {
    const token = await this.ctx.credentials.apiToken(typeof f['token'] === 'string' ? f['token'] : this.cookieToken);
    const presence = f['presence'] === undefined ? 'online' : f['presence'];
    if (!isPresence(presence)) throw new OmotenashiError('validation_failed', `presence must be one of ${PRESENCES.join(', ')}`);
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.workspaceId = token.workspaceId;
    this.operatorId = token.operatorId;
    this.presence = presence;
    this.ctx.registry.addOperator(this);
    if (this.operatorId) await this.ctx.presence.connected(this.workspaceId, this.operatorId, presence);
    const [counts, presenceMap] = await Promise.all([
      this.ctx.conversations.counts(this.workspaceId, 'open', this.operatorId),
      this.ctx.conversations.presenceOf(this.workspaceId),
    ]);
    this.send({
      type: 'welcome', v: 1, sessionId: this.ctx.ids.next('realtimeSession'), operatorId: this.operatorId, workspaceId: this.workspaceId,
      counts, presence: presenceMap, serverTime: this.ctx.clock.now(),
    });
  }

  protected async dispatch(f: Record<string, unknown> & { type: string }): Promise<void> {
    const ws = this.workspaceId!;
    switch (f.type) {
      case 'presence': {
        if (!isPresence(f['presence'])) throw new OmotenashiError('validation_failed', `presence must be one of ${PRESENCES.join(', ')}`);
        if (!this.operatorId) throw new OmotenashiError('forbidden', 'only operators (session or operator tokens) have a presence');
        this.presence = f['presence'];
        await this.ctx.presence.set(ws, this.operatorId, f['presence']);
        return;
      }
      case 'typing': {
        if (!isId(f['conversationId'])) throw new OmotenashiError('validation_failed', 'typing needs conversationId');
        const customerId = await this.customerOf(ws, f['conversationId']);
        this.ctx.typing({ workspaceId: ws, customerId, conversationId: f['conversationId'], typing: f['typing'] === true, author: 'operator', operatorId: this.operatorId, name: await this.ctx.conversations.operatorName(ws, this.operatorId) });
        return;
      }
      case 'read': {
        if (!isId(f['conversationId']) || !isSeq(f['seq'])) throw new OmotenashiError('validation_failed', 'read needs conversationId and seq');
        await this.ctx.conversations.markRead(ws, f['conversationId'], 'operator', f['seq']);
        return;
      }
      default:
        this.unknownFrame(f);
    }
  }
}
