import { describe, expect, it, vi } from 'vitest';
import { IdleWatch, RageClicks, ScrollDepth, describeElement, isNewRoute, routeKey, scrollPercent } from './signals.js';

describe('scroll depth', () => {
  it('reports each threshold once, in order, and keeps the maximum', () => {
    const d = new ScrollDepth();
    expect(d.update(10)).toEqual([]);
    expect(d.update(60)).toEqual([25, 50]);
    expect(d.update(55)).toEqual([]);
    expect(d.update(100)).toEqual([75, 100]);
    expect(d.update(100)).toEqual([]);
    expect(d.max).toBe(100);
    d.reset();
    expect(d.max).toBe(0);
    expect(d.update(30)).toEqual([25]);
  });

  it('measures the part of the page seen', () => {
    expect(scrollPercent(0, 800, 3200)).toBe(25);
    expect(scrollPercent(2400, 800, 3200)).toBe(100);
    expect(scrollPercent(0, 800, 600)).toBe(100);
  });
});

describe('rage clicks', () => {
  it('reports three clicks on one element within a second, once per burst', () => {
    const r = new RageClicks();
    const a = {};
    expect(r.click(a, 0)).toBeNull();
    expect(r.click(a, 300)).toBeNull();
    expect(r.click(a, 600)).toBe(3);
    expect(r.click(a, 800)).toBeNull();
    // a pause starts a new burst
    expect(r.click(a, 5_000)).toBeNull();
    expect(r.click(a, 5_100)).toBeNull();
    expect(r.click(a, 5_200)).toBe(3);
  });

  it('does not count clicks spread out or on different elements', () => {
    const r = new RageClicks();
    const a = {};
    const b = {};
    expect([r.click(a, 0), r.click(a, 600), r.click(a, 1_200)]).toEqual([null, null, null]);
    expect([r.click(a, 2_000), r.click(b, 2_100), r.click(a, 2_200)]).toEqual([null, null, null]);
  });
});

describe('SPA routes', () => {
  it('counts a new path or query as a page, not a hash change', () => {
    expect(isNewRoute(null, 'https://shop.test/')).toBe(true);
    expect(isNewRoute('https://shop.test/cart', 'https://shop.test/checkout')).toBe(true);
    expect(isNewRoute('https://shop.test/p?page=1', 'https://shop.test/p?page=2')).toBe(true);
    expect(isNewRoute('https://shop.test/p', 'https://shop.test/p#reviews')).toBe(false);
    expect(isNewRoute('https://shop.test/p', 'https://shop.test/p')).toBe(false);
    expect(routeKey('https://shop.test/a?b=1#c')).toBe('https://shop.test/a?b=1');
  });
});

describe('idle', () => {
  it('fires once after a minute without input, and again only after new activity', () => {
    vi.useFakeTimers();
    const fired: number[] = [];
    const w = new IdleWatch(60_000, () => fired.push(Date.now()), { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (id) => clearTimeout(id as number) });
    w.activity();
    vi.advanceTimersByTime(59_000);
    w.activity();
    vi.advanceTimersByTime(59_000);
    expect(fired).toHaveLength(0);
    vi.advanceTimersByTime(1_000);
    expect(fired).toHaveLength(1);
    expect(w.idle).toBe(true);
    vi.advanceTimersByTime(300_000);
    expect(fired).toHaveLength(1);
    w.activity();
    expect(w.idle).toBe(false);
    vi.advanceTimersByTime(60_000);
    expect(fired).toHaveLength(2);
    w.stop();
    vi.useRealTimers();
  });

  it('sets no timer per input event: a burst of mousemoves leaves the one timer armed', () => {
    vi.useFakeTimers();
    let set = 0;
    let cleared = 0;
    const fired: number[] = [];
    const w = new IdleWatch(60_000, () => fired.push(Date.now()), {
      setTimeout: (cb, ms) => (set++, setTimeout(cb, ms)),
      clearTimeout: (id) => (cleared++, clearTimeout(id as number)),
    });
    for (let i = 0; i < 1_000; i++) {
      w.activity();
      vi.advanceTimersByTime(10);
    }
    expect({ set, cleared }).toEqual({ set: 1, cleared: 0 });
    // Still 60 s after the last of them, not after the first.
    vi.advanceTimersByTime(59_000);
    expect(fired).toHaveLength(0);
    vi.advanceTimersByTime(1_000);
    expect(fired).toHaveLength(1);
    w.stop();
    vi.useRealTimers();
  });
});

describe('element description', () => {
  const elem = (tag: string, attrs: Record<string, string>, id = '', classes: string[] = []) => ({
    tagName: tag, id, getAttribute: (n: string) => attrs[n] ?? null, classList: { length: classes.length, item: (i: number) => classes[i] ?? null },
  });
  it('prefers id, then test id, then name, then the first class', () => {
    expect(describeElement(elem('BUTTON', {}, 'pay'))).toBe('button#pay');
    expect(describeElement(elem('BUTTON', { 'data-testid': 'add-to-cart' }))).toBe('button[data-testid="add-to-cart"]');
    expect(describeElement(elem('INPUT', { name: 'card' }))).toBe('input[name="card"]');
    expect(describeElement(elem('DIV', {}, '', ['hero', 'big']))).toBe('div.hero');
  });
});
