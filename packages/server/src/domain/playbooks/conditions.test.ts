import { describe, expect, it } from 'vitest';
import { emptyProfile } from '../profile/empty-profile.js';
import { at, makeEvent, page, track } from '../profile/profile.test-helpers.js';
import type { Profile } from '../profile/profile.js';
import { compileConditions, compileEventMatch, compilePageMatch, type ConditionTrace } from './conditions.js';
import type { Condition, ConditionOp, EventMatch } from './definition.js';
import { newFactContext } from './facts.js';

/** A profile with a few traits to test against (and a Tokyo clock for local.hour). */
function profile(): Profile {
  const p = emptyProfile(0);
  p.traits = { plan: 'gold', age: 42, score: '50', tags: ['vip', 'wholesale'], note: 'likes green tea', vip: true, gone: null };
  p.location.timezone = 'Asia/Tokyo';
  return p;
}

function holds(cond: Condition, p: Profile = profile(), now = 0): boolean {
  return compileConditions([cond])(newFactContext(null, p, now), null);
}

const leaf = (fact: string, op: ConditionOp, value?: unknown): Condition => (value === undefined ? { fact, op } : { fact, op, value }) as Condition;

describe('condition operators', () => {
  it.each<[string, ConditionOp, unknown, boolean]>([
    ['traits.plan', 'eq', 'gold', true],
    ['traits.plan', 'eq', 'silver', false],
    ['traits.age', 'eq', 42, true],
    ['traits.age', 'eq', '42', false],
    ['traits.vip', 'eq', true, true],
    ['traits.gone', 'eq', null, true],
    ['traits.missing', 'eq', null, true],
    ['traits.plan', 'ne', 'silver', true],
    ['traits.plan', 'ne', 'gold', false],
    ['traits.missing', 'ne', 'gold', true],
    ['traits.age', 'gt', 41, true],
    ['traits.age', 'gt', 42, false],
    ['traits.age', 'gte', 42, true],
    ['traits.age', 'lt', 43, true],
    ['traits.age', 'lt', 42, false],
    ['traits.age', 'lte', 42, true],
    ['traits.score', 'gt', 10, false], // "50" is text: numbers only, no coercion
    ['traits.missing', 'lt', 10, false],
    ['traits.plan', 'in', ['gold', 'platinum'], true],
    ['traits.plan', 'in', ['silver'], false],
    ['traits.age', 'in', [41, 42], true],
    ['traits.plan', 'notIn', ['silver', 'bronze'], true],
    ['traits.plan', 'notIn', ['gold'], false],
    ['traits.note', 'contains', 'green', true],
    ['traits.note', 'contains', 'coffee', false],
    ['traits.tags', 'contains', 'vip', true],
    ['traits.tags', 'contains', 'retail', false],
    ['traits.age', 'contains', 4, false],
    ['traits.plan', 'exists', undefined, true],
    ['traits.gone', 'exists', undefined, false],
    ['traits.missing', 'exists', undefined, false],
    ['traits.missing', 'notExists', undefined, true],
    ['traits.plan', 'notExists', undefined, false],
    ['traits.plan', 'matches', { prefix: 'go' }, true],
    ['traits.plan', 'matches', { glob: 'g?ld' }, true],
    ['traits.plan', 'matches', { oneOf: ['silver', 'gold'] }, true],
    ['traits.plan', 'matches', 'gol', false],
    ['traits.age', 'matches', '42', false],
    ['traits.age', 'between', [40, 50], true],
    ['traits.age', 'between', [42, 42], true],
    ['traits.age', 'between', [43, 50], false],
    ['traits.score', 'between', [0, 100], false],
  ])('%s %s %j → %s', (fact, op, value, expected) => {
    expect(holds(leaf(fact, op, value))).toBe(expected);
  });

  it('between on local.hour wraps around midnight, e.g. [21, 6] is 21:00–06:59', () => {
    const night = leaf('local.hour', 'between', [21, 6]);
    const day = leaf('local.hour', 'between', [9, 18]);
    const tokyoHour = (h: number): number => at(`2026-05-10T${String((h + 24 - 9) % 24).padStart(2, '0')}:30:00Z`);
    for (const [hour, isNight] of [[21, true], [23, true], [0, true], [6, true], [7, false], [12, false], [20, false]] as const) {
      expect(holds(night, profile(), tokyoHour(hour)), `${hour}h`).toBe(isNight);
    }
    expect(holds(day, profile(), tokyoHour(12))).toBe(true);
    expect(holds(day, profile(), tokyoHour(19))).toBe(false);
    // Without a time zone the hour is unknown, and an unknown fact fails.
    const noZone = profile();
    noZone.location.timezone = null;
    expect(holds(night, noZone, tokyoHour(23))).toBe(false);
  });

  it('a reversed range does not wrap for other facts', () => {
    expect(holds(leaf('traits.age', 'between', [50, 40]))).toBe(false);
  });
});

