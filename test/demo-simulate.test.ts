import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { starterPlaybooks } from '../packages/server/src/app/care/playbook-files.js';
import { runCli } from '../packages/server/src/cli/run-cli.js';
import { seedDemoWorkspace } from '../packages/server/src/demo-seed.js';
import { startTestApp, TestClock, type TestApp } from './helpers/app.js';
import { listen } from './helpers/realtime.js';
import { storeFactories } from './helpers/stores.js';

/**
 * `omotenashi demo simulate` against a real listening server with the demo workspace seeded as
 * `npm start` seeds it (demo pace), through the CLI entry in-process. The server's clock runs
 * five times faster than the wall clock, so the demo-pace timers (10 s dwell, 10 s to the
 * invitation, 15 s to the late-parcel check) pass in a few seconds; --speed shortens the
 * shoppers' own pauses. What is asserted is the report a newcomer reads.
 */
class FastClock extends TestClock {
  private readonly t0 = Date.now();
  constructor(private readonly factor: number) {
    super();
  }
  override now(): number {
    return this.ms + (Date.now() - this.t0) * this.factor;
  }
}

interface Report {
  name: string; title: string; who: string; ok: boolean; outcome: string; headline: string; error?: string; customerId: string;
  received: { kind: string; playbook: string; text: string }[];
  decisions: { playbook: string; step: number; action: string; outcome: string; reason: string | null; summary: string }[];
  tasks: { title: string; dueAt: string }[];
  conversationId: string | null;
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const code = await runCli(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

describe.each(await storeFactories())('omotenashi demo simulate ($name)', (factory) => {
  it('plays the five shoppers and reports what the playbooks did for each, as read back through the admin API', async () => {
    t = await startTestApp(factory, { clock: new FastClock(5) });
    const demo = await seedDemoWorkspace(t.services);
    t.services.startBackground();
    const { http } = await listen(t);

    const r = await cli(['demo', 'simulate', '--url', http, '--write-key', demo.writeKey, '--token', demo.apiToken, '--speed', '20', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { shoppers } = JSON.parse(r.stdout) as { shoppers: Report[] };
    const by = Object.fromEntries(shoppers.map((s) => [s.name, s]));
    expect(Object.keys(by).sort()).toEqual(['birthday-next-week', 'declined-yesterday', 'late-delivery', 'returns-circling', 'stuck-at-payment']);
    for (const s of shoppers) expect(s.ok, `${s.name}: ${s.error}`).toBe(true);

    // 1. The hint, then the invitation, over the socket; accepted, and a question asked.
    const stuck = by['stuck-at-payment']!;
    expect(stuck.received.map((i) => `${i.kind}:${i.playbook}`)).toEqual(['hint:stuck-at-payment', 'invite:stuck-at-payment']);
    expect(stuck.received[0]!.text).toBe('Need a hand with payment?');
    expect(stuck.decisions.map((d) => `${d.step}:${d.action}:${d.outcome}`)).toEqual(['0:hint:fired', '1:invite:fired']);
    expect(stuck.conversationId).toMatch(/^cnv_/);
    const messages = await t.api('GET', `/api/v1/conversations/${stuck.conversationId}/messages`, undefined, demo.apiToken);
    expect(messages.json<{ messages: { text: string; author: { type: string } }[] }>().messages[0]).toMatchObject({ author: { type: 'customer' }, text: expect.stringContaining('bank transfer') });

    // 2. Yesterday's "no thanks" holds today's hint back, and says why.
    const declined = by['declined-yesterday']!;
    expect(declined.outcome).toBe('held_back');
    expect(declined.received).toEqual([]);
    expect(declined.decisions).toHaveLength(1);
    expect(declined.decisions[0]).toMatchObject({ playbook: 'stuck-at-payment', outcome: 'held_back', reason: 'declined' });
    expect(declined.headline).toContain('declined: customer declined this playbook');

    // 3. A birthday six days away: a colleague is asked to write a card.
    const birthday = by['birthday-next-week']!;
    expect(birthday.decisions[0]).toMatchObject({ playbook: 'birthday-week', step: 0, action: 'task', outcome: 'fired' });
    expect(birthday.tasks.map((x) => x.title)).toContain('Birthday in a week — write a card');

    // 4. A parcel past its promised date: an apology task before the customer has to ask.
    const late = by['late-delivery']!;
    expect(late.decisions[0]).toMatchObject({ playbook: 'late-delivery', step: 0, action: 'task', outcome: 'fired' });
    expect(late.tasks.map((x) => x.title)).toEqual(['Apologise for the late parcel']);

    // 5. The third visit to the returns page: an invitation from a person.
    const returns = by['returns-circling']!;
    expect(returns.received.map((i) => `${i.kind}:${i.playbook}`)).toEqual(['invite:returns-help-visits']);
    expect(returns.decisions[0]).toMatchObject({ step: 0, action: 'invite', outcome: 'fired' });
    expect(returns.decisions[0]!.summary).toContain('/demo/returns for the 3rd time within 7 d');

    // Progress went to stderr as plain lines (not a terminal), one per change, for every shopper.
    for (const s of shoppers) expect(r.stderr).toContain(`${s.outcome === 'fired' ? '✓' : '○'} ${s.title} (${s.who}): ${s.headline}`);
    expect(r.stderr).toContain('Stuck at payment (Aiko): on /demo/checkout/payment');
  }, 120_000);

  it('refuses a workspace that is not the demo (a shop running the starter library) and a write key of another workspace, sending nothing', async () => {
    t = await startTestApp(factory);
    const demo = await seedDemoWorkspace(t.services);
    // t.ws is a real shop's workspace: the same starter playbooks, at the library's pace.
    for (const definition of starterPlaybooks()) await t.services.playbooks.apply(t.ws.id, definition, null);
    const { http } = await listen(t);

    const shop = await cli(['demo', 'simulate', '--url', http, '--write-key', t.ws.writeKey, '--token', t.ws.apiToken]);
    expect(shop.code).toBe(1);
    expect(shop.stderr).toContain('at the library\'s pace, so it is not the demo workspace');
    const crossed = await cli(['demo', 'simulate', '--url', http, '--write-key', t.ws.writeKey, '--token', demo.apiToken]);
    expect(crossed.code).toBe(1);
    expect(crossed.stderr).toContain('the write key is not an active key of the token\'s workspace');
    // Refused in the preflight: no shopper started (nothing printed, no progress line).
    expect(shop.stdout + crossed.stdout).toBe('');
  });
});

describe('omotenashi demo simulate: bad input', () => {
  it('refuses an unknown --only, a bad --speed, a stray argument and a bad key with a usage error before contacting the server, and an unreachable server with exit 1', async () => {
    // Port 9 answers nothing: a flag error must come first, not "cannot reach the server".
    const only = await cli(['demo', 'simulate', '--only', 'nobody', '--write-key', 'wk_x', '--token', 'ot_x', '--url', 'http://127.0.0.1:9']);
    expect(only.code).toBe(2);
    expect(only.stderr).toContain('--only must be one of stuck-at-payment, declined-yesterday, birthday-next-week, late-delivery, returns-circling, got "nobody"');
    const stray = await cli(['demo', 'simulate', 'now', '--write-key', 'wk_x', '--token', 'ot_x', '--url', 'http://127.0.0.1:9']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('unexpected argument "now"');
    const down = await cli(['demo', 'simulate', '--only', 'late-delivery', '--write-key', 'wk_x', '--token', 'ot_x', '--url', 'http://127.0.0.1:9']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot reach the server at http://127.0.0.1:9');
    const speed = await cli(['demo', 'simulate', '--speed', '0', '--write-key', 'wk_x', '--token', 'ot_x']);
    expect(speed.code).toBe(2);
    expect(speed.stderr).toContain('--speed must be from 1 to 100, got 0');
    const fast = await cli(['demo', 'simulate', '--speed', '101', '--write-key', 'wk_x', '--token', 'ot_x']);
    expect(fast.code).toBe(2);
    expect(fast.stderr).toContain('--speed must be from 1 to 100, got 101');
    // Both ends of the range are taken: the command goes on to the (unreachable) server.
    for (const ok of ['1', '100']) {
      const r = await cli(['demo', 'simulate', '--only', 'late-delivery', '--speed', ok, '--write-key', 'wk_x', '--token', 'ot_x', '--url', 'http://127.0.0.1:9']);
      expect(r.code, `--speed ${ok}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toContain('cannot reach the server at http://127.0.0.1:9');
    }
    const key = await cli(['demo', 'simulate', '--write-key', 'nope', '--token', 'ot_x']);
    expect(key.code).toBe(2);
    expect(key.stderr).toContain("--write-key must be the demo workspace's write key (wk_…)");
    const url = await cli(['demo', 'simulate', '--url', 'ftp://x', '--write-key', 'wk_x', '--token', 'ot_x']);
    expect(url.code).toBe(2);
    expect(url.stderr).toContain('--url must be an http:// or https:// URL');
    const help = await cli(['demo', 'simulate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: omotenashi demo simulate [--url URL]');
  });

  it('reads the credentials npm start wrote beside the database DATABASE_URL names, and says which file is missing or broken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omotenashi-demo-creds-'));
    vi.stubEnv('DATABASE_URL', `sqlite:${join(dir, 'shop.sqlite')}`);
    try {
      const file = join(dir, 'demo-credentials.json');
      const missing = await cli(['demo', 'simulate', '--url', 'http://127.0.0.1:9']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain(`no demo credentials: ${file} does not exist`);
      writeFileSync(file, '{not json');
      const broken = await cli(['demo', 'simulate', '--url', 'http://127.0.0.1:9']);
      expect(broken.code).toBe(2);
      expect(broken.stderr).toContain(`${file} is not valid JSON`);
      // A good file: the keys are taken from it and the command goes on to the server.
      writeFileSync(file, JSON.stringify({ workspaceId: 'wsp_x', writeKey: 'wk_saved', apiToken: 'ot_saved', operator: { email: 'a@b.c', password: 'x' } }));
      const read = await cli(['demo', 'simulate', '--url', 'http://127.0.0.1:9']);
      expect(read.code).toBe(1);
      expect(read.stderr).toContain('cannot reach the server at http://127.0.0.1:9');
    } finally {
      vi.unstubAllEnvs();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
