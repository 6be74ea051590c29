/*
 * Dot paths into client-sent JSON (`event.properties.shipping.method`, `traits.plan`). Split once
 * at compile time; reading walks own properties only, so a path like `constructor` or
 * `__proto__` finds nothing rather than Object's prototype.
 */

/** At most this many segments: deeper paths are almost certainly typos. */
export const MAX_PATH_SEGMENTS = 10;

/** The segments of "a.b.0.c", or null when a segment is empty or there are too many. */
export function parseDotPath(path: string): readonly string[] | null {
  if (path === '') return null;
  const segments = path.split('.');
  if (segments.length > MAX_PATH_SEGMENTS) return null;
  for (const s of segments) if (s === '') return null;
  return segments;
}

/** The value at the path (numeric segments index arrays), or null when there is none. */
export function readDotPath(root: unknown, segments: readonly string[]): unknown {
  let current = root;
  for (let i = 0; i < segments.length; i++) {
    if (typeof current !== 'object' || current === null) return null;
    const key = segments[i]!;
    if (Array.isArray(current)) {
      const index = Number(key);
      if (!Number.isInteger(index) || index < 0 || index >= current.length) return null;
      current = current[index];
    } else {
      if (!Object.hasOwn(current, key)) return null;
      current = (current as Record<string, unknown>)[key];
    }
  }
  return current === undefined ? null : current;
}
