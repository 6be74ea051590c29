import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STARTER_DIR } from '../packages/server/src/app/care/playbook-files.js';
import type { SimulationReport } from '../packages/server/src/app/care/simulate.js';

/**
 * `omotenashi playbook …` as a user runs it: the BUILT bin (`npm test` builds first) in a child
 * process against a throwaway SQLite database, asserting on stdout, stderr and exit status.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'packages/server/dist/cli/bin.js');

interface Run { code: number; stdout: string; stderr: string }

let dir: string;
let env: NodeJS.ProcessEnv;
let ws: string;

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end('');
  });
}

async function json<T = Record<string, unknown>>(args: string[]): Promise<T> {
  const r = await cli([...args, '--json']);
  if (r.code !== 0) throw new Error(`omotenashi ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

const PLAYBOOKS = `# Two playbooks in one YAML stream.
key: checkout-nudge
name: Checkout nudge
purpose: service
trigger:
  absence:
    after: { event: Checkout Started }
    missing: { event: Order Completed }
    within: 1h
steps:
  - action: task
    title: Call about the open checkout
    due: 1d
---
key: pay-help
name: Help with paying
purpose: service
trigger:
  dwell:
    page: { path: { prefix: /pay } }
    seconds: 60
steps:
  - action: hint
    body: Cards, transfer or on delivery.
`;

const BROKEN = `- key: brand-new
  name: Brand new
  purpose: service
  trigger: { on: { event: Product Viewed } }
  steps: [{ action: tag, trait: viewed, value: true }]
- key: broken
  name: Broken
  purpose: service
  trigger: { dwell: { page: { path: /x }, seconds: 1 } }
  steps: [{ action: hint }]
`;

type ApplyRow = { key: string; version: number; enabled: boolean; result: string };

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first (npm run build, or npm test which builds)`);
  dir = await mkdtemp(join(tmpdir(), 'omotenashi-cli-playbook-'));
  env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'x.sqlite')}`, DEMO: 'false', OMOTENASHI_CONFIG: join(dir, 'none.json') };
  delete env['OMOTENASHI_DEBUG'];
  await writeFile(join(dir, 'none.json'), '{}');
  await writeFile(join(dir, 'playbooks.yaml'), PLAYBOOKS);
  await writeFile(join(dir, 'broken.yaml'), BROKEN);
  ws = (await json<{ id: string }>(['workspace', 'create', '--name', 'Tea shop'])).id;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('omotenashi playbook', () => {
  it('applies a YAML file, and applying it again changes nothing', async () => {
    const first = await json<ApplyRow[]>(['playbook', 'apply', 'playbooks.yaml', '--workspace', ws]);
    expect(first).toEqual([
      { key: 'checkout-nudge', version: 1, enabled: true, result: 'created' },
      { key: 'pay-help', version: 1, enabled: true, result: 'created' },
    ]);
    const again = await json<ApplyRow[]>(['playbook', 'apply', 'playbooks.yaml', '--workspace', ws]);
    expect(again.map((r) => [r.key, r.version, r.result])).toEqual([['checkout-nudge', 1, 'unchanged'], ['pay-help', 1, 'unchanged']]);
    const human = await cli(['playbook', 'apply', 'playbooks.yaml', '--workspace', ws]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^key\s+version\s+enabled\s+result\n/);
    expect(human.stdout).toMatch(/pay-help\s+1\s+true\s+unchanged/);

    await writeFile(join(dir, 'changed.yaml'), PLAYBOOKS.replace('name: Help with paying', 'name: Help with paying, kindly'));
    const changed = await json<ApplyRow[]>(['playbook', 'apply', 'changed.yaml', '--workspace', ws]);
    expect(changed.map((r) => [r.key, r.version, r.result])).toEqual([['checkout-nudge', 1, 'unchanged'], ['pay-help', 2, 'changed']]);
    const versions = await json<{ version: number; current: boolean; definition: { name: string } }[]>(['playbook', 'versions', 'pay-help', '--workspace', ws]);
    expect(versions.map((v) => [v.version, v.current, v.definition.name])).toEqual([[2, true, 'Help with paying, kindly'], [1, false, 'Help with paying']]);
  });

  it('refuses an invalid file with exit 1, naming each playbook and field, and applies none of it', async () => {
    const r = await cli(['playbook', 'apply', 'broken.yaml', '--workspace', ws]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^ {2}broken: trigger\.dwell\.seconds: /m);
    expect(r.stderr).toMatch(/^ {2}broken: steps\[0\]\.body: /m);
    expect(r.stderr).toMatch(/1 of 2 playbooks in broken\.yaml are not valid \(see above\); nothing was applied/);
    const list = await json<{ key: string }[]>(['playbook', 'list', '--workspace', ws]);
    expect(list.map((p) => p.key)).not.toContain('brand-new');

    await writeFile(join(dir, 'garbled.yaml'), 'key: [unclosed\n');
    const garbled = await cli(['playbook', 'apply', 'garbled.yaml', '--workspace', ws]);
    expect(garbled.code).toBe(1);
    expect(garbled.stderr).toMatch(/garbled\.yaml is not valid YAML/);
    const missing = await cli(['playbook', 'apply', 'nope.yaml', '--workspace', ws]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read nope\.yaml/);
    const noWs = await cli(['playbook', 'apply', 'playbooks.yaml', '--workspace', 'ws_nope']);
    expect(noWs.code).toBe(1);
    expect(noWs.stderr).toMatch(/workspace "ws_nope" does not exist/);
    const usage = await cli(['playbook', 'apply', '--workspace', ws]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/missing FILE/);
  });

  it('applies the starter library, once', async () => {
    const starters = readdirSync(STARTER_DIR).filter((f) => /\.(ya?ml|json)$/i.test(f));
    expect(starters.length).toBeGreaterThan(0);
    const first = await json<ApplyRow[]>(['playbook', 'apply', '--starter', '--workspace', ws]);
    expect(first).toHaveLength(starters.length);
    expect(first.filter((r) => r.result !== 'created' || r.version !== 1)).toEqual([]);
    const again = await json<ApplyRow[]>(['playbook', 'apply', '--starter', '--workspace', ws]);
    expect(again.filter((r) => r.result !== 'unchanged')).toEqual([]);
    const both = await cli(['playbook', 'apply', 'playbooks.yaml', '--starter', '--workspace', ws]);
    expect(both.code).toBe(2);
  });

  it('lists, disables and enables playbooks', async () => {
    type Listed = { key: string; name: string; version: number; enabled: boolean; outcomes: { fired: number; heldBack: number; byReason: Record<string, number> } };
    let list = await json<Listed[]>(['playbook', 'list', '--workspace', ws]);
    expect(list.find((p) => p.key === 'pay-help')).toMatchObject({ name: 'Help with paying, kindly', version: 2, enabled: true, outcomes: { fired: 0, heldBack: 0, byReason: {} } });

    expect(await json(['playbook', 'disable', 'pay-help', '--workspace', ws])).toEqual({ key: 'pay-help', version: 2, enabled: false });
    list = await json<Listed[]>(['playbook', 'list', '--workspace', ws]);
    expect(list.find((p) => p.key === 'pay-help')!.enabled).toBe(false);
    const human = await cli(['playbook', 'list', '--workspace', ws]);
    expect(human.stdout).toMatch(/pay-help\s+2\s+no\s+0\s+0\s+Help with paying, kindly/);
    expect(await json(['playbook', 'enable', 'pay-help', '--workspace', ws])).toEqual({ key: 'pay-help', version: 2, enabled: true });

    const unknown = await cli(['playbook', 'disable', 'no-such', '--workspace', ws]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/playbook "no-such" does not exist/);
  });

  it('simulates a stored playbook or a file over the last days, writing nothing', async () => {
    const iso = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3_600_000).toISOString();
    const events = [
      { type: 'track', userId: 'erin', event: 'Checkout Started', properties: { value: 40 }, timestamp: iso(50), messageId: 'e1' },
      { type: 'track', userId: 'frank', event: 'Checkout Started', properties: { value: 40 }, timestamp: iso(49), messageId: 'f1' },
      { type: 'track', userId: 'frank', event: 'Order Completed', properties: { order_id: 'o-1', total: 40 }, timestamp: iso(48.9), messageId: 'f2' },
      { type: 'track', userId: 'old', event: 'Checkout Started', properties: { value: 40 }, timestamp: iso(24 * 20), messageId: 'o1' },
    ];
    await writeFile(join(dir, 'events.ndjson'), events.map((e) => JSON.stringify(e)).join('\n'));
    expect((await json<{ accepted: number }>(['import', 'events.ndjson', '--workspace', ws])).accepted).toBe(4);

    const outcomesBefore = await json(['playbook', 'list', '--workspace', ws]);
    const r = await cli(['playbook', 'simulate', 'checkout-nudge', '--workspace', ws, '--alone', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as SimulationReport;
    expect(report).toMatchObject({
      playbook: { key: 'checkout-nudge', version: 1, draft: false }, alongside: [], customersSeen: 2, eventsReplayed: 3, reached: 1,
      byStep: [{ step: 0, action: 'task', fired: 1, heldBack: 0 }], heldBackByReason: {},
    });
    expect(Date.parse(report.period.to) - Date.parse(report.period.from)).toBe(7 * 86_400_000);
    expect(report.sample[0]!.decisions[0]!.summary).toMatch(/^Checkout nudge v1, cup 1 \(task\) fired: no follow-up event within 1 h/);
    // Progress goes to stderr, a plain line per phase when stderr is not a terminal.
    expect(r.stderr).toMatch(/^simulate: finding active customers… \d+ events, \d+ customers$/m);
    expect(r.stderr).toMatch(/^simulate: 100% +2 \/ 2 customers, 3 events replayed$/m);

    // With the others alongside (the starter library is on), and as a readable report.
    const human = await cli(['playbook', 'simulate', 'checkout-nudge', '--workspace', ws, '--quiet']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stderr).toBe('');
    expect(human.stdout).toMatch(/^Simulation of "Checkout nudge" \(checkout-nudge v1\)$/m);
    expect(human.stdout).toMatch(/alongside +.*checkout-abandoned/);
    expect(human.stdout).toMatch(/Would have reached 1 of 2 customers \(50%\)\./);
    expect(human.stdout).toMatch(/cup 1 +task +1 +0/);
    expect(human.stdout).toMatch(/Nothing was written/);

    // An unsaved file: a draft of the next version; KEY picks one playbook from a file of several.
    const draft = await json<SimulationReport>(['playbook', 'simulate', 'checkout-nudge', '--file', 'playbooks.yaml', '--workspace', ws, '--alone', '--quiet', '--from', iso(72), '--to', iso(1)]);
    expect(draft.playbook).toMatchObject({ key: 'checkout-nudge', version: 1, draft: false });
    await writeFile(join(dir, 'nudge-30m.yaml'), PLAYBOOKS.split('---')[0]!.replace('within: 1h', 'within: 30m'));
    const thirty = await json<SimulationReport>(['playbook', 'simulate', '--file', 'nudge-30m.yaml', '--workspace', ws, '--alone', '--quiet']);
    expect(thirty).toMatchObject({ playbook: { key: 'checkout-nudge', version: 2, draft: true }, reached: 1 });

    const several = await cli(['playbook', 'simulate', '--file', 'playbooks.yaml', '--workspace', ws]);
    expect(several.code).toBe(2);
    expect(several.stderr).toMatch(/holds 2 playbooks; name the one to simulate/);
    const badFrom = await cli(['playbook', 'simulate', 'checkout-nudge', '--workspace', ws, '--from', 'last week']);
    expect(badFrom.code).toBe(2);
    expect(badFrom.stderr).toMatch(/--from must be an ISO-8601 timestamp/);
    const tooLong = await cli(['playbook', 'simulate', 'checkout-nudge', '--workspace', ws, '--from', iso(24 * 100)]);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(/--to − --from must be at most 90 days/);
    const invalid = await cli(['playbook', 'simulate', 'broken', '--file', 'broken.yaml', '--workspace', ws]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/trigger\.dwell\.seconds/);
    const unknown = await cli(['playbook', 'simulate', 'no-such', '--workspace', ws]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/playbook "no-such" does not exist/);
    const noWs = await cli(['playbook', 'simulate', 'checkout-nudge', '--workspace', 'ws_nope']);
    expect(noWs.code).toBe(1);
    expect(noWs.stderr).toMatch(/workspace "ws_nope" does not exist/);
    // No decisions were recorded by any of the simulations (the outcome counts come from them).
    expect(await json(['playbook', 'list', '--workspace', ws])).toEqual(outcomesBefore);
  });
});
