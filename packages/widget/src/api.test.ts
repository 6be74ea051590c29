import { describe, expect, it, vi } from 'vitest';
import { readProof, replay } from './api.js';
import { parseConfig } from './config.js';

describe('queued calls', () => {
  it('replays the snippet queue in order, arrays and arguments objects alike', () => {
    const calls: [string, unknown[]][] = [];
    const args = (function (..._a: unknown[]) {
      // eslint-disable-next-line prefer-rest-params
      return arguments;
    })('track', 'Cart Viewed', { items: 2 });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const n = replay([['identify', 'u-1', { email: 'a@b.c' }], args, ['dance'], null, ['consent', { analytics: true }]], (m, a) => calls.push([m, a]));
    expect(n).toBe(3);
    expect(calls).toEqual([['identify', ['u-1', { email: 'a@b.c' }]], ['track', ['Cart Viewed', { items: 2 }]], ['consent', [{ analytics: true }]]]);
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });

  it('ignores a missing queue', () => {
    expect(replay(undefined, () => undefined)).toBe(0);
  });

  it('reads the identity proof', () => {
    expect(readProof({ userHash: 'abc' })).toEqual({ userHash: 'abc' });
    expect(readProof({ token: 'jwt' })).toEqual({ identityToken: 'jwt' });
    expect(readProof({ identityToken: 'jwt' })).toEqual({ identityToken: 'jwt' });
    expect(readProof({ userHash: 1 })).toEqual({});
    expect(readProof(undefined)).toEqual({});
  });
});

describe('script config', () => {
  const attrs = (a: Record<string, string>) => (n: string) => a[n] ?? null;
  it('finds the host from the script src and reads the options', () => {
    const c = parseConfig('https://care.shop.test/widget.js', attrs({ 'data-write-key': 'wk_1', 'data-require-consent': 'true', 'data-honor-gpc': '', 'data-locale': 'ja', 'data-track-form-errors': 'form.checkout', 'data-reply-within-minutes': '90' }));
    expect(c).toEqual({
      base: 'https://care.shop.test', socketUrl: 'wss://care.shop.test/v1/realtime', scriptSrc: 'https://care.shop.test/widget.js', writeKey: 'wk_1',
      requireConsent: true, honorGpc: true, locale: 'ja', formErrorSelectors: 'form.checkout', replyWithinMinutes: 90,
    });
    const plain = parseConfig('http://127.0.0.1:3000/widget.js', attrs({ 'data-write-key': 'wk_2', 'data-require-consent': 'false' }))!;
    expect([plain.socketUrl, plain.requireConsent, plain.honorGpc, plain.locale, plain.replyWithinMinutes]).toEqual(['ws://127.0.0.1:3000/v1/realtime', false, false, null, null]);
  });

  it('refuses a script without a write key or an http(s) src', () => {
    expect(parseConfig('https://x.test/widget.js', attrs({}))).toBeNull();
    expect(parseConfig('data:text/javascript,1', attrs({ 'data-write-key': 'wk' }))).toBeNull();
    expect(parseConfig('not a url', attrs({ 'data-write-key': 'wk' }))).toBeNull();
  });
});
