import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DecisionRecord, TimerRecord } from '../packages/server/src/ports/store.js';
import { startTestApp, TestClock, type TestApp } from './helpers/app.js';
import { storeFactories } from './helpers/stores.js';

/**
 * The running scheduler (`startBackground()`, as `serve` does) on the real clock: timers fire
 * promptly, re-armed timers wait for their new due time, and a timer whose customer is gone
 * does not stop the loop.
 */

/** The system clock behind the TestClock interface the helper takes. */
class RealClock extends TestClock {
  override now(): number {
    return Date.now();
  }
  override advance(): void {
    throw new Error('the real clock cannot be moved');
  }
}

const DWELL_MS = 5_000;
const playbook = {
  key: 'lingering-on-pricing',
  name: 'Lingering on pricing',
  purpose: 'service',
  trigger: { dwell: { page: { path: '/pricing' }, seconds: DWELL_MS / 1000 } },
  steps: [
    { action: 'hint', body: 'The table below shows what each plan includes.' },
    { action: 'invite', after: '1h', message: 'Happy to help you pick a plan.' },
  ],
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, everyMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

describe.each(await storeFactories())('the timer scheduler on the real clock ($name)', (factory) => {
  let t: TestApp;
  const fireCalls: { at: number; timers: TimerRecord[] }[] = [];

  beforeAll(async () => {
    t = await startTestApp(factory, { clock: new RealClock() });
    expect((await t.api('POST', '/api/v1/playbooks', playbook)).statusCode).toBe(201);
    // When the scheduler hands timers to the pipeline (its own lateness, before the flush).
    const fireTimers = t.services.ingest.fireTimers.bind(t.services.ingest);
    vi.spyOn(t.services.ingest, 'fireTimers').mockImplementation((ws, timers) => {
      fireCalls.push({ at: Date.now(), timers });
      return fireTimers(ws, timers);
    });
    t.services.startBackground();
  });
  afterAll(async () => t?.close());

  const page = async (anonymousId: string, path: string) => {
    const r = await t.track('/v1/page', { anonymousId, properties: { path, url: `https://shop.test${path}` } });
    expect(r.statusCode, r.body).toBe(200);
  };
  const activity = async (anonymousId: string) => {
    const r = await t.track('/v1/track', { anonymousId, event: 'Plan Compared', properties: { plans: ['basic', 'pro'] } });
    expect(r.statusCode, r.body).toBe(200);
  };
  const customerId = async (anonymousId: string) => {
    const id = await t.store.findCustomerIdByIdentity(t.ws.id, { kind: 'anon', value: anonymousId });
    expect(id).not.toBeNull();
    return id!;
  };
  const timerOf = async (customer: string): Promise<TimerRecord | undefined> =>
    (await t.store.dueTimers(Number.MAX_SAFE_INTEGER, 10_000)).find((x) => x.customerId === customer && x.kind === 'dwell');
  const decisionsOf = (customer: string): Promise<DecisionRecord[]> => t.store.listDecisions(t.ws.id, [customer], 100);

  it('fires a timer within a few hundred milliseconds of its due time', async () => {
    await page('prompt-1', '/pricing');
    const id = await customerId('prompt-1');
    const timer = await timerOf(id);
    expect(timer).toBeDefined();
    const decision = await until('the dwell timer to fire', DWELL_MS + 5_000, async () => (await decisionsOf(id))[0]);
    const seenAt = Date.now();
    const call = fireCalls.find((c) => c.timers.some((x) => x.id === timer!.id));
    const handedOver = call ? call.at - timer!.dueAt : NaN;
    const decided = decision.at - timer!.dueAt;
    console.log(`[timers] ${factory.name}: timer handed to the pipeline ${handedOver} ms after due, decision at +${decided} ms, visible at +${seenAt - timer!.dueAt} ms`);
    expect(decision).toMatchObject({ step: 0, action: 'hint', outcome: 'fired' });
    expect(decided).toBeGreaterThanOrEqual(0); // never early
    expect(decided).toBeLessThan(1_000);
    expect(handedOver).toBeGreaterThanOrEqual(0);
    expect(handedOver).toBeLessThan(1_000);
    expect(await timerOf(id)).toBeUndefined();
  });

  it('does not fire a dwell timer early when activity re-armed it', async () => {
    await page('rearm-1', '/pricing');
    const id = await customerId('rearm-1');
    const firstDue = (await timerOf(id))!.dueAt;
    await sleep(3_000);
    await activity('rearm-1'); // still on /pricing, but active again: "no activity for 5 s" starts over
    const rearmed = (await timerOf(id))!;
    expect(rearmed.dueAt).toBeGreaterThanOrEqual(firstDue + 2_500);

    // Past the first due time (and a poll or two): nothing.
    await sleep(Math.max(0, firstDue - Date.now()) + 700);
    expect(await decisionsOf(id)).toEqual([]);
    expect((await timerOf(id))?.dueAt).toBe(rearmed.dueAt);

    const decision = await until('the re-armed timer to fire', DWELL_MS + 5_000, async () => (await decisionsOf(id))[0]);
    console.log(`[timers] ${factory.name}: re-armed timer fired ${decision.at - rearmed.dueAt} ms after its new due time`);
    expect(decision.at).toBeGreaterThanOrEqual(rearmed.dueAt);
    expect(decision.at - rearmed.dueAt).toBeLessThan(1_000);
    await sleep(300);
    expect(await decisionsOf(id)).toHaveLength(1);
  });

  it('keeps firing when a timer belongs to a customer who was erased meanwhile', async () => {
    await page('erased-1', '/pricing');
    const erased = await customerId('erased-1');
    await sleep(200);
    await page('kept-1', '/pricing');
    const kept = await customerId('kept-1');
    const keptTimer = (await timerOf(kept))!;
    await t.services.customers.erase(t.ws.id, erased);
    // A timer row that outlived its customer (say, claimed by a poll just before the erasure
    // committed): it must be consumed quietly too.
    const orphanDue = Date.now() + 300;
    await t.store.upsertTimers([{
      id: 'tim_orphan', workspaceId: t.ws.id, customerId: 'cus_erased_long_ago', key: 'cus_erased_long_ago:dwell:lingering-on-pricing',
      kind: 'dwell', playbookKey: playbook.key, dueAt: orphanDue, payload: { path: '/pricing' },
    }]);
    await until('the orphan timer to be consumed', 5_000, async () => ((await timerOf('cus_erased_long_ago')) ? undefined : true));
    expect(Date.now()).toBeGreaterThanOrEqual(orphanDue);
    expect(await t.store.getCustomer(t.ws.id, 'cus_erased_long_ago')).toBeNull();
    expect(await decisionsOf('cus_erased_long_ago')).toEqual([]);

    // The kept customer's timer is due after the erased one's: it still fires, on time.
    const decision = await until('the next timer to fire', DWELL_MS + 5_000, async () => (await decisionsOf(kept))[0]);
    expect(decision).toMatchObject({ step: 0, outcome: 'fired' });
    expect(decision.at - keptTimer.dueAt).toBeLessThan(1_000);
    // The erased person's timer was consumed without re-creating them or deciding anything.
    expect(await timerOf(erased)).toBeUndefined();
    expect(await t.store.getCustomer(t.ws.id, erased)).toBeNull();
    expect(await decisionsOf(erased)).toEqual([]);
    expect(await t.store.findCustomerIdByIdentity(t.ws.id, { kind: 'anon', value: 'erased-1' })).toBeNull();

    // And the loop is still alive for what comes next.
    await page('after-1', '/pricing');
    const after = await customerId('after-1');
    await until('a later timer to fire', DWELL_MS + 5_000, async () => (await decisionsOf(after))[0]);
  });
});