describe('condition trees and traces', () => {
  const conditions: Condition[] = [
    leaf('traits.plan', 'eq', 'gold'),
    { any: [leaf('traits.age', 'lt', 18), leaf('traits.vip', 'eq', true), leaf('traits.tags', 'contains', 'never-evaluated')] },
    { not: leaf('traits.tags', 'contains', 'wholesale') },
  ];

  it('all top-level conditions must hold; any, all and not nest', () => {
    const compiled = compileConditions(conditions);
    expect(compiled(newFactContext(null, profile(), 0), null)).toBe(false);
    const retail = profile();
    retail.traits.tags = ['vip'];
    expect(compiled(newFactContext(null, retail, 0), null)).toBe(true);
    expect(holds({ all: [leaf('traits.plan', 'eq', 'gold'), leaf('traits.age', 'gt', 40)] })).toBe(true);
    expect(holds({ all: [leaf('traits.plan', 'eq', 'gold'), leaf('traits.age', 'gt', 50)] })).toBe(false);
    expect(holds({ not: { any: [leaf('traits.plan', 'eq', 'x'), leaf('traits.plan', 'eq', 'y')] } })).toBe(true);
  });

  it('no conditions always hold', () => {
    expect(compileConditions(undefined)(newFactContext(null, profile(), 0), null)).toBe(true);
    expect(compileConditions([])(newFactContext(null, profile(), 0), null)).toBe(true);
  });

  it('traces each evaluated leaf with the value seen, short-circuiting like evaluation', () => {
    const trace: ConditionTrace[] = [];
    expect(compileConditions(conditions)(newFactContext(null, profile(), 0), trace)).toBe(false);
    expect(trace).toEqual([
      { fact: 'traits.plan', op: 'eq', expected: 'gold', seen: 'gold', ok: true },
      { fact: 'traits.age', op: 'lt', expected: 18, seen: 42, ok: false },
      { fact: 'traits.vip', op: 'eq', expected: true, seen: true, ok: true },
      { fact: 'traits.tags', op: 'contains', expected: 'wholesale', seen: ['vip', 'wholesale'], ok: true },
    ]);
    const exists: ConditionTrace[] = [];
    compileConditions([leaf('traits.gone', 'exists')])(newFactContext(null, profile(), 0), exists);
    expect(exists).toEqual([{ fact: 'traits.gone', op: 'exists', expected: null, seen: null, ok: false }]);
  });

  it('refuses to compile an unknown fact (validation catches it first)', () => {
    expect(() => compileConditions([leaf('cart.valu', 'gt', 1)])).toThrow(/unknown fact "cart.valu"/);
  });
});

describe('compileEventMatch', () => {
  const match = (m: EventMatch) => compileEventMatch(m);

  it('matches any event when empty', () => {
    expect(match({})(track(0, 'X'))).toBe(true);
  });

  it('type: one or a list', () => {
    expect(match({ type: 'page' })(page(0))).toBe(true);
    expect(match({ type: 'page' })(track(0, 'X'))).toBe(false);
    expect(match({ type: ['page', 'screen'] })(makeEvent('screen', 0))).toBe(true);
    expect(match({ type: ['page', 'screen'] })(makeEvent('identify', 0))).toBe(false);
  });

  it('event: a pattern on the track name (other calls have none)', () => {
    const m = match({ event: { oneOf: ['Order Completed', 'Order Shipped'] } });
    expect(m(track(0, 'Order Shipped'))).toBe(true);
    expect(m(track(0, 'Order Refunded'))).toBe(false);
    expect(m(makeEvent('page', 0, { name: 'Order Shipped' }))).toBe(false);
    expect(match({ event: { prefix: 'Order ' } })(track(0, 'Order Refunded'))).toBe(true);
  });

  it("page: the page call's properties, else context.page", () => {
    const m = match({ page: { path: { glob: '/checkout/**' } } });
    expect(m(page(0, { path: '/checkout/payment' }))).toBe(true);
    expect(m(page(0, { url: 'https://shop.example/checkout/payment?x=1' }))).toBe(true);
    expect(m(page(0, {}, { page: { path: '/checkout/review' } }))).toBe(true);
    expect(m(page(0, { path: '/cart' }, { page: { path: '/checkout' } }))).toBe(false);
    expect(m(track(0, 'Coupon Denied', {}, { page: { path: '/checkout/payment' } }))).toBe(true);
    expect(m(track(0, 'Coupon Denied', { path: '/checkout/payment' }))).toBe(false);
    expect(m(track(0, 'Coupon Denied'))).toBe(false);
    const both = match({ page: { path: '/checkout', url: { prefix: 'https://shop.example/' } } });
    expect(both(page(0, { url: 'https://shop.example/checkout' }))).toBe(true);
    expect(both(page(0, { url: 'https://elsewhere.example/checkout' }))).toBe(false);
  });

  it('where: conditions on event-relative facts', () => {
    const m = match({
      type: 'track',
      event: 'Payment Failed',
      where: [
        { fact: 'properties.reason', op: 'in', value: ['card_declined', 'insufficient_funds'] },
        { fact: 'properties.amount', op: 'gte', value: 50 },
      ],
    });
    expect(m(track(0, 'Payment Failed', { reason: 'card_declined', amount: 80 }))).toBe(true);
    expect(m(track(0, 'Payment Failed', { reason: 'card_declined', amount: 20 }))).toBe(false);
    expect(m(track(0, 'Payment Failed', { reason: 'network', amount: 80 }))).toBe(false);
    expect(m(track(0, 'Payment Retried', { reason: 'card_declined', amount: 80 }))).toBe(false);
    const byName = match({ where: [{ fact: 'name', op: 'matches', value: { prefix: 'Help' } }, { fact: 'type', op: 'eq', value: 'page' }] });
    expect(byName(makeEvent('page', 0, { name: 'Help: returns' }))).toBe(true);
    expect(byName(track(0, 'Help: returns'))).toBe(false);
  });
});

describe('compilePageMatch', () => {
  it('tests a page by path and url', () => {
    const m = compilePageMatch({ path: { prefix: '/checkout' } });
    expect(m({ path: '/checkout/payment', url: null })).toBe(true);
    expect(m({ path: '/cart', url: null })).toBe(false);
    expect(m({ path: null, url: 'https://x/checkout' })).toBe(false);
    expect(compilePageMatch({ url: { glob: 'https://*/checkout' } })({ path: null, url: 'https://shop/checkout' })).toBe(true);
    expect(compilePageMatch({})({ path: null, url: null })).toBe(true);
  });
});
