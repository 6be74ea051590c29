import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = resolve(import.meta.dirname, '../packages/server/dist/main.js');

/** Starts the built server like `npm start` does and waits until it printed its URLs. */
async function start(cwd: string, env: Record<string, string>): Promise<{ out: string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [MAIN, 'serve'], { cwd, env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 30_000;
  while (!/Operator|Admin API/.test(out) || !out.includes('\n\n', out.indexOf('Health'))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    out,
    stop: () => new Promise((res) => {
      child.once('exit', (code) => res(code));
      child.kill('SIGTERM');
    }),
  };
}

describe('npm start (serve)', () => {
  it('creates a demo workspace on an empty SQLite file, prints its secrets, and serves them again next time', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'omotenashi-serve-'));
    const first = await start(cwd, {});
    const writeKey = /Write key\s+(\S+)/.exec(first.out)?.[1];
    const token = /Admin token\s+(\S+)/.exec(first.out)?.[1];
    const base = /Tracking API\s+(http:\/\/\S+?)\/v1\/batch/.exec(first.out)?.[1];
    expect(writeKey).toMatch(/^wk_/);
    expect(token).toMatch(/^ot_/);
    expect(first.out).toMatch(/Operator\s+demo@omotenashi\.local \/ \S+/);

    const health = await fetch(`${base}/readyz`);
    expect(await health.json()).toEqual({ ok: true, database: 'sqlite' });
    const sent = await fetch(`${base}/v1/track`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` },
      body: JSON.stringify({ userId: 'first-minute', event: 'Product Viewed', properties: { product_id: 'tea' } }),
    });
    expect(sent.status).toBe(200);
    const profile = await fetch(`${base}/api/v1/customers/lookup?userId=first-minute`, { headers: { authorization: `Bearer ${token}` } });
    expect(profile.status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/omotenashi_events_accepted_total 1/);
    // The inbox is live on the same port, with the demo's snippets ready.
    expect(first.out).toContain(`${base!.replace(/^http/, 'ws')}/v1/realtime`);
    const snippets = await (await fetch(`${base}/api/v1/snippets`, { headers: { authorization: `Bearer ${token}` } })).json() as { items: { shortcut: string }[] };
    expect(snippets.items.map((x) => x.shortcut).sort()).toEqual(['hello', 'order-status', 'thanks']);
    const inbox = await fetch(`${base}/api/v1/conversations?status=open`, { headers: { authorization: `Bearer ${token}` } });
    expect(await inbox.json()).toMatchObject({ conversations: [], nextCursor: null, counts: { byStatus: { open: 0 } } });
    // The demo shop and the console are announced, and the shop carries the demo's write key.
    expect(first.out).toContain(`Demo shop      ${base}/demo/`);
    expect(first.out).toContain(`Console        ${base}/console/`);
    const shop = await fetch(`${base}/demo/checkout/payment`);
    expect(shop.status).toBe(200);
    expect(await shop.text()).toContain(`data-write-key="${writeKey}"`);
    expect(await first.stop()).toBe(0);

    const second = await start(cwd, {});
    expect(second.out).toContain(writeKey);
    expect(await second.stop()).toBe(0);
  });

  it('refuses a bad setting with a message naming it and the expected form', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'omotenashi-serve-'));
    const r = spawnSync(process.execPath, [MAIN, 'serve'], { cwd, env: { ...process.env, PORT: 'eighty' }, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Invalid setting PORT: expected a whole number from 0 to 65535, got "eighty"');
    const db = spawnSync(process.execPath, [MAIN, 'serve'], { cwd, env: { ...process.env, DATABASE_URL: 'mysql://x' }, encoding: 'utf8' });
    expect(db.status).toBe(2);
    expect(db.stderr).toContain('DATABASE_URL');
  });
});
