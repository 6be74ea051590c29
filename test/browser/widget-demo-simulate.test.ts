import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, startServer, type RunningServer } from '../helpers/browser.js';

const CLI = resolve(import.meta.dirname, '../../packages/server/bin/omotenashi.js');
const SHOPPERS = ['stuck-at-payment', 'declined-yesterday', 'birthday-next-week', 'late-delivery', 'returns-circling'];

function run(args: string[], timeoutMs: number): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`demo simulate did not finish within ${timeoutMs} ms:\n${out}\n${err}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      res({ code, out, err });
    });
  });
}

/**
 * `omotenashi demo simulate` against a server started as `npm start` starts it (the same demo
 * seed the browser suites use): five scripted shoppers, each with the outcome a newcomer should
 * see. Grouped with the browser suites because it needs the built server and the demo.
 */
describeBrowser('demo simulate against a started server', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('plays the five shoppers, exits 0 and reports each outcome', async () => {
    const { code, out, err } = await run(['demo', 'simulate', '--url', server.base, '--write-key', server.writeKey, '--token', server.apiToken, '--speed', '20', '--json'], 90_000);
    expect(code, `exit status (stderr:\n${err})`).toBe(0);
    const report = JSON.parse(out) as { url: string; shoppers: { name: string; ok: boolean; outcome?: string; headline?: string; error?: string }[] };
    expect(report.url).toBe(server.base);
    expect(report.shoppers.map((s) => s.name).sort()).toEqual([...SHOPPERS].sort());
    for (const s of report.shoppers) expect(s.ok, `${s.name}: ${s.headline ?? ''} ${s.error ?? ''}`).toBe(true);
    // The declined shopper is left in peace, and the reason is visible.
    expect(JSON.stringify(report.shoppers.find((s) => s.name === 'declined-yesterday'))).toMatch(/held back \(declined:/);
    // Progress went to stderr, one plain line per change, ending with one outcome line per shopper.
    expect(err.split('\n').filter((l) => /^\s*[\d.]+s\s+[✓○✗]/.test(l)).length, `outcome lines in:\n${err}`).toBeGreaterThanOrEqual(SHOPPERS.length);
  }, 100_000);
});
