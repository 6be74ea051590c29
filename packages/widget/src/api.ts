/** The methods of `window.Omotenashi`. */
export const API_METHODS = ['identify', 'track', 'page', 'open', 'close', 'consent', 'reset', 'on'] as const;
export type ApiMethod = (typeof API_METHODS)[number];

/** A call queued by the snippet before the loader arrived: `[method, ...args]` (or `arguments`). */
export type QueuedCall = ArrayLike<unknown>;

/**
 * Replays the snippet's queued calls in order. Unknown methods are skipped with a warning (a
 * typo in a shop's code must not stop the calls after it).
 */
export function replay(queue: unknown, call: (method: ApiMethod, args: unknown[]) => void): number {
  if (!queue || typeof (queue as ArrayLike<unknown>).length !== 'number') return 0;
  let n = 0;
  for (const item of Array.from(queue as ArrayLike<unknown>)) {
    if (!item || typeof (item as QueuedCall).length !== 'number') continue;
    const [method, ...args] = Array.from(item as QueuedCall);
    if (typeof method === 'string' && (API_METHODS as readonly string[]).includes(method)) {
      call(method as ApiMethod, args);
      n++;
    } else {
      console.warn(`[omotenashi] unknown queued call ${String(method)}`);
    }
  }
  return n;
}

/** `identify`'s third argument: the proof computed on the shop's server. */
export function readProof(v: unknown): { userHash?: string; identityToken?: string } {
  if (!v || typeof v !== 'object') return {};
  const o = v as Record<string, unknown>;
  const token = typeof o['token'] === 'string' ? o['token'] : typeof o['identityToken'] === 'string' ? o['identityToken'] : undefined;
  if (typeof o['userHash'] === 'string') return { userHash: o['userHash'] };
  return token ? { identityToken: token } : {};
}
