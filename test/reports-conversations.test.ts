import type { Conversation } from '@omotenashi/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { storeFactories } from './helpers/stores.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Summary { responses: number; medianMs: number | null; p90Ms: number | null }
interface Report {
  days: number;
  firstResponse: Summary & { targetMinutes: number; targetPolicyId: string | null; buckets: { label: string; fromMinutes: number; toMinutes: number | null; count: number }[]; byDay: (Summary & { day: string })[] };
  sla: { targets: Record<string, { met: number; breached: number; attainment: number | null }>; byDay: { day: string }[] };
  satisfaction: { responses: number; average: number | null; distribution: Record<string, number>; byDay: { day: string; responses: number; average: number | null }[] };
  waitingNow: { count: number; longestWaitMs: number | null; longest: { id: string; customerId: string; waitingSince: number; waitedMs: number; preview: string | null }[] };
}

describe.each(await storeFactories())('conversation report on $name', (factory) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(factory);
  });
  afterEach(async () => t?.close());

  const get = async (query = '', token?: string) => {
    const r = await t.api('GET', `/api/v1/reports/conversations${query}`, undefined, token);
    expect(r.statusCode, r.body).toBe(200);
    return r.json<Report>();
  };
  const customerWrites = async (userId: string, text: string): Promise<Conversation> => {
    expect((await t.track('/v1/identify', { userId, traits: { name: userId } })).statusCode).toBe(200);
    const r = await t.api('POST', '/api/v1/conversations', { customer: { userId }, text });
    expect(r.statusCode, r.body).toBe(201);
    return r.json<{ conversation: Conversation }>().conversation;
  };
  const reply = async (id: string, text = 'Happy to help') => {
    const r = await t.api('POST', `/api/v1/conversations/${id}/messages`, { text });
    expect(r.statusCode, r.body).toBe(201);
  };

  it('distributes first responses against the default target, per day, with SLA, satisfaction and who waits now', async () => {
    const policy = await t.api('POST', '/api/v1/sla-policies', { name: 'Shop hours', firstResponseMinutes: 30 });
    expect(policy.statusCode, policy.body).toBe(201);
    const day1 = new Date(t.clock.now()).toISOString().slice(0, 10);

    // Day 1: answered after 30 s, 3 min and 2 h.
    const quick = await customerWrites('quick', 'Where is my order?');
    t.clock.advance(30_000);
    await reply(quick.id);
    const soon = await customerWrites('soon', 'Do you ship to Osaka?');
    t.clock.advance(3 * MINUTE);
    await reply(soon.id);
    const slow = await customerWrites('slow', 'Can I change my size?');
    t.clock.advance(2 * HOUR);
    await reply(slow.id);
    // A second reply is not a first response: it is not counted again.
    t.clock.advance(MINUTE);
    await reply(slow.id, 'Anything else?');

    // Day 2: one answered after 2 days… and one still waiting, plus one that wrote back after our reply.
    t.clock.advance(22 * HOUR);
    const day2 = new Date(t.clock.now()).toISOString().slice(0, 10);
    const late = await customerWrites('late', 'Hello?');
    t.clock.advance(49 * HOUR);
    const day4 = new Date(t.clock.now()).toISOString().slice(0, 10);
    await reply(late.id);
    const waiting = await customerWrites('waiting', 'Is anyone there?');
    t.clock.advance(10 * MINUTE);
    const again = await customerWrites('quick', 'One more thing');
    expect(again.id).toBe(quick.id);
    t.clock.advance(5 * MINUTE);
    // Resolved and rated: satisfaction counts it.
    expect((await t.api('POST', `/api/v1/conversations/${soon.id}/status`, { status: 'resolved' })).statusCode).toBe(200);
    await t.services.conversations.rate(t.ws.id, soon.id, 4, null);

    const r = await get();
    expect(r.days).toBe(30);
    expect(r.firstResponse).toMatchObject({ targetMinutes: 30, targetPolicyId: policy.json().id, responses: 4 });
    expect(r.firstResponse.buckets.map((b) => [b.label, b.count])).toEqual([
      ['<1m', 1], ['1–5m', 1], ['5–15m', 0], ['15–60m', 0], ['1–4h', 1], ['4–24h', 0], ['>24h', 1],
    ]);
    // The median of 30 s, 3 min, 2 h and 49 h lies in the 1–4 h range of the stored buckets (interpolated).
    expect(r.firstResponse.medianMs).toBeGreaterThanOrEqual(3 * MINUTE);
    expect(r.firstResponse.medianMs).toBeLessThanOrEqual(3 * HOUR);
    // The 90th percentile lies in the 48–72 h stored bucket.
    expect(r.firstResponse.p90Ms).toBeGreaterThanOrEqual(48 * HOUR);
    expect(r.firstResponse.p90Ms).toBeLessThanOrEqual(72 * HOUR);
    expect(r.firstResponse.byDay).toHaveLength(30);
    expect(r.firstResponse.byDay.find((d) => d.day === day1)).toMatchObject({ responses: 3 });
    expect(r.firstResponse.byDay.find((d) => d.day === day2)).toMatchObject({ responses: 0, medianMs: null, p90Ms: null });
    const fourth = r.firstResponse.byDay.find((d) => d.day === day4)!;
    expect(fourth.responses).toBe(1);
    expect(fourth.medianMs).toBeGreaterThanOrEqual(48 * HOUR);
    expect(fourth.medianMs).toBeLessThanOrEqual(72 * HOUR);
    // Shared with /reports/sla and /reports/csat: the same numbers.
    const sla = (await t.api('GET', '/api/v1/reports/sla?days=30')).json<{ targets: unknown; byDay: unknown }>();
    expect(r.sla).toEqual({ targets: sla.targets, byDay: sla.byDay });
    // Against 30 minutes: 30 s and 3 min met, 2 h and 49 h breached.
    expect(r.sla.targets['first_response']).toMatchObject({ met: 2, breached: 2 });
    const csat = (await t.api('GET', '/api/v1/reports/csat?days=30')).json<Record<string, unknown>>();
    expect(r.satisfaction).toMatchObject({ responses: 1, average: 4, distribution: { 4: 1 }, byDay: csat['byDay'] });
    // Waiting now: "waiting" for 15 minutes, "quick" for 5 (the customer wrote last); the others were answered.
    expect(r.waitingNow.count).toBe(2);
    expect(r.waitingNow.longestWaitMs).toBe(15 * MINUTE);
    expect(r.waitingNow.longest.map((c) => [c.id, c.waitedMs])).toEqual([[waiting.id, 15 * MINUTE], [quick.id, 5 * MINUTE]]);
    expect(r.waitingNow.longest[0]).toMatchObject({ preview: 'Is anyone there?', customerId: waiting.customerId });

    // A shorter period leaves out the first day.
    const short = await get('?days=1');
    expect(short.firstResponse.responses).toBe(1);
    expect(short.firstResponse.byDay).toHaveLength(1);
    expect((await get('?days=90')).firstResponse.byDay).toHaveLength(90);
  });

  it('refuses a period outside 1–90 days, naming the field', async () => {
    for (const bad of ['0', '91', 'abc', '1.5']) {
      const r = await t.api('GET', `/api/v1/reports/conversations?days=${bad}`);
      expect(r.statusCode, bad).toBe(400);
      expect(r.json()).toMatchObject({ error: { code: 'validation_failed', message: expect.stringContaining('days') } });
    }
    expect((await t.api('GET', '/api/v1/reports/conversations?since=1')).statusCode).toBe(400);
    expect((await t.api('GET', '/api/v1/reports/conversations')).statusCode).toBe(200);
    expect((await t.api('GET', '/api/v1/reports/conversations', undefined, 'not-a-token')).json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('never shows one workspace\'s conversations to another', async () => {
    const c = await customerWrites('a-customer', 'Hi from A');
    t.clock.advance(2 * MINUTE);
    await reply(c.id);
    await customerWrites('a-waiting', 'Still there?');
    const b = await t.services.tenancy.createWorkspace('Shop B');
    const other = await get('', b.apiToken);
    expect(other.firstResponse.responses).toBe(0);
    expect(other.firstResponse.targetMinutes).toBe(24 * 60);
    expect(other.waitingNow).toEqual({ count: 0, longestWaitMs: null, longest: [] });
    expect(other.sla.targets['first_response']).toMatchObject({ met: 0, breached: 0, attainment: null });
    const mine = await get();
    expect(mine.firstResponse.responses).toBe(1);
    expect(mine.waitingNow.count).toBe(1);
  });
});
