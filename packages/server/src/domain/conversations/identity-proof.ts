import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Proof that a chat visitor is the shop's logged-in customer: either a user hash (HMAC of the
 * user id, as Intercom and Crisp do it) or a short-lived HS256 token from the shop's backend.
 * Without it anyone could claim any user id and read that customer's conversations.
 */

const HEX_SHA256 = /^[0-9a-f]{64}$/i;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Longer than any honest identity token; refused before decoding anything. */
const MAX_TOKEN_LENGTH = 4096;
const MAX_SUB_LENGTH = 256;

/** Hex HMAC-SHA256 of the user id under the workspace's identity secret. */
export function userHash(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

/** Whether `hash` is the user hash of `userId`; false on any malformed input, never throws. */
export function verifyUserHash(secret: string, userId: string, hash: string): boolean {
  // An empty secret would let anyone compute hashes; treat it as "not configured".
  if (typeof secret !== 'string' || secret === '' || typeof userId !== 'string' || userId === '') return false;
  if (typeof hash !== 'string' || !HEX_SHA256.test(hash)) return false;
  const expected = createHmac('sha256', secret).update(userId, 'utf8').digest();
  return timingSafeEqual(Buffer.from(hash, 'hex'), expected);
}

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

const sign = (secret: string, signingInput: string): Buffer => createHmac('sha256', secret).update(signingInput, 'ascii').digest();

/** A compact HS256 JWS (for the shop's backend, tests and the docs' examples). */
export function signIdentityToken(secret: string, claims: { sub: string; email?: string; exp: number }): string {
  const payload: Record<string, unknown> = { sub: claims.sub };
  if (claims.email !== undefined) payload['email'] = claims.email;
  payload['exp'] = claims.exp;
  const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${input}.${sign(secret, input).toString('base64url')}`;
}

export type TokenCheck =
  | { ok: true; userId: string; email: string | null }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' | 'not_yet_valid' | 'unsupported_alg' };

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Verifies an identity token at `nowMs`. Only HS256 is accepted: `alg: none` and the
 * asymmetric algorithms are refused outright (the classic JWT confusion attacks), and the
 * signature is checked before any claim is read. `exp` is required and may be at most
 * `maxLifetimeSeconds` (default 24 h) ahead, so a leaked token cannot be minted to last
 * forever; `nbf` is honoured; both get `leewaySeconds` (default 30) of clock skew. A token
 * whose exp is too far ahead is reported as malformed: it is not one the shop should issue.
 */
export function verifyIdentityToken(
  secret: string,
  token: string,
  nowMs: number,
  opts: { maxLifetimeSeconds?: number; leewaySeconds?: number } = {},
): TokenCheck {
  const fail = (reason: Exclude<TokenCheck, { ok: true }>['reason']): TokenCheck => ({ ok: false, reason });
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return fail('malformed');
  const parts = token.split('.');
  if (parts.length !== 3) return fail('malformed');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  if (!BASE64URL.test(headerPart) || !BASE64URL.test(payloadPart)) return fail('malformed');
  const header = decodeJson(headerPart);
  if (header === null) return fail('malformed');
  if (header['alg'] !== 'HS256') return fail('unsupported_alg');
  // Extensions we do not understand must not be ignored (RFC 7515 §4.1.11).
  if (header['crit'] !== undefined) return fail('malformed');

  if (typeof secret !== 'string' || secret === '') return fail('bad_signature');
  if (signaturePart === '' || !BASE64URL.test(signaturePart)) return fail('bad_signature');
  const given = Buffer.from(signaturePart, 'base64url');
  // Re-encoding must give the same text: otherwise several spellings of one signature pass.
  if (given.length !== 32 || given.toString('base64url') !== signaturePart) return fail('bad_signature');
  if (!timingSafeEqual(given, sign(secret, `${headerPart}.${payloadPart}`))) return fail('bad_signature');

  const claims = decodeJson(payloadPart);
  if (claims === null) return fail('malformed');
  const { sub, email, exp, nbf } = claims;
  if (typeof sub !== 'string' || sub === '' || sub.length > MAX_SUB_LENGTH) return fail('malformed');
  if (email !== undefined && email !== null && typeof email !== 'string') return fail('malformed');
  if (!isTime(exp) || (nbf !== undefined && !isTime(nbf))) return fail('malformed');

  const leeway = opts.leewaySeconds ?? 30;
  const maxLifetime = opts.maxLifetimeSeconds ?? 24 * 60 * 60;
  const now = nowMs / 1000;
  if (now >= exp + leeway) return fail('expired');
  if (isTime(nbf) && now < nbf - leeway) return fail('not_yet_valid');
  if (exp > now + maxLifetime + leeway) return fail('malformed');
  return { ok: true, userId: sub, email: typeof email === 'string' ? email : null };
}
