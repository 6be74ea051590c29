import { describe, expect, it } from 'vitest';
import { TimerScheduler } from '../packages/server/src/app/care/timer-scheduler.js';
import { WebhookDispatcher } from '../packages/server/src/app/care/webhook-dispatcher.js';
import type { IngestService } from '../packages/server/src/app/ingest/ingest-service.js';
import type { Store } from '../packages/server/src/ports/store.js';

const clock = { now: () => Date.now() };
const broken = new Error('database is gone');

/** Background loops retry what fails, but never silently: every failure reaches onError. */
describe('background loop failures', () => {
  it('reports a failed timer poll and keeps polling', async () => {
    let calls = 0;
    const store = { dueTimers: () => { calls++; return Promise.reject(broken); } } as unknown as Store;
    const errors: unknown[] = [];
    const s = new TimerScheduler(store, {} as IngestService, clock, { pollMs: 10, onError: (e) => errors.push(e) });
    s.start();
    await new Promise((r) => setTimeout(r, 60));
    await s.stop();
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors[0]).toBe(broken);
    expect(calls).toBe(errors.length);
  });

  it('reports a failed webhook outbox read', async () => {
    const store = { dueOutbox: () => Promise.reject(broken) } as unknown as Store;
    const errors: unknown[] = [];
    const d = new WebhookDispatcher(store, clock, { allowPrivate: false, pollMs: 10, onError: (e) => errors.push(e) });
    d.start();
    await new Promise((r) => setTimeout(r, 40));
    await d.stop();
    expect(errors[0]).toBe(broken);
    // Stopped means stopped: no tick scheduled by one that was in flight.
    const seen = errors.length;
    await new Promise((r) => setTimeout(r, 40));
    expect(errors.length).toBe(seen);
  });
});

describe('the in-process bus', () => {
  it('keeps delivering after a listener throws, and reports the failure', async () => {
    const { InProcessBus } = await import('../packages/server/src/ports/bus.js');
    const failures: string[] = [];
    const bus = new InProcessBus((topic) => failures.push(topic));
    const got: unknown[] = [];
    bus.subscribe('touch', () => { throw new Error('listener bug'); });
    bus.subscribe('touch', (p) => got.push(p));
    bus.publish('touch', { id: 1 });
    expect(got).toEqual([{ id: 1 }]);
    expect(failures).toEqual(['touch']);
  });
});
