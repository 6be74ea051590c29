import { CLOSE_CODES } from '@omotenashi/protocol';
import type { WebSocket } from 'ws';

/** Token bucket per connection: 20 frames a second, bursts of 40. Two numbers, no timers. */
export class FrameBudget {
  private tokens = 40;
  private at = 0;

  take(now: number): boolean {
    this.tokens = Math.min(40, this.tokens + ((now - this.at) / 1000) * 20);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Most bytes a socket may have queued before the client is deemed too slow (and told to resume). */
export const MAX_BUFFERED = 1024 * 1024;
export const MAX_FRAME_BYTES = 64 * 1024;
export const HELLO_DEADLINE_MS = 10_000;
/** Clients ping every 25 s; a connection silent for this long is gone. */
export const IDLE_TIMEOUT_MS = 90_000;

export function sendFrame(socket: WebSocket, frame: unknown): void {
  if (socket.readyState !== socket.OPEN) return;
  if (socket.bufferedAmount > MAX_BUFFERED) {
    socket.close(CLOSE_CODES.tooSlow, 'too slow: reconnect and resume');
    return;
  }
  socket.send(JSON.stringify(frame));
}

/** Parses a text frame into an object with a string `type`, or null. */
export function parseFrame(data: unknown): Record<string, unknown> & { type: string } | null {
  const text = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data as Buffer[]).toString('utf8') : null;
  if (text === null) return null;
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { type?: unknown }).type === 'string') return v as Record<string, unknown> & { type: string };
  } catch {
    // not JSON: the caller answers with a protocol error
  }
  return null;
}

const str = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
export const isId = (v: unknown): v is string => str(v, 100);
export const isSeq = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
