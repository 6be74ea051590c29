import type { BusinessHours } from '@omotenashi/protocol';
import { describe, expect, it } from 'vitest';
import type { SlaTrack } from '../../ports/conversation-store.js';
import { addBusinessMinutes } from './business-hours.js';
import { checkSla, DEFAULT_SLA, emptyTrack, planSla, WARN_AT, type SlaPolicyLike } from './sla.js';

const MIN = 60_000;
const NOW = Date.parse('2026-03-02T09:00:00Z');
const FULL: SlaPolicyLike = { firstResponseMinutes: 60, nextResponseMinutes: 30, resolutionMinutes: 600, businessHours: null };

function frozen(track: SlaTrack): SlaTrack {
  for (const v of Object.values(track)) if (v !== null) Object.freeze(v);
  return Object.freeze(track);
}

describe('defaults', () => {
  it('asks for a first answer within 24 hours around the clock and nothing else', () => {
    expect(DEFAULT_SLA).toEqual({ firstResponseMinutes: 1440, nextResponseMinutes: null, resolutionMinutes: null, businessHours: null });
    expect(WARN_AT).toBe(0.8);
    expect(emptyTrack()).toEqual({ first_response: null, next_response: null, resolution: null, warned: [], breaches: [] });
    expect(emptyTrack()).not.toBe(emptyTrack());
  });
});

