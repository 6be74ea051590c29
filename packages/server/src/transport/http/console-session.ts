import { createHmac, timingSafeEqual } from 'node:crypto';
import { OmotenashiError } from '../../errors.js';

/** The console's session cookie: it holds the operator session token `tenancy.login` returns. */
export const SESSION_COOKIE = 'omotenashi_session';
export const CSRF_HEADER = 'x-csrf-token';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The session token from a Cookie header, or null. */
export function sessionTokenFromCookies(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  // Read by hand, not through @fastify/cookie's parser: that one only works once its plugin has
  // loaded, and the WebSocket upgrade reads cookies outside Fastify's request cycle.
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    let v = part.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    try {
      v = decodeURIComponent(v);
    } catch {
      return null;
    }
    return v === '' ? null : v;
  }
  return null;
}

/**
 * The CSRF token that goes with a session token. It is derived, not stored: an HMAC of the
 * session token, so it is the same on every server process and after a restart, and a page on
 * another site cannot compute it (it cannot read the HttpOnly cookie). The key separates it from
 * the SHA-256 the database keeps of the token, so neither can be turned into the other.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', 'omotenashi console csrf v1').update(sessionToken).digest('base64url');
}

/**
 * Refuses a state-changing request authenticated by the cookie unless it carries the session's
 * CSRF token in `x-csrf-token`. A cross-site form or fetch sends the cookie (where SameSite does
 * not stop it) but cannot read or forge the header's value.
 */
export function requireCsrf(method: string, headerValue: string | string[] | undefined, sessionToken: string): void {
  if (!STATE_CHANGING.has(method.toUpperCase())) return;
  const sent = typeof headerValue === 'string' ? headerValue : '';
  const expected = csrfTokenFor(sessionToken);
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new OmotenashiError('csrf_failed', sent
      ? `the ${CSRF_HEADER} header does not match this session; read the csrfToken again from GET /console/api/session`
      : `a change made with the console's session cookie needs the ${CSRF_HEADER} header (the csrfToken from login or GET /console/api/session)`);
  }
}

/**
 * Whether a browser request comes from this server's own pages: no Origin (not a browser, or a
 * same-origin GET) or an Origin whose host is the Host asked for. Checked before the cookie is
 * trusted on WebSocket upgrades, which carry no CSRF header.
 */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
