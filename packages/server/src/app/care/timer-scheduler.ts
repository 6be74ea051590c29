import type { Clock } from '../../ports/clock.js';
import type { Store, TimerRecord } from '../../ports/store.js';
import type { IngestService } from '../ingest/ingest-service.js';

const TIMERS_PER_FLUSH = 256;

export interface SchedulerOptions {
  /** How far ahead timers are loaded into memory. */
  lookaheadMs?: number;
  /** How often the database is polled for timers entering the look-ahead. */
  pollMs?: number;
  batchLimit?: number;
  onLateness?: (ms: number) => void;
  /** A poll or a fire failed (it is retried: the timer stays in the table); for logs and metrics. */
  onError?: (err: unknown) => void;
}

/**
 * Fires durable timers promptly. Timers live in the database (so they survive restarts and
 * kill -9); this loop keeps the ones due within the look-ahead in memory, sorted, sleeps until
 * the earliest, and hands due ones to the ingest pipeline, which deletes (claims) and fires them
 * in one transaction — so each fires exactly once, even with several processes polling.
 */
export class TimerScheduler {
  private readonly known = new Map<string, TimerRecord>();
  private queue: TimerRecord[] = [];
  private pollTimer: NodeJS.Timeout | null = null;
  private wakeTimer: NodeJS.Timeout | null = null;
  private stopped = true;
  private inFlight = new Set<string>();
  private polling: Promise<void> | null = null;

  constructor(private readonly store: Store, private readonly ingest: IngestService, private readonly clock: Clock, private readonly opts: SchedulerOptions = {}) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.poll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    await this.polling;
  }

  /**
   * Fires every timer due by now and waits until they are stored (tests, simulations and the
   * CLI use it with a controllable clock; the running server uses the loop below).
   */
  async fireDueNow(limit = 10_000): Promise<number> {
    const due = await this.store.dueTimers(this.clock.now() + 1, limit);
    const byWorkspace = new Map<string, TimerRecord[]>();
    for (const t of due) byWorkspace.set(t.workspaceId, [...(byWorkspace.get(t.workspaceId) ?? []), t]);
    await Promise.all([...byWorkspace].map(([ws, timers]) => this.ingest.fireTimers(ws, timers)));
    return due.length;
  }

  private poll(): void {
    if (this.stopped) return;
    const lookahead = this.opts.lookaheadMs ?? 2_000;
    this.polling = this.store
      .dueTimers(this.clock.now() + lookahead, this.opts.batchLimit ?? 5_000)
      .then((rows) => {
        let changed = false;
        for (const r of rows) {
          const prev = this.known.get(r.id);
          if (!prev && !this.inFlight.has(r.id)) {
            this.known.set(r.id, r);
            changed = true;
          }
        }
        if (changed) {
          this.queue = [...this.known.values()].sort((a, b) => a.dueAt - b.dueAt);
          this.arm();
        }
      })
      .catch((err: unknown) => this.opts.onError?.(err)) // retried on the next tick
      .finally(() => {
        if (!this.stopped) this.pollTimer = setTimeout(() => this.poll(), this.opts.pollMs ?? 250);
      });
  }

  private arm(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    const next = this.queue[0];
    if (!next || this.stopped) return;
    this.wakeTimer = setTimeout(() => this.fireDue(), Math.max(0, next.dueAt - this.clock.now()));
  }

  private fireDue(): void {
    const now = this.clock.now();
    const due: TimerRecord[] = [];
    while (this.queue.length > 0 && this.queue[0]!.dueAt <= now) {
      const t = this.queue.shift()!;
      this.known.delete(t.id);
      due.push(t);
    }
    const byWorkspace = new Map<string, TimerRecord[]>();
    for (const t of due) {
      this.opts.onLateness?.(now - t.dueAt);
      this.inFlight.add(t.id);
      const list = byWorkspace.get(t.workspaceId) ?? [];
      list.push(t);
      byWorkspace.set(t.workspaceId, list);
    }
    for (const [ws, timers] of byWorkspace) {
      // In slices, so a backlog becomes several short flushes that interleave with ingestion
      // rather than one long one that holds everything up.
      for (let i = 0; i < timers.length; i += TIMERS_PER_FLUSH) {
        const slice = timers.slice(i, i + TIMERS_PER_FLUSH);
        this.ingest.fireTimers(ws, slice)
          .catch((err: unknown) => this.opts.onError?.(err)) // still in the table: the next poll picks it up again
          .finally(() => {
            for (const t of slice) this.inFlight.delete(t.id);
          });
      }
    }
    this.arm();
  }
}
