import { describe, expect, it } from 'vitest';
import { ConsentGate } from './consent.js';
import { ConsentBuffer } from './events.js';

describe('consent gate', () => {
  it('allows everything until told otherwise when consent is not required', () => {
    const g = new ConsentGate({ requireConsent: false, gpc: false });
    expect(['analytics', 'service', 'marketing'].map((p) => g.allows(p as 'analytics'))).toEqual([true, true, true]);
    g.set({ analytics: false });
    expect(g.allows('analytics')).toBe(false);
    expect(g.pending('analytics')).toBe(false);
    expect(g.preferences()).toEqual({ analytics: false });
  });

  it('with data-require-consent, a purpose needs an explicit yes', () => {
    const g = new ConsentGate({ requireConsent: true, gpc: false });
    expect(g.allows('analytics')).toBe(false);
    expect(g.pending('analytics')).toBe(true);
    expect(g.allows('service')).toBe(false);
    g.set({ analytics: true, service: 'yes' as unknown as boolean });
    expect(g.allows('analytics')).toBe(true);
    expect(g.allows('service')).toBe(false); // not a boolean: ignored
    expect(g.preferences()).toEqual({ analytics: true, service: false, marketing: false });
  });

  it('Global Privacy Control says no to analytics and marketing, not to the chat', () => {
    const g = new ConsentGate({ requireConsent: false, gpc: true });
    expect([g.allows('analytics'), g.allows('marketing'), g.allows('service')]).toEqual([false, false, true]);
    g.set({ analytics: true });
    expect(g.allows('analytics')).toBe(true);
  });
});

describe('consent buffer', () => {
  it('holds events in memory until consent, then releases them in order', () => {
    const g = new ConsentGate({ requireConsent: true, gpc: false });
    const out: number[] = [];
    const b = new ConsentBuffer<number>(g, (n) => out.push(n));
    b.push(1);
    b.push(2);
    expect(out).toEqual([]);
    expect(b.size).toBe(2);
    g.set({ analytics: true });
    b.settle();
    expect(out).toEqual([1, 2]);
    b.push(3);
    expect(out).toEqual([1, 2, 3]);
  });

  it('forgets held events when consent is refused, and sends nothing after', () => {
    const g = new ConsentGate({ requireConsent: true, gpc: false });
    const out: number[] = [];
    const b = new ConsentBuffer<number>(g, (n) => out.push(n));
    b.push(1);
    g.set({ analytics: false });
    b.settle();
    b.push(2);
    expect(b.size).toBe(0);
    expect(out).toEqual([]);
  });

  it('keeps at most the latest 100 events while waiting', () => {
    const g = new ConsentGate({ requireConsent: true, gpc: false });
    const out: number[] = [];
    const b = new ConsentBuffer<number>(g, (n) => out.push(n));
    for (let i = 0; i < 150; i++) b.push(i);
    g.set({ analytics: true });
    b.settle();
    expect(out).toHaveLength(100);
    expect(out[0]).toBe(50);
  });
});
