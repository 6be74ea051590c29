import { describe, expect, it } from 'vitest';
import { emptyCareState, type Touch } from '../playbooks/care-state.js';
import { DAY, HOUR, NOW } from './etiquette.test-helpers.js';
import { LEDGER_BOUNDS, recordAccept, recordDecline, recordDismissal, recordTouch, touchesWithin } from './ledger.js';
import { memoryOf } from './memory.js';

const touch = (at: number, over: Partial<Touch> = {}): Touch => ({ at, playbook: 'p', purpose: 'service', channel: 'onsite', ...over });

describe('recordTouch', () => {
  it('keeps the ledger oldest first, slotting a late touch into place', () => {
    const care = emptyCareState();
    recordTouch(care, touch(NOW - 2 * HOUR), NOW);
    recordTouch(care, touch(NOW), NOW);
    recordTouch(care, touch(NOW - HOUR), NOW);
    expect(care.touches.map((t) => t.at)).toEqual([NOW - 2 * HOUR, NOW - HOUR, NOW]);
  });

  it('forgets touches 7 days old or older', () => {
    const care = emptyCareState();
    recordTouch(care, touch(NOW - 7 * DAY), NOW - 7 * DAY);
    recordTouch(care, touch(NOW - 7 * DAY + 1), NOW - 7 * DAY + 1);
    recordTouch(care, touch(NOW), NOW);
    expect(care.touches.map((t) => t.at)).toEqual([NOW - 7 * DAY + 1, NOW]);
  });

  it('keeps at most the latest 100', () => {
    const care = emptyCareState();
    for (let i = 0; i < 150; i++) recordTouch(care, touch(NOW + i), NOW + i);
    expect(care.touches).toHaveLength(LEDGER_BOUNDS.maxTouches);
    expect(care.touches[0]!.at).toBe(NOW + 50);
    expect(care.touches.at(-1)!.at).toBe(NOW + 149);
  });
});

describe('touchesWithin', () => {
  it('counts customer-facing touches strictly after the given time, optionally by purpose', () => {
    const care = emptyCareState();
    recordTouch(care, touch(NOW - DAY), NOW);
    recordTouch(care, touch(NOW - HOUR, { channel: 'away', purpose: 'marketing' }), NOW);
    recordTouch(care, touch(NOW - HOUR, { channel: 'staff' }), NOW);
    recordTouch(care, touch(NOW), NOW);
    expect(touchesWithin(care, NOW - DAY)).toBe(2);
    expect(touchesWithin(care, NOW - DAY - 1)).toBe(3);
    expect(touchesWithin(care, NOW - DAY, 'service')).toBe(1);
    expect(touchesWithin(care, NOW - DAY, 'marketing')).toBe(1);
  });
});

describe('declines, accepts and dismissals', () => {
  it('records a decline on the playbook and as a dismissal, never moving back in time', () => {
    const care = emptyCareState();
    recordDecline(care, 'size-help', NOW);
    recordDecline(care, 'size-help', NOW - HOUR);
    expect(memoryOf(care, 'size-help')).toEqual({ declinedAt: NOW });
    expect(care.dismissedAt).toBe(NOW);
    recordDismissal(care, NOW - DAY);
    expect(care.dismissedAt).toBe(NOW);
  });

  it('records an accept without touching dismissals', () => {
    const care = emptyCareState();
    recordAccept(care, 'size-help', NOW);
    expect(memoryOf(care, 'size-help')).toEqual({ acceptedAt: NOW });
    expect(care.dismissedAt).toBeUndefined();
  });

  it('keeps a playbook called "constructor" in its own entry', () => {
    const care = emptyCareState();
    expect(memoryOf(care, 'constructor')).toBeUndefined();
    recordDecline(care, 'constructor', NOW);
    expect(JSON.parse(JSON.stringify(care.playbooks))).toEqual({ constructor: { declinedAt: NOW } });
    expect(({} as Record<string, unknown>)['declinedAt']).toBeUndefined();
    expect((Object as unknown as Record<string, unknown>)['declinedAt']).toBeUndefined();
  });
});