describe('planSla', () => {
  it('starts the first response (and resolution when the policy has it) on creation', () => {
    expect(planSla(emptyTrack(), 'created', DEFAULT_SLA, NOW)).toEqual({
      first_response: { dueAt: NOW + 1440 * MIN, warnAt: NOW + 1152 * MIN },
      next_response: null,
      resolution: null,
      warned: [],
      breaches: [],
    });
    const track = planSla(emptyTrack(), 'created', FULL, NOW);
    expect(track.first_response).toEqual({ dueAt: NOW + 60 * MIN, warnAt: NOW + 48 * MIN });
    expect(track.resolution).toEqual({ dueAt: NOW + 600 * MIN, warnAt: NOW + 480 * MIN });
    expect(track.next_response).toBeNull();
  });

  it('does not restart running targets on a repeated creation', () => {
    const track = planSla(emptyTrack(), 'created', FULL, NOW);
    expect(planSla(track, 'created', FULL, NOW + 10 * MIN)).toEqual(track);
  });

  it('measures in business time', () => {
    const hours: BusinessHours = { timeZone: 'Europe/Berlin', week: { '1': [['09:00', '17:00']], '2': [['09:00', '17:00']] } };
    // Monday 16:30 CET: 30 minutes today, the rest on Tuesday.
    const start = Date.parse('2026-03-02T15:30:00Z');
    const track = planSla(emptyTrack(), 'created', { ...DEFAULT_SLA, firstResponseMinutes: 120, businessHours: hours }, start);
    expect(track.first_response).toEqual({ dueAt: Date.parse('2026-03-03T09:30:00Z'), warnAt: Date.parse('2026-03-03T09:06:00Z') });
    expect(track.first_response!.warnAt).toBe(addBusinessMinutes(start, 120 * WARN_AT, hours));
  });

  it('never mutates its input', () => {
    const track = frozen(planSla(emptyTrack(), 'created', FULL, NOW));
    for (const event of ['created', 'customer_message', 'operator_reply', 'resolved', 'reopened', 'pending', 'snoozed'] as const) {
      expect(() => planSla(track, event, FULL, NOW + 90 * MIN)).not.toThrow();
    }
  });

  it('removes a first response met in time, without a trace', () => {
    const track = planSla(planSla(emptyTrack(), 'created', FULL, NOW), 'operator_reply', FULL, NOW + 60 * MIN - 1);
    expect(track.first_response).toBeNull();
    expect(track.breaches).toEqual([]);
    expect(track.resolution).not.toBeNull();
  });

  it('keeps a late answer in breaches but stops the clock, even if the monitor missed it', () => {
    const created = planSla(emptyTrack(), 'created', FULL, NOW);
    const late = planSla(created, 'operator_reply', FULL, NOW + 60 * MIN);
    expect(late.first_response).toBeNull();
    expect(late.breaches).toEqual(['first_response']);
    // Breached and alerted by the monitor first: recorded once.
    const checked = checkSla(created, NOW + 61 * MIN).track;
    expect(planSla(checked, 'operator_reply', FULL, NOW + 62 * MIN)).toMatchObject({ first_response: null, breaches: ['first_response'], warned: [] });
  });

  it('starts the next response only after someone answered', () => {
    const created = planSla(emptyTrack(), 'created', FULL, NOW);
    expect(planSla(created, 'customer_message', FULL, NOW + MIN)).toEqual(created);
    const answered = planSla(created, 'operator_reply', FULL, NOW + 5 * MIN);
    const asked = planSla(answered, 'customer_message', FULL, NOW + 10 * MIN);
    expect(asked.next_response).toEqual({ dueAt: NOW + 40 * MIN, warnAt: NOW + 34 * MIN });
    // A second message does not move the clock the first one started.
    expect(planSla(asked, 'customer_message', FULL, NOW + 20 * MIN)).toEqual(asked);
    // Without a next-response target, nothing starts.
    expect(planSla(answered, 'customer_message', { ...FULL, nextResponseMinutes: null }, NOW + 10 * MIN)).toEqual(answered);
    // The answer stops it.
    expect(planSla(asked, 'operator_reply', FULL, NOW + 15 * MIN).next_response).toBeNull();
  });

  it('stops every clock on resolution, recording what was late', () => {
    const asked = planSla(planSla(planSla(emptyTrack(), 'created', FULL, NOW), 'operator_reply', FULL, NOW), 'customer_message', FULL, NOW);
    const resolved = planSla(asked, 'resolved', FULL, NOW + 45 * MIN);
    expect(resolved).toEqual({ first_response: null, next_response: null, resolution: null, warned: [], breaches: ['next_response'] });
    expect(checkSla(resolved, NOW + 45 * MIN).state).toBe('breached');
  });

  it('stops the answer clocks but not resolution while pending or snoozed', () => {
    const created = planSla(emptyTrack(), 'created', FULL, NOW);
    for (const event of ['pending', 'snoozed'] as const) {
      const parked = planSla(created, event, FULL, NOW + MIN);
      expect(parked.first_response).toBeNull();
      expect(parked.resolution).toEqual(created.resolution);
      expect(parked.breaches).toEqual([]);
    }
  });

  it('on reopening starts the next response and resolution anew, clearing their old alerts', () => {
    const created = planSla(emptyTrack(), 'created', FULL, NOW);
    const late = checkSla(created, NOW + 700 * MIN).track;
    expect(late.breaches).toEqual(['first_response', 'resolution']);
    const resolved = planSla(late, 'resolved', FULL, NOW + 800 * MIN);
    const reopened = planSla(resolved, 'reopened', FULL, NOW + 900 * MIN);
    expect(reopened.next_response).toEqual({ dueAt: NOW + 930 * MIN, warnAt: NOW + 924 * MIN });
    expect(reopened.resolution).toEqual({ dueAt: NOW + 1500 * MIN, warnAt: NOW + 1380 * MIN });
    expect(reopened.first_response).toBeNull();
    // The first response stays late for the record; resolution's new run starts clean.
    expect(reopened.breaches).toEqual(['first_response']);
    expect(reopened.warned).toEqual([]);
  });

  it('on reopening without a next-response target starts a fresh first response', () => {
    const policy = { ...FULL, nextResponseMinutes: null, resolutionMinutes: null };
    const late = checkSla(planSla(emptyTrack(), 'created', policy, NOW), NOW + 61 * MIN).track;
    const reopened = planSla(planSla(late, 'resolved', policy, NOW + 70 * MIN), 'reopened', policy, NOW + 100 * MIN);
    expect(reopened).toEqual({ first_response: { dueAt: NOW + 160 * MIN, warnAt: NOW + 148 * MIN }, next_response: null, resolution: null, warned: [], breaches: [] });
  });
});

