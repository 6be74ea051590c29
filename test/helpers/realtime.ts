import WebSocket from 'ws';
import type { TestApp } from './app.js';

/** Starts the test app listening on a loopback port; returns its URLs. */
export async function listen(t: TestApp, port = 0): Promise<{ http: string; ws: string; port: number }> {
  await t.app.listen({ port, host: '127.0.0.1' });
  const addr = t.app.server.address();
  const p = typeof addr === 'object' && addr ? addr.port : port;
  return { http: `http://127.0.0.1:${p}`, ws: `ws://127.0.0.1:${p}`, port: p };
}

/** Polls until `fn` returns a truthy value (or fails after `ms`). */
export async function until<T>(fn: () => T | Promise<T>, ms = 5_000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export type Frame = Record<string, any> & { type: string };

/** A raw protocol socket: every frame it receives is kept, in order. */
export class RawSocket {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d: Buffer) => this.frames.push(JSON.parse(d.toString('utf8')) as Frame));
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  static open(url: string, options?: WebSocket.ClientOptions): Promise<RawSocket> {
    const ws = new WebSocket(url, options);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new RawSocket(ws)));
      ws.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** The first frame (from `from` on) matching `pred`. */
  async next(pred: (f: Frame) => boolean, ms = 5_000, from = 0): Promise<Frame> {
    return until(() => this.frames.slice(from).find(pred), ms, 'a matching frame');
  }

  of(type: string): Frame[] {
    return this.frames.filter((f) => f.type === type);
  }

  close(): void {
    this.ws.close();
  }
}

export async function visitor(wsBase: string, hello: Record<string, unknown>): Promise<RawSocket> {
  const s = await RawSocket.open(`${wsBase}/v1/realtime`);
  s.send({ type: 'hello', v: 1, ...hello });
  await s.next((f) => f.type === 'welcome' || f.type === 'error');
  return s;
}

export async function operator(wsBase: string, token: string, presence = 'online'): Promise<RawSocket> {
  const s = await RawSocket.open(`${wsBase}/api/v1/realtime`);
  s.send({ type: 'hello', v: 1, token, presence });
  await s.next((f) => f.type === 'welcome' || f.type === 'error');
  return s;
}
