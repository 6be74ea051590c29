import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The `omotenashi` CLI as a user runs it: the BUILT bin (`npm test` builds first) in a child
 * process against a throwaway SQLite database, asserting on stdout, stderr and exit status.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'packages/server/dist/cli/bin.js');

interface Run { code: number; stdout: string; stderr: string }

let dir: string;
let env: NodeJS.ProcessEnv;

function cli(args: string[], opts: { stdin?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(opts.stdin ?? '');
  });
}

/** Runs a command with --json that must succeed; returns its parsed stdout. */
async function json<T = Record<string, unknown>>(args: string[], opts: { stdin?: string } = {}): Promise<T> {
  const r = await cli([...args, '--json'], opts);
  if (r.code !== 0) throw new Error(`omotenashi ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

const iso = (ms: number) => new Date(ms).toISOString();

interface CustomerJson {
  id: string;
  userId: string | null;
  mergedFrom: string[];
  identities: { kind: string; value: string }[];
  profile: {
    cart: { items: { productId: string; quantity: number }[]; value: number };
    orders: { count: number; lifetimeValue: number; recent: { orderId: string; total: number; status: string }[] };
    journey: { stage: string };
    traits: Record<string, unknown>;
  };
  insights: { localTime: { timezone: string } | null; moments: { kind: string; date: string; nextOccurrence: string | null; daysUntil: number | null }[] };
}

/** A day in the life of one shopper, as a Segment export would hold it. */
function shopperFile(): string {
  const t0 = Date.now() - 3 * 60 * 60 * 1000;
  const at = (min: number) => iso(t0 + min * 60_000);
  const lines = [
    // Hana signed up last time, on her laptop.
    { type: 'identify', userId: 'u-100', anonymousId: 'anon-laptop', messageId: 'imp-1', timestamp: at(0), traits: { email: 'Hana@Example.com', name: 'Hana' } },
    // Today, anonymously, on her phone.
    { type: 'page', anonymousId: 'anon-phone', messageId: 'imp-2', timestamp: at(60), properties: { url: 'https://shop.test/', path: '/', title: 'Home' }, context: { timezone: 'Asia/Tokyo' } },
    { type: 'track', anonymousId: 'anon-phone', messageId: 'imp-3', timestamp: at(61), event: 'Product Viewed', properties: { product_id: 'tea', name: 'Sencha', price: 12, currency: 'EUR' } },
    { type: 'page', anonymousId: 'anon-phone', messageId: 'imp-4', timestamp: at(62), properties: { url: 'https://shop.test/p/tea', path: '/p/tea', title: 'Sencha' } },
    // She logs in: the phone's anonymous profile merges into hers.
    { type: 'identify', userId: 'u-100', anonymousId: 'anon-phone', messageId: 'imp-5', timestamp: at(63), traits: { email: 'hana@example.com', birthday: '1990-11-25' } },
    { type: 'track', userId: 'u-100', messageId: 'imp-6', timestamp: at(64), event: 'Product Added', properties: { product_id: 'tea', name: 'Sencha', price: 12, quantity: 2, currency: 'EUR' } },
    { type: 'track', userId: 'u-100', messageId: 'imp-7', timestamp: at(65), event: 'Checkout Started', properties: { value: 24, currency: 'EUR' } },
    { type: 'track', userId: 'u-100', messageId: 'imp-8', timestamp: at(66), event: 'Order Completed', properties: { order_id: 'o-1', total: 24, currency: 'EUR', products: [{ product_id: 'tea', price: 12, quantity: 2 }] } },
    // …and starts a new cart right after.
    { type: 'track', userId: 'u-100', messageId: 'imp-9', timestamp: at(70), event: 'Product Added', properties: { product_id: 'mug', name: 'Mug', price: 30, quantity: 1, currency: 'EUR' } },
  ];
  // A blank line and a CRLF ending, as hand-edited files have.
  return `${lines.slice(0, 4).map((l) => JSON.stringify(l)).join('\n')}\n\n${lines.slice(4).map((l) => JSON.stringify(l)).join('\r\n')}\n`;
}

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first (npm run build, or npm test which builds)`);
  dir = await mkdtemp(join(tmpdir(), 'omotenashi-cli-'));
  env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'x.sqlite')}`, DEMO: 'false', OMOTENASHI_CONFIG: join(dir, 'none.json') };
  delete env['OMOTENASHI_DEBUG'];
  await writeFile(join(dir, 'none.json'), '{}');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('omotenashi CLI', () => {
  let ws: { id: string; writeKey: string; apiToken: string };

  it('creates a workspace and prints its id and secrets as JSON', async () => {
    const r = await cli(['workspace', 'create', '--name', 'Tea shop', '--json']);
    expect(r.code).toBe(0);
    ws = JSON.parse(r.stdout) as typeof ws;
    expect(ws.id).toMatch(/^ws_/);
    expect(ws.writeKey).toMatch(/^wk_/);
    expect(ws.apiToken).toMatch(/^ot_/);
  });

  it('rejects unknown commands, bad flags and missing arguments with exit 2', async () => {
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
    expect(unknown.stdout).toBe('');
    const sub = await cli(['key', 'frobnicate']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toMatch(/"key" has: create, list, revoke/);
    const missing = await cli(['key', 'create', '--json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--workspace is required/);
    expect(missing.stdout).toBe('');
    const badFlag = await cli(['key', 'list', '--workspace', ws.id, '--bogus']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/--bogus/);
    const help = await cli(['import', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/usage: omotenashi import FILE/);
  });

  it('says clearly when the workspace does not exist', async () => {
    const r = await cli(['key', 'list', '--workspace', 'ws_nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/workspace "ws_nope" does not exist/);
    expect(r.stdout).toBe('');
  });

  it('creates, lists and revokes write keys', async () => {
    const created = await json<{ id: string; writeKey: string }>(['key', 'create', '--workspace', ws.id, '--name', 'storefront']);
    expect(created.writeKey).toMatch(/^wk_/);
    await json(['key', 'revoke', '--workspace', ws.id, created.id]);
    const keys = await json<{ id: string; name: string; status: string; keyHint: string }[]>(['key', 'list', '--workspace', ws.id]);
    expect(keys.map((k) => [k.name, k.status])).toEqual([['default', 'active'], ['storefront', 'revoked']]);
    expect(JSON.stringify(keys)).not.toContain(created.writeKey);
    const again = await cli(['key', 'revoke', '--workspace', ws.id, created.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/does not exist/);
  });

  it('creates API tokens with a role and an expiry', async () => {
    const t = await json<{ id: string; token: string; role: string; expiresAt: string | null }>(['token', 'create', '--workspace', ws.id, '--role', 'agent', '--ttl-days', '30', '--name', 'helpdesk']);
    expect(t.token).toMatch(/^ot_/);
    expect(t.role).toBe('agent');
    expect(Date.parse(t.expiresAt!) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    const bad = await cli(['token', 'create', '--workspace', ws.id, '--role', 'boss']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--role must be one of owner, admin, agent/);
  });

  it('creates an operator with the password from stdin, and warns about --password', async () => {
    const op = await json<{ id: string; email: string; role: string }>(
      ['operator', 'create', '--workspace', ws.id, '--email', 'Mei@Example.com', '--name', 'Mei', '--role', 'admin', '--password-stdin'],
      { stdin: 'a long enough password\n' },
    );
    expect(op).toMatchObject({ email: 'mei@example.com', role: 'admin' });
    const inline = await cli(['operator', 'create', '--workspace', ws.id, '--email', 'sho@example.com', '--name', 'Sho', '--role', 'agent', '--password', 'another long password', '--json']);
    expect(inline.code).toBe(0);
    expect(inline.stderr).toMatch(/shell history/);
    expect(JSON.parse(inline.stdout)).toMatchObject({ email: 'sho@example.com' });
    const short = await cli(['operator', 'create', '--workspace', ws.id, '--email', 'x@example.com', '--name', 'X', '--role', 'agent', '--password-stdin'], { stdin: 'short\n' });
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/password must be 10 to 200 characters/);
    const none = await cli(['operator', 'create', '--workspace', ws.id, '--email', 'x@example.com', '--name', 'X', '--role', 'agent']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/password is required/);
  });

  let customerId: string;

  it('imports an NDJSON export into one merged customer with cart, order and birthday', async () => {
    await writeFile(join(dir, 'events.ndjson'), shopperFile());
    const r = await json<{ lines: number; accepted: number; duplicates: number; invalid: number; errors: unknown[] }>(['import', 'events.ndjson', '--workspace', ws.id]);
    expect(r).toMatchObject({ lines: 9, accepted: 9, duplicates: 0, invalid: 0, errors: [] });

    const c = await json<CustomerJson>(['customer', 'lookup', '--workspace', ws.id, '--email', 'HANA@example.com']);
    customerId = c.id;
    expect(c.userId).toBe('u-100');
    expect(c.mergedFrom).toHaveLength(1);
    expect(c.identities.map((i) => `${i.kind}:${i.value}`).sort()).toEqual(['anon:anon-laptop', 'anon:anon-phone', 'email:hana@example.com', 'user:u-100']);
    expect(c.profile.orders).toMatchObject({ count: 1, lifetimeValue: 24 });
    expect(c.profile.orders.recent[0]).toMatchObject({ orderId: 'o-1', total: 24, status: 'completed' });
    expect(c.profile.cart.items.map((i) => [i.productId, i.quantity])).toEqual([['mug', 1]]);
    expect(c.insights.localTime?.timezone).toBe('Asia/Tokyo');
    const birthday = c.insights.moments.find((m) => m.kind === 'birthday');
    expect(birthday?.date).toBe('1990-11-25');
    expect(birthday?.nextOccurrence).toMatch(/^\d{4}-11-25$/);

    // The phone's anonymous id leads to the same person; the human view says what matters.
    const byAnon = await json<CustomerJson>(['customer', 'lookup', '--workspace', ws.id, '--anonymous-id', 'anon-phone']);
    expect(byAnon.id).toBe(customerId);
    const shown = await cli(['customer', 'show', customerId, '--workspace', ws.id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/userId\s+u-100/);
    expect(shown.stdout).toMatch(/birthday\s+1990-11-25, next \d{4}-11-25/);
    expect(shown.stdout).toMatch(/local time\s+.*Asia\/Tokyo/);
    expect(shown.stdout).toMatch(/last order\s+o-1 completed 24 EUR/);
  });

  it('stores nothing twice when the same file is imported again', async () => {
    const r = await json<{ lines: number; accepted: number; duplicates: number }>(['import', 'events.ndjson', '--workspace', ws.id]);
    expect(r).toMatchObject({ lines: 9, accepted: 0, duplicates: 9 });
    const c = await json<CustomerJson>(['customer', 'show', customerId, '--workspace', ws.id]);
    expect(c.profile.orders.count).toBe(1);
  });

  it('reports bad lines by number, imports the rest and exits 1', async () => {
    const good = (n: number) => JSON.stringify({ type: 'track', userId: 'u-200', event: 'Product Viewed', messageId: `bad-file-${n}`, properties: { product_id: `p${n}` } });
    const file = [
      good(1),
      '{"type":"track","userId":"u-200",',
      JSON.stringify({ type: 'purchase', userId: 'u-200' }),
      good(4),
      JSON.stringify({ type: 'track', event: 'Viewed', timestamp: 'yesterday' }),
    ].join('\n');
    await writeFile(join(dir, 'bad.ndjson'), file);
    const human = await cli(['import', 'bad.ndjson', '--workspace', ws.id]);
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/^line 2: not valid JSON/m);
    expect(human.stderr).toMatch(/^line 3: type: type "purchase" is not one of/m);
    expect(human.stderr).toMatch(/^line 5: .*needs a userId or an anonymousId/m);
    expect(human.stderr).toMatch(/^line 5: timestamp: /m);
    expect(human.stderr).toMatch(/3 of 5 lines were invalid/);
    expect(human.stdout).toMatch(/accepted\s+2/);

    const r = await cli(['import', 'bad.ndjson', '--workspace', ws.id, '--json']);
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout) as { lines: number; accepted: number; duplicates: number; invalid: number; errors: { line: number; path: string }[] };
    expect(summary).toMatchObject({ lines: 5, accepted: 0, duplicates: 2, invalid: 3 });
    expect([...new Set(summary.errors.map((e) => e.line))]).toEqual([2, 3, 5]);
    expect(summary.errors.find((e) => e.line === 3)?.path).toBe('type');
  });

  it('fails clearly on a missing file or an unknown workspace', async () => {
    const noFile = await cli(['import', 'nope.ndjson', '--workspace', ws.id]);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/cannot read nope.ndjson: no such file/);
    const noWs = await cli(['import', 'events.ndjson', '--workspace', 'ws_missing']);
    expect(noWs.code).toBe(1);
    expect(noWs.stderr).toMatch(/workspace "ws_missing" does not exist/);
  });

  it('lists merges and undoes one', async () => {
    const merges = await json<{ id: string; reason: string }[]>(['merge', 'list', customerId, '--workspace', ws.id]);
    expect(merges).toHaveLength(1);
    const undone = await json<{ winnerId: string; loserId: string }>(['merge', 'undo', merges[0]!.id, '--workspace', ws.id]);
    expect(undone.winnerId).toBe(customerId);
    const phone = await json<CustomerJson>(['customer', 'lookup', '--workspace', ws.id, '--anonymous-id', 'anon-phone']);
    expect(phone.id).toBe(undone.loserId);
    const twice = await cli(['merge', 'undo', merges[0]!.id, '--workspace', ws.id]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/already undone/);
  });

  it('exports everything about a customer, then erases them only with --yes', async () => {
    const exported = await json<{ customer: { id: string }; events: { messageId: string }[] }>(['customer', 'export', customerId, '--workspace', ws.id]);
    expect(exported.customer.id).toBe(customerId);
    expect(exported.events.map((e) => e.messageId)).toEqual(expect.arrayContaining(['imp-1', 'imp-8', 'imp-9']));

    const toFile = await json<{ out: string; events: number }>(['customer', 'export', customerId, '--workspace', ws.id, '--out', 'hana.json']);
    expect(toFile.events).toBe(exported.events.length);
    const onDisk = JSON.parse(await readFile(join(dir, 'hana.json'), 'utf8')) as { events: unknown[] };
    expect(onDisk.events).toHaveLength(exported.events.length);

    const refused = await cli(['customer', 'erase', customerId, '--workspace', ws.id]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/without --yes/);
    expect((await json<CustomerJson>(['customer', 'show', customerId, '--workspace', ws.id])).id).toBe(customerId);

    const erased = await json<{ erased: boolean; customerId: string }>(['customer', 'erase', customerId, '--workspace', ws.id, '--yes']);
    expect(erased).toMatchObject({ erased: true, customerId });
    const gone = await cli(['customer', 'lookup', '--workspace', ws.id, '--email', 'hana@example.com', '--json']);
    expect(gone.code).toBe(1);
    expect(gone.stdout).toBe('');
    expect(gone.stderr).toMatch(/no customer with email/);

    // Her identifiers are suppressed: importing her events again brings nothing back.
    const again = await json<{ accepted: number; suppressed: number; duplicates: number }>(['import', 'events.ndjson', '--workspace', ws.id]);
    expect(again.accepted).toBe(0);
  });
});
