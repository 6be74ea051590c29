import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STARTER_DIR, readPlaybookFile, starterPlaybooks } from '../packages/server/src/app/care/playbook-files.js';
import { ensureDemoWorkspace } from '../packages/server/src/demo-seed.js';
import type { PlaybookDefinition } from '../packages/server/src/domain/playbooks/definition.js';
import { validatePlaybook } from '../packages/server/src/domain/playbooks/validate-playbook.js';
import { createServices } from '../packages/server/src/services.js';
import { TestClock, startTestApp, type TestApp } from './helpers/app.js';
import { sqliteFactory, storeFactories } from './helpers/stores.js';

/** The starter library the product promises (docs/product.md: "A starter library of playbooks"). */
const EXPECTED_KEYS = [
  'birthday-week',
  'checkout-abandoned',
  'first-order-thanks',
  'late-delivery',
  'out-of-stock-in-cart',
  'payment-failed',
  'reorder-reminder',
  'returns-help-visits',
  'silent-unhappiness',
  'stuck-at-payment',
];

const files = readdirSync(STARTER_DIR).filter((f) => /\.(ya?ml|json)$/i.test(f)).sort();

describe('the starter library files', () => {
  it('holds one playbook per file, named after its key', () => {
    expect(files.length).toBe(EXPECTED_KEYS.length);
    for (const f of files) {
      const docs = readPlaybookFile(join(STARTER_DIR, f));
      expect(docs, f).toHaveLength(1);
      expect((docs[0] as { key: string }).key, f).toBe(basename(f, extname(f)));
    }
  });

  it.each(files)('%s passes validation', (f) => {
    const [doc] = readPlaybookFile(join(STARTER_DIR, f));
    const r = validatePlaybook(doc);
    expect(r.ok ? [] : r.issues).toEqual([]);
  });

  it('has unique keys, the promised ten, each described and prioritised', () => {
    const defs = starterPlaybooks() as PlaybookDefinition[];
    const keys = defs.map((d) => d.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual(EXPECTED_KEYS);
    for (const d of defs) {
      expect(d.description?.length ?? 0, d.key).toBeGreaterThan(80);
      expect(d.priority, d.key).toBeTypeOf('number');
      expect(d.enabled ?? true, d.key).toBe(true);
    }
  });

  it('speaks on the payment page only for playbooks about payment', () => {
    const about = Object.fromEntries((starterPlaybooks() as PlaybookDefinition[]).map((d) => [d.key, d.etiquette?.about ?? []]));
    const paymentTopics = Object.entries(about).filter(([, a]) => a.includes('payment')).map(([k]) => k).sort();
    expect(paymentTopics).toEqual(['checkout-abandoned', 'payment-failed', 'stuck-at-payment']);
  });

  it('reaches customers only on the site: no webhooks to addresses a shop has not chosen', () => {
    for (const d of starterPlaybooks() as PlaybookDefinition[]) {
      // No starter playbook reaches the customer away from the site: there is no webhook URL to
      // ship, and a shop should choose its own email/SMS sender before anything leaves the site.
      expect(d.steps.filter((s) => s.action === 'webhook'), d.key).toEqual([]);
    }
  });
});

describe.each(await storeFactories())('applying the starter library on $name', (factory) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(factory);
  });
  afterAll(async () => t.close());

  it('applies every starter playbook through Playbooks.apply, idempotently', async () => {
    for (const def of starterPlaybooks()) {
      const r = await t.services.playbooks.apply(t.ws.id, def, null);
      expect(r).toMatchObject({ created: true, changed: true, playbook: { version: 1, enabled: true } });
    }
    for (const def of starterPlaybooks()) {
      expect(await t.services.playbooks.apply(t.ws.id, def, null)).toMatchObject({ created: false, changed: false });
    }
    const listed = (await t.api('GET', '/api/v1/playbooks')).json<{ items: { key: string; enabled: boolean; version: number }[] }>().items;
    expect(listed.map((p) => p.key).sort()).toEqual(EXPECTED_KEYS);
    expect(listed.every((p) => p.enabled && p.version === 1)).toBe(true);
  });
});

describe('the demo workspace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omotenashi-demo-'));
  let services: ReturnType<typeof createServices>;
  beforeAll(async () => {
    services = createServices(await sqliteFactory.create(), { clock: new TestClock(), geo: false });
  });
  afterAll(async () => services.close());

  it('is created with the whole starter library enabled, once', async () => {
    const creds = await ensureDemoWorkspace(services, join(dir, 'demo-credentials.json'));
    expect(creds).not.toBeNull();
    const list = await services.playbooks.list(creds!.workspaceId);
    expect(list.map((p) => p.key).sort()).toEqual(EXPECTED_KEYS);
    expect(list.every((p) => p.enabled)).toBe(true);

    // A later start finds the workspace and changes nothing.
    const again = await ensureDemoWorkspace(services, join(dir, 'demo-credentials.json'));
    expect(again?.workspaceId).toBe(creds!.workspaceId);
    expect((await services.store.listWorkspaces()).length).toBe(1);
    expect((await services.playbooks.list(creds!.workspaceId)).map((p) => p.version)).toEqual(EXPECTED_KEYS.map(() => 1));
  });
});
