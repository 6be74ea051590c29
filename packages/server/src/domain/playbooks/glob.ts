// Glob matching in guaranteed O(n·m) time (n = text length, m = pattern tokens), with no
// backtracking: playbooks are written by shop staff (or anyone with an admin token) and are run
// against every event, so a pattern like `*a*a*a*a*b` must not be able to stall ingestion the
// way a backtracking regex would.
//
// `*` matches any run of characters except `/` (one path segment), `**` any run including `/`,
// and `?` exactly one character other than `/`. As in shells and .gitignore, a `**` that is a
// whole segment may also match no segment at all: `/shop/**/checkout` matches `/shop/checkout`,
// `**/checkout` matches `checkout`, and `/checkout/**` matches `/checkout` itself. There is no
// escaping: URLs and event names practically never contain a literal `*`, and a literal `?` is
// matched by the `?` wildcard.

const SLASH = 47; // '/'
/** Token codes: a non-negative number is a literal UTF-16 code unit. */
const ONE = -1;
const STAR = -2;
const DOUBLE_STAR = -3;
// `**/` as a whole segment: zero or more segments, i.e. nothing or any run ending in `/`.
const SEGMENTS = -4;

/** The glob as tokens; a run of three or more `*` reads as `**` (validatePattern refuses it). */
export function tokenizeGlob(glob: string): Int32Array {
  const tokens: number[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charCodeAt(i);
    if (c === 42 /* * */) {
      let run = 1;
      while (glob.charCodeAt(i + 1) === 42) {
        run++;
        i++;
      }
      const start = i - run + 1;
      const wholeSegment = (start === 0 || glob.charCodeAt(start - 1) === SLASH) && glob.charCodeAt(i + 1) === SLASH;
      if (run >= 2 && wholeSegment) {
        tokens.push(SEGMENTS);
        i++; // the slash belongs to the token
      } else tokens.push(run === 1 ? STAR : DOUBLE_STAR);
    } else if (c === 63 /* ? */) tokens.push(ONE);
    else tokens.push(c);
  }
  return Int32Array.from(tokens);
}

/** How many wildcards (`*`, `**`, `?`) a glob has. */
export function countWildcards(glob: string): number {
  let n = 0;
  for (const t of tokenizeGlob(glob)) if (t < 0) n++;
  return n;
}

function literal(tokens: Int32Array, from: number, to: number): string {
  return String.fromCharCode(...tokens.subarray(from, to));
}

/** A matcher for a glob (see the top of this file). */
export function compileGlob(glob: string): (s: string) => boolean {
  // A trailing "/**" also matches nothing at all: "/checkout/**" matches "/checkout". Two
  // linear passes keep the automaton simple.
  if (glob.length >= 3 && glob.endsWith('/**') && glob.charCodeAt(glob.length - 4) !== 42) {
    const inside = compileTokens(glob);
    const itself = compileTokens(glob.slice(0, -3));
    return (s) => inside(s) || itself(s);
  }
  return compileTokens(glob);
}

/** Literal head and tail are checked first: they reject most texts cheaply. */
function compileTokens(glob: string): (s: string) => boolean {
  const tokens = tokenizeGlob(glob);
  const first = tokens.findIndex((t) => t < 0);
  if (first < 0) return (s) => s === glob;
  let last = tokens.length - 1;
  while (tokens[last]! >= 0) last--;
  const head = literal(tokens, 0, first);
  const tail = literal(tokens, last + 1, tokens.length);
  const middle = tokens.slice(first, last + 1);
  let minLength = head.length + tail.length;
  for (const t of middle) if (t >= 0 || t === ONE) minLength++;

  const ends = (s: string): boolean => s.length >= minLength && s.startsWith(head) && s.endsWith(tail);
  // The common shapes: "/checkout/**", "**/payment", "/products/*", "/c/*/p".
  if (middle.length === 1 && middle[0] === DOUBLE_STAR) return ends;
  if (middle.length === 1 && middle[0] === STAR) {
    return (s) => {
      if (!ends(s)) return false;
      const slash = s.indexOf('/', first);
      return slash < 0 || slash >= s.length - tail.length;
    };
  }
  if (middle.length === 1 && middle[0] === SEGMENTS) {
    return (s) => ends(s) && (s.length === minLength || s.charCodeAt(s.length - tail.length - 1) === SLASH);
  }
  const nfa = compileNfa(middle);
  return (s) => ends(s) && nfa(s, first, s.length - tail.length);
}

/**
 * Thompson-style simulation: the set of pattern positions still alive after each character,
 * kept in two preallocated byte sets (no allocation per match). Each character costs O(m).
 */
function compileNfa(tokens: Int32Array): (s: string, from: number, to: number) => boolean {
  const m = tokens.length;
  let current = new Uint8Array(m + 1);
  let next = new Uint8Array(m + 1);

  // Entering a star position also enters the positions after it (a star may match nothing).
  // SEGMENTS <= STAR too: "**/" may match nothing.
  const enter = (set: Uint8Array, i: number): void => {
    set[i] = 1;
    while (i < m && tokens[i]! <= STAR) set[++i] = 1;
  };

  return (s, from, to) => {
    current.fill(0);
    enter(current, 0);
    for (let j = from; j < to; j++) {
      const c = s.charCodeAt(j);
      next.fill(0);
      let alive = false;
      for (let i = 0; i < m; i++) {
        if (current[i] === 0) continue;
        const t = tokens[i]!;
        if (t >= 0) {
          if (c === t) {
            enter(next, i + 1);
            alive = true;
          }
        } else if (t === SEGMENTS) {
          // Still inside the segments; leaving them takes a '/'. Not `enter`: that would skip.
          next[i] = 1;
          if (c === SLASH) enter(next, i + 1);
          alive = true;
        } else if (t === DOUBLE_STAR || c !== SLASH) {
          enter(next, t === ONE ? i + 1 : i);
          alive = true;
        }
      }
      if (!alive) return false;
      const swap = current;
      current = next;
      next = swap;
    }
    return current[m] === 1;
  };
}
