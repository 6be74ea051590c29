/**
 * The operator WebSocket (/api/v1/realtime): authenticated by the session cookie, so the hello
 * carries no token. Reconnects with full-jitter backoff; after a reconnect the listeners get a
 * `reconnected` signal, because operators' sockets do not replay what was missed.
 */
import type { OperatorServerFrame, Presence } from '@omotenashi/protocol';

/** What the server sends, plus the socket's own signal after a reconnect. */
export type RealtimeFrame = OperatorServerFrame | { type: 'reconnected' };
type Listener = (frame: RealtimeFrame) => void;

export type SocketState = 'connecting' | 'open' | 'closed';

export class OperatorSocket {
  private ws: WebSocket | null = null;
  private listeners = new Set<Listener>();
  private stateListeners = new Set<(s: SocketState) => void>();
  private attempt = 0;
  private stopped = false;
  private everOpened = false;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  state: SocketState = 'closed';

  constructor(private presence: Presence = 'online') {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.ws?.close(1000);
    this.ws = null;
    this.setState('closed');
  }

  on(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  }

  onState(fn: (s: SocketState) => void): () => void {
    this.stateListeners.add(fn);
    return () => { this.stateListeners.delete(fn); };
  }

  setPresence(p: Presence): void {
    this.presence = p;
    this.send({ type: 'presence', presence: p });
  }

  send(frame: object): void {
    if (this.ws?.readyState === WebSocket.OPEN && this.state === 'open') this.ws.send(JSON.stringify(frame));
  }

  private setState(s: SocketState): void {
    this.state = s;
    for (const fn of this.stateListeners) fn(s);
  }

  private open(): void {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/api/v1/realtime`);
    this.ws = ws;
    this.setState('connecting');
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', v: 1, presence: this.presence }));
    ws.onmessage = (e: MessageEvent<string>) => {
      let frame: RealtimeFrame;
      try { frame = JSON.parse(e.data) as RealtimeFrame; } catch { return; }
      if (frame.type === 'welcome') {
        const reconnect = this.everOpened;
        this.everOpened = true;
        this.attempt = 0;
        this.setState('open');
        if (this.pingTimer) clearInterval(this.pingTimer);
        this.pingTimer = setInterval(() => this.send({ type: 'ping' }), 25_000);
        this.emit(frame);
        if (reconnect) this.emit({ type: 'reconnected' });
        return;
      }
      this.emit(frame);
    };
    ws.onclose = (e: CloseEvent) => {
      if (this.pingTimer) clearInterval(this.pingTimer);
      if (this.ws !== ws) return;
      this.ws = null;
      this.setState('closed');
      // 4001: the session was refused; retrying unchanged cannot help (the app re-checks the session).
      if (this.stopped || e.code === 4001) return;
      const delay = Math.random() * Math.min(15_000, 500 * 2 ** this.attempt++);
      this.retryTimer = setTimeout(() => this.open(), delay);
    };
  }

  private emit(frame: RealtimeFrame): void {
    for (const fn of this.listeners) {
      try { fn(frame); } catch (err) { console.error('realtime listener failed', err); }
    }
  }
}

export const socket = new OperatorSocket();
