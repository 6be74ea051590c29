/**
 * Issue paths such as `batch[3].properties.items[2].name`. They are built only when an
 * issue is reported, never on the happy path.
 */

/** Longest key echoed in a path: hostile keys can be kilobytes long. */
const MAX_KEY_IN_PATH = 64;

/** `base.key`, or `base["odd key"]` when the key is not identifier-like. */
export function keyPath(base: string, key: string): string {
  if (isIdentifier(key)) return base === '' ? key : `${base}.${key}`;
  const shown = key.length > MAX_KEY_IN_PATH ? `${key.slice(0, MAX_KEY_IN_PATH)}…` : key;
  // JSON.stringify escapes quotes, NUL and lone surrogates, so the path stays printable.
  return `${base}[${JSON.stringify(shown)}]`;
}

/** `base[index]`. */
export function indexPath(base: string, index: number): string {
  return `${base}[${index}]`;
}

function isIdentifier(key: string): boolean {
  const n = key.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
    if (!letter && !(i > 0 && c >= 48 && c <= 57)) return false;
  }
  return true;
}
