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
      const all = this.items.splice(0);
      const n = this.o.maxBatch ?? 20;
      for (let i = 0; i < all.length; i += n) {
        const r = await this.o.send(all.slice(i, i + n), true);
        if (r === 'retry') this.items.push(...all.slice(i, i + n));
      }
      return;
    }
    if (this.sending || this.items.length === 0) return;
    this.sending = true;
    const batch = this.items.splice(0, this.o.maxBatch ?? 20);
    let r: SendResult;
    try {
      r = await this.o.send(batch, false);
    } catch {
      r = 'retry';
    }
    this.sending = false;
    if (r === 'retry') {
      this.items.unshift(...batch);
      this.backoff = Math.min(60_000, (this.backoff || this.o.intervalMs || 2_000) * 2);
    } else {
      this.backoff = 0;
    }
    if (this.items.length) this.arm();
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
