import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signIdentityToken, userHash, verifyIdentityToken, verifyUserHash } from './identity-proof.js';

const SECRET = 'whsec-identity-test';
const NOW = Date.parse('2026-03-02T09:00:00Z');
const NOW_S = NOW / 1000;

const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
/** A token with any header and payload, correctly signed with HS256. */
function raw(header: unknown, payload: unknown, secret = SECRET): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
const HS = { alg: 'HS256', typ: 'JWT' };

describe('userHash', () => {
  it('is the hex HMAC-SHA256 of the user id', () => {
    expect(userHash('key', 'The quick brown fox jumps over the lazy dog')).toBe('f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
  });

  it('verifies the right hash, in either case', () => {
    const hash = userHash(SECRET, 'cust-42');
    expect(verifyUserHash(SECRET, 'cust-42', hash)).toBe(true);
    expect(verifyUserHash(SECRET, 'cust-42', hash.toUpperCase())).toBe(true);
  });

  it('refuses wrong and malformed hashes without throwing', () => {
    const hash = userHash(SECRET, 'cust-42');
    expect(verifyUserHash(SECRET, 'cust-43', hash)).toBe(false);
    expect(verifyUserHash('other', 'cust-42', hash)).toBe(false);
    expect(verifyUserHash(SECRET, 'cust-42', hash.slice(0, 63))).toBe(false);
    expect(verifyUserHash(SECRET, 'cust-42', `${hash}0`)).toBe(false);
    expect(verifyUserHash(SECRET, 'cust-42', `${hash.slice(0, 63)}g`)).toBe(false);
    expect(verifyUserHash(SECRET, 'cust-42', '')).toBe(false);
    expect(verifyUserHash(SECRET, 'cust-42', null as unknown as string)).toBe(false);
    expect(verifyUserHash(SECRET, 42 as unknown as string, hash)).toBe(false);
  });

  it('refuses everything with an empty secret or user id', () => {
    expect(verifyUserHash('', 'cust-42', userHash('', 'cust-42'))).toBe(false);
    expect(verifyUserHash(SECRET, '', userHash(SECRET, ''))).toBe(false);
  });
});

describe('signIdentityToken', () => {
  it('makes a compact HS256 JWS', () => {
    const token = signIdentityToken(SECRET, { sub: 'cust-42', email: 'a@example.com', exp: NOW_S + 60 });
    const [header, payload] = token.split('.');
    expect(token.split('.')).toHaveLength(3);
    expect(header).toBe('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toEqual({ sub: 'cust-42', email: 'a@example.com', exp: NOW_S + 60 });
    expect(token).toBe(raw(HS, { sub: 'cust-42', email: 'a@example.com', exp: NOW_S + 60 }));
  });

  it('leaves email out when not given', () => {
    const payload = signIdentityToken(SECRET, { sub: 'x', exp: 1 }).split('.')[1]!;
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual({ sub: 'x', exp: 1 });
  });
});

describe('verifyIdentityToken', () => {
  const good = (claims: Record<string, unknown> = {}) => raw(HS, { sub: 'cust-42', exp: NOW_S + 600, ...claims });

  it('accepts a good token, with and without email', () => {
    expect(verifyIdentityToken(SECRET, signIdentityToken(SECRET, { sub: 'cust-42', email: 'a@example.com', exp: NOW_S + 600 }), NOW)).toEqual({
      ok: true, userId: 'cust-42', email: 'a@example.com',
    });
    expect(verifyIdentityToken(SECRET, good(), NOW)).toEqual({ ok: true, userId: 'cust-42', email: null });
    expect(verifyIdentityToken(SECRET, good({ email: null }), NOW)).toEqual({ ok: true, userId: 'cust-42', email: null });
  });

  it('checks the signature of a third-party token (the jwt.io example) before its claims', () => {
    const jwtIo = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
    // Signed correctly, but without exp.
    expect(verifyIdentityToken('your-256-bit-secret', jwtIo, NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyIdentityToken(SECRET, jwtIo, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses other algorithms, including none', () => {
    const payload = b64({ sub: 'cust-42', exp: NOW_S + 600 });
    expect(verifyIdentityToken(SECRET, `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`, NOW)).toEqual({ ok: false, reason: 'unsupported_alg' });
    expect(verifyIdentityToken(SECRET, raw({ alg: 'RS256' }, { sub: 'cust-42', exp: NOW_S + 600 }), NOW)).toEqual({ ok: false, reason: 'unsupported_alg' });
    expect(verifyIdentityToken(SECRET, raw({ alg: 'hs256' }, { sub: 'cust-42', exp: NOW_S + 600 }), NOW)).toEqual({ ok: false, reason: 'unsupported_alg' });
    expect(verifyIdentityToken(SECRET, raw({ typ: 'JWT' }, { sub: 'cust-42', exp: NOW_S + 600 }), NOW)).toEqual({ ok: false, reason: 'unsupported_alg' });
    expect(verifyIdentityToken(SECRET, raw({ alg: 'HS256', crit: ['b64'] }, { sub: 'cust-42', exp: NOW_S + 600 }), NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses tampered, re-signed and oddly spelt signatures', () => {
    const token = good();
    const [h, , s] = token.split('.');
    expect(verifyIdentityToken(SECRET, `${h}.${b64({ sub: 'cust-1', exp: NOW_S + 600 })}.${s}`, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyIdentityToken('other', token, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyIdentityToken('', raw(HS, { sub: 'cust-42', exp: NOW_S + 600 }, ''), NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyIdentityToken(SECRET, `${token.slice(0, -2)}`, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyIdentityToken(SECRET, `${token}AA`, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyIdentityToken(SECRET, `${token.split('.').slice(0, 2).join('.')}.`, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    // The last character of a 32-byte signature carries 4 bits; flipping an unused low bit
    // decodes to the same bytes but is not the canonical spelling.
    const last = s!.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
    expect(Buffer.from(`${s!.slice(0, -1)}${twin}`, 'base64url')).toEqual(Buffer.from(s!, 'base64url'));
    expect(verifyIdentityToken(SECRET, `${token.slice(0, -1)}${twin}`, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses malformed tokens', () => {
    for (const token of ['', 'abc', 'a.b', 'a.b.c.d', `${b64('not json')}.${b64({})}.sig`, `${b64([1])}.${b64({})}.sig`, `a+b.${b64({})}.sig`, 'x'.repeat(5000)]) {
      expect(verifyIdentityToken(SECRET, token, NOW), token.slice(0, 40)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(verifyIdentityToken(SECRET, 42 as unknown as string, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('checks the claims', () => {
    const check = (claims: Record<string, unknown>) => verifyIdentityToken(SECRET, raw(HS, claims), NOW);
    expect(check({ exp: NOW_S + 600 })).toEqual({ ok: false, reason: 'malformed' });
    expect(check({ sub: '', exp: NOW_S + 600 })).toEqual({ ok: false, reason: 'malformed' });
    expect(check({ sub: 42, exp: NOW_S + 600 })).toEqual({ ok: false, reason: 'malformed' });
    expect(check({ sub: 'x'.repeat(256), exp: NOW_S + 600 })).toMatchObject({ ok: true });
    expect(check({ sub: 'x'.repeat(257), exp: NOW_S + 600 })).toEqual({ ok: false, reason: 'malformed' });
    expect(check({ sub: 'cust-42' })).toEqual({ ok: false, reason: 'malformed' });
    expect(check({ sub: 'cust-42', exp: String(NOW_S + 600) })).toEqual({ ok: false, reason: 'malformed' });
    expect(check({ sub: 'cust-42', exp: NOW_S + 600, email: 5 })).toEqual({ ok: false, reason: 'malformed' });
    expect(check({ sub: 'cust-42', exp: NOW_S + 600, nbf: 'soon' })).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyIdentityToken(SECRET, raw(HS, [1, 2]), NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('expires at exp plus the leeway', () => {
    const token = good({ exp: NOW_S });
    expect(verifyIdentityToken(SECRET, token, NOW + 29_999)).toMatchObject({ ok: true });
    expect(verifyIdentityToken(SECRET, token, NOW + 30_000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyIdentityToken(SECRET, token, NOW - 1, { leewaySeconds: 0 })).toMatchObject({ ok: true });
    expect(verifyIdentityToken(SECRET, token, NOW, { leewaySeconds: 0 })).toEqual({ ok: false, reason: 'expired' });
  });

  it('is not valid before nbf minus the leeway', () => {
    const token = good({ nbf: NOW_S + 60 });
    expect(verifyIdentityToken(SECRET, token, NOW + 30_000)).toMatchObject({ ok: true });
    expect(verifyIdentityToken(SECRET, token, NOW + 29_999)).toEqual({ ok: false, reason: 'not_yet_valid' });
    expect(verifyIdentityToken(SECRET, token, NOW + 60_000, { leewaySeconds: 0 })).toMatchObject({ ok: true });
  });

  it('refuses a token that lives longer than allowed', () => {
    const day = 24 * 60 * 60;
    expect(verifyIdentityToken(SECRET, good({ exp: NOW_S + day + 30 }), NOW)).toMatchObject({ ok: true });
    expect(verifyIdentityToken(SECRET, good({ exp: NOW_S + day + 31 }), NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyIdentityToken(SECRET, good({ exp: NOW_S + 3600 }), NOW, { maxLifetimeSeconds: 600, leewaySeconds: 0 })).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyIdentityToken(SECRET, good({ exp: NOW_S + 600 }), NOW, { maxLifetimeSeconds: 600, leewaySeconds: 0 })).toMatchObject({ ok: true });
  });
});
