/*
 * The profile keeps short "recent" lists. Events can arrive slightly out of order, so items are
 * placed by their timestamp rather than simply pushed, and the oldest fall off the end.
 */

interface Timed {
  at: number;
}

/**
 * Inserts into a newest-first list, keeping at most `bound` entries. An entry with the same key
 * is replaced (so re-visiting moves it to the front), unless the existing one is newer: then the
 * late arrival is dropped. A null key never de-duplicates.
 */
export function insertNewestFirst<T extends Timed>(
  list: T[],
  item: T,
  keyOf: (entry: T) => string | null,
  bound: number,
): void {
  const key = keyOf(item);
  if (key !== null) {
    const existing = list.findIndex((entry) => keyOf(entry) === key);
    if (existing >= 0) {
      if (list[existing]!.at > item.at) return;
      list.splice(existing, 1);
    }
  }
  let position = 0;
  while (position < list.length && list[position]!.at > item.at) position++;
  if (position >= bound) return;
  list.splice(position, 0, item);
  if (list.length > bound) list.length = bound;
}

/** Inserts into an oldest-first list (a path through the site), dropping the oldest beyond `bound`. */
export function insertOldestFirst<T extends Timed>(list: T[], item: T, bound: number): void {
  let position = list.length;
  while (position > 0 && list[position - 1]!.at > item.at) position--;
  list.splice(position, 0, item);
  if (list.length > bound) list.splice(0, list.length - bound);
}

/**
 * Interleaves two newest-first lists by time into a new list, de-duplicating by key (the newest
 * entry wins; on a tie the entry from `first` wins) and keeping at most `bound`.
 */
export function mergeNewestFirst<T extends Timed>(
  first: readonly T[],
  second: readonly T[],
  keyOf: (entry: T) => string | null,
  bound: number,
): T[] {
  // Stable sort keeps `first` ahead of `second` on equal timestamps.
  const all = [...first, ...second].sort((a, b) => b.at - a.at);
  const seen = new Set<string>();
  const out: T[] = [];
  for (const entry of all) {
    if (out.length >= bound) break;
    const key = keyOf(entry);
    if (key !== null) {
      if (seen.has(key)) continue;
      seen.add(key);
    }
    out.push(entry);
  }
  return out;
}
