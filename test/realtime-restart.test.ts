import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { OmotenashiClient, type WebSocketLike } from '../packages/client/src/index.js';
import { createServices, type Services } from '../packages/server/src/services.js';
import { createStore } from '../packages/server/src/storage/kysely-store.js';
import { buildApp } from '../packages/server/src/transport/http/build-app.js';
import { until } from './helpers/realtime.js';

const WS = WebSocket as unknown as new (url: string) => WebSocketLike;

/** A whole server (store, services, HTTP + WebSocket) on one SQLite file and port. */
async function boot(path: string, port: number) {
  const store = createStore({ kind: 'sqlite', path }, { sqliteSynchronous: 'NORMAL' });
  await store.migrate();
  const services: Services = createServices(store, { geo: false });
  const app = await buildApp(services);
  await app.listen({ port, host: '127.0.0.1' });
  const addr = app.server.address();
  return { services, app, port: typeof addr === 'object' && addr ? addr.port : port, async stop() { await app.close(); await services.close(); } };
}

describe('A server restart in the middle of a conversation', () => {
  it('loses nothing, doubles nothing and keeps the order', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'omotenashi-restart-')), 'db.sqlite');
    let server = await boot(path, 0);
    const port = server.port;
    const ws = await server.services.tenancy.createWorkspace('Restart shop');
    const client = new OmotenashiClient({ url: `ws://127.0.0.1:${port}/v1/realtime`, writeKey: ws.writeKey, anonymousId: 'anon-restart', WebSocket: WS, reconnect: { minMs: 20, maxMs: 200 } });
    client.connect();
    try {
      await until(() => client.state === 'open');
      const first = await client.send('before the restart');
      const conv = first.conversationId;
      const api = (s: typeof server, text: string) => s.app.inject({ method: 'POST', url: `/api/v1/conversations/${conv}/messages`, headers: { authorization: `Bearer ${ws.apiToken}`, 'content-type': 'application/json' }, payload: JSON.stringify({ text }) });
      await api(server, 'operator 1');
      await until(() => client.messages(conv).length === 2);

      await server.stop();
      // While the server is down the visitor keeps typing: sends wait in the client's outbox.
      const pending = [client.send('during the restart 1'), client.send('during the restart 2')];
      await new Promise((r) => setTimeout(r, 100));
      server = await boot(path, port);
      await api(server, 'operator 2');
      await Promise.all(pending);
      await until(() => client.messages(conv).length === 5, 10_000, 'five messages');
      expect(client.messages(conv).map((m) => [m.seq, m.text])).toEqual([
        [1, 'before the restart'], [2, 'operator 1'], [3, expect.stringMatching(/^(during the restart 1|operator 2)$/)],
        [4, expect.any(String)], [5, expect.any(String)],
      ]);
      const texts = client.messages(conv).map((m) => m.text);
      expect(new Set(texts).size).toBe(5);
      expect(texts.indexOf('during the restart 1')).toBeLessThan(texts.indexOf('during the restart 2'));
      const stored = await server.app.inject({ method: 'GET', url: `/api/v1/conversations/${conv}/messages`, headers: { authorization: `Bearer ${ws.apiToken}` } });
      expect(stored.json<{ messages: unknown[] }>().messages).toHaveLength(5);
    } finally {
      client.close();
      await server.stop();
    }
  }, 30_000);
});
