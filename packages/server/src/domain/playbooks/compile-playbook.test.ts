import { describe, expect, it } from 'vitest';
import { at, fold, identify, makeEvent, page, track } from '../profile/profile.test-helpers.js';
import { compilePlaybook, indexPlaybooks, type CompiledPlaybook } from './compile-playbook.js';
import type { PlaybookDefinition } from './definition.js';
import { newFactContext } from './facts.js';
import { birthdayCard, checkoutWithoutOrder, stuckAtPayment } from './playbook-fixtures.test-helpers.js';

const meta = { id: 'pb-1', version: 3 };

describe('compilePlaybook', () => {
  it('compiles a dwell playbook with a three-step ladder', () => {
    const p = compilePlaybook(stuckAtPayment, meta);
    expect(p).toMatchObject({ id: 'pb-1', key: 'stuck-at-payment', version: 3, name: 'Stuck at payment', priority: 80, purpose: 'service', enabled: true });
    expect(p.triggerKind).toBe('dwell');
    if (p.triggerKind !== 'dwell') return;
    expect(p.dwellMs).toBe(90_000);
    expect(p.matchDwellPage({ path: '/checkout/payment', url: null })).toBe(true);
    expect(p.matchDwellPage({ path: '/checkout/shipping', url: null })).toBe(false);
    expect(p.matchDwellEvent(page(0, { path: '/checkout/payment-3ds' }))).toBe(true);
    expect(p.matchDwellEvent(track(0, 'X', {}, { page: { path: '/checkout/payment' } }))).toBe(false);
    expect(p.steps.map((s) => [s.action, s.afterMs])).toEqual([
      ['hint', 0],
      ['invite', 120_000],
      ['alert', 300_000],
    ]);
    expect(p.etiquette).toEqual({ cooldownMs: 86_400_000, maxPerDay: 1, maxPerWeek: null, about: ['payment'] });
    expect(p.matchOn).toBeNull();
    expect(p.withinMs).toBeNull();
  });

  it('compiles the conditions', () => {
    const p = compilePlaybook(stuckAtPayment, meta);
    const ctx = (cartValue: number, utc: string) => {
      const profile = fold([identify('2026-05-10T00:00:00Z', {}, { timezone: 'Europe/Paris' })]);
      profile.cart.value = cartValue;
      return newFactContext(null, profile, at(utc));
    };
    expect(p.conditions(ctx(80, '2026-05-10T10:00:00Z'), null)).toBe(true);
    expect(p.conditions(ctx(0, '2026-05-10T10:00:00Z'), null)).toBe(false);
    expect(p.conditions(ctx(80, '2026-05-10T22:00:00Z'), null)).toBe(false); // midnight in Paris
  });

  it('compiles an absence playbook', () => {
    const p = compilePlaybook(checkoutWithoutOrder, meta);
    expect(p.triggerKind).toBe('absence');
    if (p.triggerKind !== 'absence') return;
    expect(p.withinMs).toBe(7_200_000);
    expect(p.matchAfter(track(0, 'Checkout Started'))).toBe(true);
    expect(p.matchMissing(track(0, 'Order Cancelled'))).toBe(true);
    expect(p.matchMissing(track(0, 'Checkout Started'))).toBe(false);
    expect(p.steps.map((s) => [s.id, s.afterMs])).toEqual([
      ['remind', 0],
      ['mail', 86_400_000],
    ]);
    expect(p.priority).toBe(50);
    expect(p.etiquette.cooldownMs).toBe(7 * 86_400_000);
  });

  it('compiles a date playbook', () => {
    const p = compilePlaybook(birthdayCard, meta);
    expect(p.triggerKind).toBe('date');
    if (p.triggerKind !== 'date') return;
    expect([p.dateMoment, p.dateDaysBefore, p.dateHour]).toEqual(['birthday', 3, 10]);
    const profile = fold([identify('2026-05-10T00:00:00Z', { birthday: '1990-05-13' })]);
    expect(p.dateDaysUntil(newFactContext(null, profile, at('2026-05-10T12:00:00Z')))).toBe(3);
    expect(p.steps[0]).toMatchObject({ action: 'task', afterMs: 0, dueMs: 2 * 86_400_000 });
  });

  it('compiles threshold, repetition and sequence triggers', () => {
    const threshold = compilePlaybook({ ...stuckAtPayment, trigger: { threshold: { fact: 'cart.value', above: 200 } } }, meta);
    if (threshold.triggerKind !== 'threshold') throw new Error(threshold.triggerKind);
    const profile = fold([]);
    profile.cart.value = 250;
    expect([threshold.thresholdName, threshold.thresholdAbove, threshold.thresholdFact(newFactContext(null, profile, 0))]).toEqual(['cart.value', 200, 250]);

    const repetition = compilePlaybook({ ...stuckAtPayment, trigger: { repetition: { on: { event: 'Search', where: [{ fact: 'properties.results', op: 'eq', value: 0 }] }, count: 3, within: '10m' } } }, meta);
    if (repetition.triggerKind !== 'repetition') throw new Error(repetition.triggerKind);
    expect([repetition.repetitionCount, repetition.withinMs]).toEqual([3, 600_000]);
    expect(repetition.matchOn(track(0, 'Search', { results: 0 }))).toBe(true);
    expect(repetition.matchOn(track(0, 'Search', { results: 4 }))).toBe(false);

    const sequence = compilePlaybook({ ...stuckAtPayment, trigger: { sequence: { first: { event: 'Coupon Denied' }, then: { type: 'page', page: { path: { prefix: '/cart' } } }, within: '5m' } } }, meta);
    if (sequence.triggerKind !== 'sequence') throw new Error(sequence.triggerKind);
    expect(sequence.matchFirst(track(0, 'Coupon Denied'))).toBe(true);
    expect(sequence.matchThen(page(0, { path: '/cart' }))).toBe(true);
    expect(sequence.withinMs).toBe(300_000);
  });

  it('refuses what validation would have refused', () => {
    expect(() => compilePlaybook({ ...stuckAtPayment, etiquette: { cooldown: 'soon' } }, meta)).toThrow(/etiquette.cooldown/);
  });

  it('gives every compiled playbook the same shape (monomorphic property reads)', () => {
    const keys = (p: CompiledPlaybook) => Object.keys(p).join();
    expect(keys(compilePlaybook(birthdayCard, meta))).toBe(keys(compilePlaybook(stuckAtPayment, meta)));
  });
});

