import type { Issue } from '@omotenashi/protocol';

/** Longest photo URL accepted: enough for signed CDN links, short enough for every bubble. */
export const AVATAR_URL_MAX = 2048;

/**
 * Checks an operator's photo URL. It ends up as an `<img src>` in shoppers' browsers and in the
 * console, so only what cannot run script is kept: an absolute http(s) URL (a photo hosted
 * elsewhere) or a path on this server (`/demo/assets/operator.svg`), which the widget resolves
 * against the server it talks to. `null` clears the photo (initials are drawn).
 * Returns the problem, or null when the value is fine.
 */
export function avatarUrlIssue(v: unknown): Issue | null {
  const path = 'avatarUrl';
  if (v === null) return null;
  if (typeof v !== 'string') return { path, code: 'invalid_type', message: 'avatarUrl must be a string or null' };
  if (v.length > AVATAR_URL_MAX) return { path, code: 'too_long', message: `avatarUrl must be at most ${AVATAR_URL_MAX} characters, got ${v.length}` };
  if (v === '' || /[\s\u0000-\u001f\u007f]/.test(v)) {
    return { path, code: 'invalid_value', message: 'avatarUrl must be a URL without spaces or control characters (use null to remove the photo)' };
  }
  // "//host/x" is protocol-relative: another host, not a path on this server.
  if (v.startsWith('/') && !v.startsWith('//') && !v.startsWith('/\\')) return null;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return { path, code: 'invalid_value', message: 'avatarUrl must be an absolute http(s) URL or a path starting with / on this server; relative URLs are ambiguous' };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    return { path, code: 'invalid_value', message: `avatarUrl must use https: or http:, not ${u.protocol}` };
  }
  if (u.username || u.password) return { path, code: 'invalid_value', message: 'avatarUrl must not carry a user name or password' };
  return null;
}

/** Checks an operator's display name (shown to shoppers in invitations). */
export function operatorNameIssue(v: unknown): Issue | null {
  if (typeof v !== 'string' || v.trim() === '' || v.length > 100) return { path: 'name', code: 'invalid_value', message: 'name must be 1 to 100 characters' };
  return null;
}
