/**
 * Failed password logins, counted per key (an email, a client address) in a fixed window that
 * starts at the first failure. Once a key has `maxFailures` failures, it is refused until the
 * window ends — even with the right password, so guessing cannot go on in the dark. A success
 * forgets the key. Pure: the time is passed in.
 *
 * Memory is bounded: at `maxKeys` the expired windows are swept, then the oldest are dropped
 * (a flood of made-up emails forgets old windows rather than growing without end).
 */
export interface ThrottlePolicy {
  maxFailures: number;
  windowMs: number;
}

/** Five wrong passwords for one email in 15 minutes lock that email for the rest of them. */
export const ACCOUNT_POLICY: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000 };
/** Fifty from one address (an office behind one NAT may share it) lock that address likewise. */
export const ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 50, windowMs: 15 * 60_000 };

interface Window { failures: number; startedAt: number }

export class FailureWindows {
  private readonly windows = new Map<string, Window>();

  constructor(readonly policy: ThrottlePolicy, private readonly maxKeys = 10_000) {}

  /** Milliseconds until `key` may try again; 0 when it may now. */
  lockedFor(key: string, now: number): number {
    const w = this.windows.get(key);
    if (!w) return 0;
    const endsAt = w.startedAt + this.policy.windowMs;
    if (now >= endsAt) {
      this.windows.delete(key);
      return 0;
    }
    return w.failures >= this.policy.maxFailures ? endsAt - now : 0;
  }

  fail(key: string, now: number): void {
    const w = this.windows.get(key);
    if (w && now < w.startedAt + this.policy.windowMs) {
      w.failures++;
      return;
    }
    this.windows.delete(key);
    if (this.windows.size >= this.maxKeys) this.makeRoom(now);
    this.windows.set(key, { failures: 1, startedAt: now });
  }

  forget(key: string): void {
    this.windows.delete(key);
  }

  get size(): number {
    return this.windows.size;
  }

  private makeRoom(now: number): void {
    for (const [k, w] of this.windows) if (now >= w.startedAt + this.policy.windowMs) this.windows.delete(k);
    // Insertion order is the order windows started: the first keys are the oldest.
    for (const k of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(k);
    }
  }
}