describe('indexPlaybooks', () => {
  const hint = [{ action: 'hint', body: 'x' }] as PlaybookDefinition['steps'];
  const make = (key: string, trigger: PlaybookDefinition['trigger'], extra: Partial<PlaybookDefinition> = {}): CompiledPlaybook =>
    compilePlaybook({ key, name: key, purpose: 'service', trigger, steps: hint, ...extra }, { id: key, version: 1 });

  const orderDone = make('order-done', { on: { type: 'track', event: 'Order Completed' } }, { priority: 90 });
  const viewedThenAdded = make('viewed-then-added', { sequence: { first: { event: 'Product Viewed' }, then: { event: 'Product Added' }, within: '1h' } });
  const noOrder = make('no-order', { absence: { after: { event: 'Checkout Started' }, missing: { event: { oneOf: ['Order Completed', 'Order Cancelled'] } }, within: '2h' } });
  const anyOrderEvent = make('any-order-event', { on: { event: { prefix: 'Order ' } } }, { priority: 10 });
  const dwell = make('dwell', { dwell: { page: { path: '/checkout/payment' }, seconds: 60 } });
  const threshold = make('threshold', { threshold: { fact: 'cart.value', above: 100 } }, { priority: 5 });
  const identified = make('identified', { on: { type: 'identify' } });
  const disabled = make('disabled', { on: { event: 'Order Completed' } }, { enabled: false });
  const helpPages = make('help-pages', { on: { page: { path: { glob: '/help/**' } } } }, { priority: 1 });
  const birthday = make('birthday', { date: { moment: 'birthday', daysBefore: 0 } }, { priority: 0 });

  const index = indexPlaybooks([orderDone, viewedThenAdded, noOrder, anyOrderEvent, dwell, threshold, identified, disabled, helpPages, birthday]);
  const keys = (list: readonly CompiledPlaybook[]) => list.map((p) => p.key);

  it('maps a named track event to its playbooks and to those listening to any track, by priority', () => {
    expect(keys(index.candidates(track(0, 'Order Completed')))).toEqual(['order-done', 'no-order', 'any-order-event', 'threshold', 'help-pages', 'birthday']);
    expect(keys(index.candidates(track(0, 'Order Cancelled')))).toEqual(['no-order', 'any-order-event', 'threshold', 'help-pages', 'birthday']);
    expect(keys(index.candidates(track(0, 'Product Viewed')))).toEqual(['viewed-then-added', 'any-order-event', 'threshold', 'help-pages', 'birthday']);
    expect(keys(index.candidates(track(0, 'Newsletter Signup')))).toEqual(['any-order-event', 'threshold', 'help-pages', 'birthday']);
  });

  it('maps other calls by type', () => {
    expect(keys(index.candidates(page(0, { path: '/checkout/payment' })))).toEqual(['dwell', 'threshold', 'help-pages', 'birthday']);
    expect(keys(index.candidates(makeEvent('screen', 0)))).toEqual(['dwell', 'threshold', 'help-pages', 'birthday']);
    expect(keys(index.candidates(identify(0, {})))).toEqual(['identified', 'threshold', 'help-pages', 'birthday']);
    expect(keys(index.candidates(makeEvent('alias', 0)))).toEqual(['threshold', 'help-pages', 'birthday']);
  });

  it('never offers disabled playbooks, but lists them in all', () => {
    expect(index.all).toHaveLength(10);
    for (const e of [track(0, 'Order Completed'), page(0), identify(0, {})]) expect(index.candidates(e)).not.toContain(disabled);
  });

  it('returns the same prebuilt list on every call (no allocation)', () => {
    expect(index.candidates(track(0, 'Order Completed'))).toBe(index.candidates(track(1, 'Order Completed')));
    expect(index.candidates(page(0))).toBe(index.candidates(page(1)));
  });

  it('lists playbooks by trigger kind (for timers)', () => {
    expect(keys(index.ofKind('dwell'))).toEqual(['dwell']);
    expect(keys(index.ofKind('on'))).toEqual(['order-done', 'identified', 'any-order-event', 'help-pages']);
    expect(index.ofKind('repetition')).toEqual([]);
  });

  it('is empty for no playbooks', () => {
    const empty = indexPlaybooks([]);
    expect(empty.candidates(track(0, 'X'))).toEqual([]);
    expect(empty.all).toEqual([]);
  });
});
