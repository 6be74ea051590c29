/** What a send attempt came to: delivered, worth retrying later, or refused for good. */
export type SendResult = 'ok' | 'retry' | 'drop';

export interface QueueTimers {
  setTimeout(cb: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface BatchQueueOptions<T> {
  /** `beacon` is true when the page is going away (the send must not wait for an answer). */
  send(items: T[], beacon: boolean): Promise<SendResult> | SendResult;
  timers: QueueTimers;
  intervalMs?: number;
  maxBatch?: number;
  /** Oldest events are dropped beyond this (a shop offline for long must not grow memory). */
  maxQueued?: number;
}

/**
 * Batches tracked events: flushed every `intervalMs` (2 s) after the first queued event, or at
 * once when `maxBatch` (20) are waiting. A failed send puts its events back in front (their
 * messageIds make the retry safe) and waits twice as long, up to a minute.
 */
export class BatchQueue<T> {
  private items: T[] = [];
  private timer: unknown = undefined;
  private sending = false;
  private backoff = 0;

  constructor(private readonly o: BatchQueueOptions<T>) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
    const max = this.o.maxQueued ?? 500;
    if (this.items.length > max) this.items.splice(0, this.items.length - max);
    if (this.items.length >= (this.o.maxBatch ?? 20) && !this.sending && this.backoff === 0) void this.flush();
    else this.arm();
  }

  /** Sends what is queued now (on page hide with `beacon`: every event, without waiting). */
  async flush(beacon = false): Promise<void> {
    this.disarm();
    if (beacon) {
      // All batches leave at once: the page is going away, so none may wait for the one before
      // it (a beacon the browser refuses falls back to a fetch, which takes a round trip).
      const all = this.items.splice(0);
      const n = this.o.maxBatch ?? 20;
      const batches: T[][] = [];
      for (let i = 0; i < all.length; i += n) batches.push(all.slice(i, i + n));
      const results = await Promise.all(batches.map((b) => this.attempt(b, true)));
      // If the page stays after all (a tab hidden, not closed), the failed ones are tried again.
      this.items.unshift(...batches.filter((_, i) => results[i] === 'retry').flat());
      if (this.items.length) this.arm();
      return;
    }
    if (this.sending || this.items.length === 0) return;
    this.sending = true;
    const batch = this.items.splice(0, this.o.maxBatch ?? 20);
    const r = await this.attempt(batch, false);
    this.sending = false;
    if (r === 'retry') {
      this.items.unshift(...batch);
      this.backoff = Math.min(60_000, (this.backoff || this.o.intervalMs || 2_000) * 2);
    } else {
      this.backoff = 0;
    }
    if (this.items.length) this.arm();
  }

  /** One send; a send that throws counts as worth retrying (the messageIds make that safe). */
  private async attempt(items: T[], beacon: boolean): Promise<SendResult> {
    try {
      return await this.o.send(items, beacon);
    } catch {
      return 'retry';
    }
  }

  private arm(): void {
    if (this.timer !== undefined || this.sending) return;
    this.timer = this.o.timers.setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.backoff || this.o.intervalMs || 2_000);
  }

  private disarm(): void {
    if (this.timer === undefined) return;
    this.o.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
