import { CLOSE_CODES, PRESENCES, type OperatorServerFrame, type Presence } from '@omotenashi/protocol';
import type { WebSocket } from 'ws';
import { OmotenashiError } from '../../errors.js';
import { FrameBudget, isId, isSeq, parseFrame, sendFrame } from './frames.js';
import type { RealtimeContext } from './realtime-context.js';

const isPresence = (v: unknown): v is Presence => typeof v === 'string' && (PRESENCES as readonly string[]).includes(v);

/** One operator socket: live inbox events out; presence, typing and reads in. */
export class OperatorConnection {
  workspaceId: string | null = null;
  operatorId: string | null = null;
  presence: Presence = 'offline';
  readonly openedAt: number;
  lastFrameAt: number;
  private readonly budget = new FrameBudget();
  private helloing = false;

  constructor(readonly socket: WebSocket, private readonly ctx: RealtimeContext) {
    // Transport deadlines and rate limits run on wall time, whatever clock the app uses.
    this.openedAt = this.lastFrameAt = Date.now();
    socket.on('message', (data) => this.onFrame(data));
    socket.on('close', () => {
      this.ctx.registry.removeOperator(this);
      if (this.workspaceId && this.operatorId) this.ctx.presence.disconnected(this.workspaceId, this.operatorId).catch((err: unknown) => this.ctx.onError(err));
    });
  }

  send(frame: OperatorServerFrame): void {
    sendFrame(this.socket, frame);
  }

  private onFrame(data: unknown): void {
    const now = Date.now();
    this.lastFrameAt = now;
    const frame = parseFrame(data);
    if (!frame) {
      this.send({ type: 'error', code: 'invalid_json', message: 'frames are JSON objects with a string "type"' });
      this.socket.close(CLOSE_CODES.protocolError, 'not the protocol');
      return;
    }
    if (!this.workspaceId) {
      if (frame.type !== 'hello' || this.helloing) {
        this.send({ type: 'error', code: 'unauthorized', message: 'the first frame must be hello' });
        this.socket.close(CLOSE_CODES.protocolError, 'hello first');
        return;
      }
      this.helloing = true;
      this.hello(frame).catch((err: unknown) => {
        const e = err instanceof OmotenashiError ? err : new OmotenashiError('internal_error', 'could not open the session; retry');
        if (!(err instanceof OmotenashiError)) this.ctx.onError(err);
        this.send({ type: 'error', code: e.code, message: e.message, ref: 'hello' });
        const code = e.code === 'unauthorized' || e.code === 'forbidden' ? CLOSE_CODES.unauthorized : e.code === 'internal_error' ? 1011 : CLOSE_CODES.protocolError;
        this.socket.close(code, 'hello refused');
      });
      return;
    }
    if (!this.budget.take(now)) {
      this.send({ type: 'error', code: 'rate_limited', message: 'more than 20 frames a second; this frame was dropped', ref: frame.type });
      return;
    }
    this.dispatch(frame).catch((err: unknown) => {
      const e = err instanceof OmotenashiError ? err : new OmotenashiError('internal_error', 'something went wrong on our side; retry');
      if (!(err instanceof OmotenashiError)) this.ctx.onError(err);
      this.send({ type: 'error', code: e.code, message: e.message, ref: frame.type });
    });
  }

  private async hello(f: Record<string, unknown>): Promise<void> {
    const token = await this.ctx.credentials.apiToken(typeof f['token'] === 'string' ? f['token'] : null);
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

  private async dispatch(f: Record<string, unknown> & { type: string }): Promise<void> {
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
        const c = await this.ctx.conversations.get(ws, f['conversationId']);
        this.ctx.typing({ workspaceId: ws, customerId: c.customerId, conversationId: c.id, typing: f['typing'] === true, author: 'operator', operatorId: this.operatorId, name: await this.ctx.conversations.operatorName(ws, this.operatorId) });
        return;
      }
      case 'read': {
        if (!isId(f['conversationId']) || !isSeq(f['seq'])) throw new OmotenashiError('validation_failed', 'read needs conversationId and seq');
        await this.ctx.conversations.markRead(ws, f['conversationId'], 'operator', f['seq']);
        return;
      }
      case 'ping':
        this.send({ type: 'pong', ...(typeof f['id'] === 'string' ? { id: f['id'].slice(0, 100) } : {}), serverTime: this.ctx.clock.now() });
        return;
      default:
        throw new OmotenashiError('validation_failed', `unknown frame type ${JSON.stringify(f.type.slice(0, 40))}`);
    }
  }
}
