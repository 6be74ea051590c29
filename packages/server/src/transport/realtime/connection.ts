import { CLOSE_CODES, type ErrorFrame, type PongFrame } from '@omotenashi/protocol';
import type { WebSocket } from 'ws';
import { OmotenashiError } from '../../errors.js';
import { FrameBudget, parseFrame, sendFrame } from './frames.js';
import type { RealtimeContext } from './realtime-context.js';

type Frame = Record<string, unknown> & { type: string };

const AUTH_CODES = new Set(['missing_write_key', 'invalid_write_key', 'identity_proof_required', 'invalid_identity_proof', 'unauthorized', 'forbidden']);
const RETRYABLE = new Set(['internal_error', 'not_ready']);

/** How a refused hello closes: don't retry unchanged (4001), fix the frame (4002), or retry later (1011). */
function closeCodeFor(err: unknown): number {
  if (!(err instanceof OmotenashiError)) return 1011;
  if (AUTH_CODES.has(err.code)) return CLOSE_CODES.unauthorized;
  return RETRYABLE.has(err.code) ? 1011 : CLOSE_CODES.protocolError;
}

/**
 * What every socket does before its own protocol: parse frames, insist on a hello first,
 * rate-limit, and answer failures with an error frame (a bug is reported, never shown).
 */
export abstract class Connection<Out extends { type: string }> {
  readonly openedAt: number;
  lastFrameAt: number;
  private readonly budget = new FrameBudget();
  private helloing = false;

  constructor(readonly socket: WebSocket, protected readonly ctx: RealtimeContext) {
    // Transport deadlines and rate limits run on wall time, whatever clock the app uses.
    this.openedAt = this.lastFrameAt = Date.now();
    socket.on('message', (data) => this.receive(data));
  }

  /** True once the hello was accepted. */
  abstract get ready(): boolean;
  protected abstract hello(frame: Frame): Promise<void>;
  protected abstract dispatch(frame: Frame): Promise<void>;

  send(frame: Out | ErrorFrame | PongFrame): void {
    sendFrame(this.socket, frame);
  }

  protected fail(err: unknown, ref?: string): void {
    const known = err instanceof OmotenashiError;
    if (!known) this.ctx.onError(err);
    this.send({ type: 'error', code: known ? err.code : 'internal_error', message: known ? err.message : 'something went wrong on our side; retry', ...(ref ? { ref } : {}) });
  }

  private receive(data: unknown): void {
    const now = Date.now();
    this.lastFrameAt = now;
    const frame = parseFrame(data);
    if (!frame) {
      this.send({ type: 'error', code: 'invalid_json', message: 'frames are JSON objects with a string "type"' });
      this.socket.close(CLOSE_CODES.protocolError, 'not the protocol');
      return;
    }
    if (!this.ready) {
      if (frame.type !== 'hello' || this.helloing) {
        this.send({ type: 'error', code: 'unauthorized', message: 'the first frame must be hello' });
        this.socket.close(CLOSE_CODES.protocolError, 'hello first');
        return;
      }
      this.helloing = true;
      this.hello(frame).catch((err: unknown) => {
        this.fail(err, 'hello');
        this.socket.close(closeCodeFor(err), 'hello refused');
      });
      return;
    }
    // A message's errors name its clientMessageId, so the client knows which send failed.
    const ref = typeof frame['clientMessageId'] === 'string' ? frame['clientMessageId'] : frame.type;
    if (!this.budget.take(now)) {
      this.send({ type: 'error', code: 'rate_limited', message: 'more than 20 frames a second; this frame was dropped', ref });
      return;
    }
    if (frame.type === 'ping') {
      this.send({ type: 'pong', ...(typeof frame['id'] === 'string' ? { id: frame['id'].slice(0, 100) } : {}), serverTime: this.ctx.clock.now() });
      return;
    }
    this.dispatch(frame).catch((err: unknown) => this.fail(err, ref));
  }

  protected unknownFrame(f: Frame): never {
    throw new OmotenashiError('validation_failed', `unknown frame type ${JSON.stringify(f.type.slice(0, 40))}`);
  }
}