describe('checkSla', () => {
  it('is none when nothing runs', () => {
    expect(checkSla(emptyTrack(), NOW)).toEqual({ track: emptyTrack(), state: 'none', alerts: [], nextCheckAt: null, dueAt: null, target: null });
  });

  it('warns once from the warning time and breaches once from the due time', () => {
    const track = planSla(emptyTrack(), 'created', DEFAULT_SLA, NOW);
    const { dueAt, warnAt } = track.first_response!;
    const before = checkSla(track, warnAt - 1);
    expect(before).toMatchObject({ state: 'ok', alerts: [], nextCheckAt: warnAt, dueAt, target: 'first_response' });

    const warned = checkSla(before.track, warnAt);
    expect(warned).toMatchObject({ state: 'at_risk', alerts: [{ target: 'first_response', kind: 'warning' }], nextCheckAt: dueAt });
    expect(warned.track.warned).toEqual(['first_response']);
    expect(checkSla(warned.track, warnAt + 1)).toMatchObject({ state: 'at_risk', alerts: [], nextCheckAt: dueAt });
    expect(checkSla(warned.track, dueAt - 1)).toMatchObject({ state: 'at_risk', alerts: [] });

    const breached = checkSla(warned.track, dueAt);
    expect(breached).toMatchObject({ state: 'breached', alerts: [{ target: 'first_response', kind: 'breached' }], nextCheckAt: null, dueAt, target: 'first_response' });
    expect(breached.track.breaches).toEqual(['first_response']);
    expect(checkSla(breached.track, dueAt + 1)).toMatchObject({ state: 'breached', alerts: [], nextCheckAt: null });
  });

  it('does not warn after the fact when the monitor comes late', () => {
    const track = planSla(emptyTrack(), 'created', DEFAULT_SLA, NOW);
    const late = checkSla(track, NOW + 2 * 1440 * MIN);
    expect(late.alerts).toEqual([{ target: 'first_response', kind: 'breached' }]);
    expect(late.track.warned).toEqual(['first_response']);
    expect(late.nextCheckAt).toBeNull();
  });

  it('reports the earliest due target and looks again at the earliest pending alert', () => {
    const track = planSla(emptyTrack(), 'created', FULL, NOW);
    const check = checkSla(track, NOW);
    expect(check).toMatchObject({ state: 'ok', dueAt: NOW + 60 * MIN, target: 'first_response', nextCheckAt: NOW + 48 * MIN });
    // First response breached, resolution still to warn: the next look is resolution's warning.
    const later = checkSla(track, NOW + 61 * MIN);
    expect(later).toMatchObject({ state: 'breached', dueAt: NOW + 60 * MIN, target: 'first_response', nextCheckAt: NOW + 480 * MIN });
    expect(later.alerts).toEqual([{ target: 'first_response', kind: 'breached' }]);
    const answered = planSla(later.track, 'operator_reply', FULL, NOW + 62 * MIN);
    expect(checkSla(answered, NOW + 62 * MIN)).toMatchObject({ state: 'breached', dueAt: NOW + 600 * MIN, target: 'resolution', nextCheckAt: NOW + 480 * MIN });
  });

  it('reports several alerts at once, in target order', () => {
    const track = planSla(emptyTrack(), 'created', { ...FULL, firstResponseMinutes: 600 }, NOW);
    expect(checkSla(track, NOW + 500 * MIN).alerts).toEqual([
      { target: 'first_response', kind: 'warning' },
      { target: 'resolution', kind: 'warning' },
    ]);
    // Equal due times: the first response is named.
    expect(checkSla(track, NOW).target).toBe('first_response');
  });

  it('does not mutate its input', () => {
    const track = frozen(planSla(emptyTrack(), 'created', FULL, NOW));
    expect(() => checkSla(track, NOW + 1000 * MIN)).not.toThrow();
    expect(track.breaches).toEqual([]);
  });
});
