import { CONVERSATION_STATUSES, type ConversationStatus } from '@omotenashi/protocol';
import { describe, expect, it } from 'vitest';
import { MAX_SNOOZE_MS, onCustomerMessage, onSnoozeCheck, transition } from './status.js';

const NOW = Date.parse('2026-03-02T10:00:00Z');
const HOUR = 3_600_000;
const at = (status: ConversationStatus, snoozedUntil: number | null = null) => ({ status, snoozedUntil });

describe('transition', () => {
  it('allows exactly the documented life cycle', () => {
    const allowed = new Set([
      'open>pending', 'open>snoozed', 'open>resolved',
      'pending>open', 'pending>snoozed', 'pending>resolved',
      'snoozed>open', 'snoozed>pending', 'snoozed>resolved',
      'resolved>open',
    ]);
    for (const from of CONVERSATION_STATUSES) {
      for (const to of CONVERSATION_STATUSES) {
        if (from === to) continue;
        const current = at(from, from === 'snoozed' ? NOW + HOUR : null);
        const result = transition(current, to, { now: NOW, snoozedUntil: to === 'snoozed' ? NOW + 2 * HOUR : null });
        expect(result.ok, `${from} → ${to}`).toBe(allowed.has(`${from}>${to}`));
      }
    }
  });

  it('tells how to get out of resolved', () => {
    expect(transition(at('resolved'), 'pending', { now: NOW })).toEqual({ ok: false, reason: 'cannot go from resolved to pending; reopen it first' });
    expect(transition(at('resolved'), 'snoozed', { now: NOW, snoozedUntil: NOW + HOUR })).toEqual({
      ok: false,
      reason: 'cannot go from resolved to snoozed; reopen it first',
    });
  });

  it('reopens a resolved conversation', () => {
    expect(transition(at('resolved'), 'open', { now: NOW })).toEqual({ ok: true, status: 'open', snoozedUntil: null, changed: true });
  });

  it('clears snoozedUntil on every other status', () => {
    for (const to of ['open', 'pending', 'resolved'] as const) {
      expect(transition(at('snoozed', NOW + HOUR), to, { now: NOW })).toEqual({ ok: true, status: to, snoozedUntil: null, changed: true });
    }
  });

  it('refuses a wake-up time with any other status', () => {
    const result = transition(at('open'), 'pending', { now: NOW, snoozedUntil: NOW + HOUR });
    expect(result).toEqual({ ok: false, reason: 'snoozedUntil is only for status snoozed, not pending' });
  });

  it('treats the current status as success without change', () => {
    for (const s of ['open', 'pending', 'resolved'] as const) {
      expect(transition(at(s), s, { now: NOW })).toEqual({ ok: true, status: s, snoozedUntil: null, changed: false });
    }
    expect(transition(at('snoozed', NOW + HOUR), 'snoozed', { now: NOW, snoozedUntil: NOW + HOUR })).toEqual({
      ok: true, status: 'snoozed', snoozedUntil: NOW + HOUR, changed: false,
    });
  });

  it('counts a new wake-up time as a change', () => {
    expect(transition(at('snoozed', NOW + HOUR), 'snoozed', { now: NOW, snoozedUntil: NOW + 3 * HOUR })).toEqual({
      ok: true, status: 'snoozed', snoozedUntil: NOW + 3 * HOUR, changed: true,
    });
  });

  it('needs a wake-up time in (now, now + 90 days]', () => {
    const snooze = (snoozedUntil: number | null | undefined) =>
      transition(at('open'), 'snoozed', snoozedUntil === undefined ? { now: NOW } : { now: NOW, snoozedUntil });
    expect(snooze(undefined)).toMatchObject({ ok: false, reason: expect.stringContaining('needs snoozedUntil') });
    expect(snooze(null)).toMatchObject({ ok: false, reason: expect.stringContaining('needs snoozedUntil') });
    expect(snooze(NOW)).toEqual({ ok: false, reason: 'snoozedUntil must be in the future' });
    expect(snooze(NOW - 1)).toEqual({ ok: false, reason: 'snoozedUntil must be in the future' });
    expect(snooze(NOW + 1)).toMatchObject({ ok: true, snoozedUntil: NOW + 1 });
    expect(snooze(NOW + MAX_SNOOZE_MS)).toMatchObject({ ok: true, snoozedUntil: NOW + MAX_SNOOZE_MS });
    expect(snooze(NOW + MAX_SNOOZE_MS + 1)).toEqual({ ok: false, reason: 'snoozedUntil must be at most 90 days ahead' });
    expect(snooze(Number.NaN)).toMatchObject({ ok: false });
    expect(snooze(Number.POSITIVE_INFINITY)).toMatchObject({ ok: false });
    expect(MAX_SNOOZE_MS).toBe(90 * 24 * HOUR);
  });

  it('refuses an unknown status from untyped input', () => {
    expect(transition(at('open'), 'closed' as ConversationStatus, { now: NOW })).toMatchObject({ ok: false, reason: expect.stringContaining('unknown status "closed"') });
  });
});

describe('onCustomerMessage', () => {
  it('keeps an open conversation open', () => {
    expect(onCustomerMessage(at('open'))).toEqual({ status: 'open', snoozedUntil: null, reopened: false });
  });

  it('reopens every other status', () => {
    expect(onCustomerMessage(at('pending'))).toEqual({ status: 'open', snoozedUntil: null, reopened: true });
    expect(onCustomerMessage(at('snoozed', NOW + HOUR))).toEqual({ status: 'open', snoozedUntil: null, reopened: true });
    expect(onCustomerMessage(at('resolved'))).toEqual({ status: 'open', snoozedUntil: null, reopened: true });
  });
});

describe('onSnoozeCheck', () => {
  it('wakes a snooze at and after its time, not before', () => {
    expect(onSnoozeCheck(at('snoozed', NOW), NOW - 1)).toEqual({ status: 'snoozed', snoozedUntil: NOW, woke: false });
    expect(onSnoozeCheck(at('snoozed', NOW), NOW)).toEqual({ status: 'open', snoozedUntil: null, woke: true });
    expect(onSnoozeCheck(at('snoozed', NOW), NOW + HOUR)).toEqual({ status: 'open', snoozedUntil: null, woke: true });
  });

  it('wakes a snooze that has no time rather than let it sleep forever', () => {
    expect(onSnoozeCheck(at('snoozed', null), NOW)).toEqual({ status: 'open', snoozedUntil: null, woke: true });
  });

  it('leaves other statuses alone', () => {
    for (const s of ['open', 'pending', 'resolved'] as const) {
      expect(onSnoozeCheck(at(s), NOW)).toEqual({ status: s, snoozedUntil: null, woke: false });
    }
  });
});
