import type { IngestResponse } from '@omotenashi/protocol';
import type { NormalizedEvent } from '../../domain/events/normalized-event.js';
import type { IdGenerator } from '../../platform/ids.js';
import type { Clock } from '../../ports/clock.js';
import type { GeoLookup } from '../../ports/geo.js';
import type { Store } from '../../ports/store.js';
import type { CustomerRecord, TimerRecord } from '../../ports/store.js';
import { CustomerCache } from './customer-cache.js';
import type { OnsiteTouch } from '../care/care-effects.js';
import type { WorkspaceCare } from '../care/workspace-care.js';
import { flushWorkspace } from './flush.js';
import type { VisitorActivity } from './visitor-activity.js';

export type IngestResult = Omit<IngestResponse, 'success'> & { duplicateIds: string[] };

interface Pending {
  workspaceId: string;
  events: NormalizedEvent[];
  timers: TimerRecord[];
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
}

export interface IngestObserver {
  onFlush?(info: { requests: number; events: number; ms: number; timersFired: number; decisions: number }): void;
  /** A hint or invitation for the customer's live session (after commit). */
  onTouch?(touch: OnsiteTouch): void;
  /**
   * Whether anyone watches this workspace's shoppers live; asked once per workspace per flush.
   * Only then does the flush note page changes, so an unwatched workspace pays nothing.
   */
  watchingActivity?(workspaceId: string): boolean;
  /** A shopper's current page changed: one per customer per flush, the last page (after commit). */
  onActivity?(activity: VisitorActivity): void;
}

/**
 * Group commit: requests that arrive while a flush is running wait for the next one, and each
 * flush stores everything pending in ONE transaction (one fsync) before any of those requests is
 * answered. Under load this turns hundreds of small commits into a few large ones; when idle a
 * request is flushed on the next tick, so it adds no latency. A 2xx is only sent after commit.
 */
export class IngestService {
  private queue: Pending[] = [];
  private flushing = false;
  private scheduled = false;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private readonly cache = new CustomerCache();

  constructor(
    private readonly store: Store,
    private readonly deps: {
      ids: IdGenerator; geo: GeoLookup | null; clock: Clock; observer?: IngestObserver; maxEventsPerFlush?: number;
      /** The workspace's compiled playbooks and etiquette (cached by the caller), or null. */
      careFor?: (workspaceId: string) => Promise<WorkspaceCare | null>;
    },
  ) {}

  submit(workspaceId: string, events: NormalizedEvent[]): Promise<IngestResult> {
    if (this.closed) return Promise.reject(new Error('ingestion is shutting down'));
    return new Promise<IngestResult>((resolve, reject) => {
      this.queue.push({ workspaceId, events, timers: [], resolve, reject });
      this.schedule();
    });
  }

  /**
   * Fires due timers through the same single-writer pipeline as events, so a timer and an event
   * for one customer never race, and timer fires share group commits.
   */
  fireTimers(workspaceId: string, timers: TimerRecord[]): Promise<IngestResult> {
    if (this.closed) return Promise.reject(new Error('ingestion is shutting down'));
    return new Promise<IngestResult>((resolve, reject) => {
      this.queue.push({ workspaceId, events: [], timers, resolve, reject });
      this.schedule();
    });
  }

  /** Waits for everything submitted so far to be stored; refuses new work. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing || this.queue.length > 0 || this.scheduled) await this.idle;
  }

  private schedule(): void {
    if (this.flushing || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.idle = this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    const max = this.deps.maxEventsPerFlush ?? 5_000;
    const batch: Pending[] = [];
    let count = 0;
    while (this.queue.length > 0 && (batch.length === 0 || count + this.queue[0]!.events.length + this.queue[0]!.timers.length <= max)) {
      const p = this.queue.shift()!;
      batch.push(p);
      count += p.events.length + p.timers.length;
    }
    const started = performance.now();
    const touches: OnsiteTouch[] = [];
    const activity: VisitorActivity[] = [];
    const written: { workspaceId: string; seq: number; customers: CustomerRecord[] }[] = [];
    let timersFired = 0;
    let decisions = 0;
    try {
      const cares = new Map<string, WorkspaceCare | null>();
      for (const p of batch) if (!cares.has(p.workspaceId)) cares.set(p.workspaceId, this.deps.careFor ? await this.deps.careFor(p.workspaceId) : null);
      const results = await this.store.transaction(async (tx) => {
        const now = this.deps.clock.now();
        const byWorkspace = new Map<string, { pendings: Pending[]; events: NormalizedEvent[]; timers: TimerRecord[] }>();
        for (const p of batch) {
          let g = byWorkspace.get(p.workspaceId);
          if (!g) byWorkspace.set(p.workspaceId, (g = { pendings: [], events: [], timers: [] }));
          g.pendings.push(p);
          g.events.push(...p.events);
          g.timers.push(...p.timers);
        }
        const out = new Map<Pending, IngestResult>();
        for (const [workspaceId, g] of byWorkspace) {
          const r = await flushWorkspace(tx, { workspaceId, events: g.events, timers: g.timers }, { ids: this.deps.ids, geo: this.deps.geo, now, care: cares.get(workspaceId) ?? null, cache: this.cache,
            watchPages: this.deps.observer?.watchingActivity?.(workspaceId) ?? false,
          });
          written.push({ workspaceId, seq: r.seq, customers: r.customers });
          touches.push(...r.onsite);
          if (r.activity.length > 0) activity.push(...r.activity);
          timersFired += r.timersFired;
          decisions += r.decisions;
          let offset = 0;
          for (const p of g.pendings) {
            const res: IngestResult = { accepted: 0, duplicates: 0, suppressed: 0, duplicateIds: [] };
            for (let i = 0; i < p.events.length; i++) {
              const j = offset + i;
              if (r.stored[j]) res.accepted++;
              else if (r.duplicate[j]) {
                res.duplicates++;
                res.duplicateIds.push(p.events[i]!.messageId);
              } else if (r.suppressed[j]) res.suppressed++;
            }
            offset += p.events.length;
            out.set(p, res);
          }
        }
        return out;
      });
      for (const w of written) this.cache.committed(w.workspaceId, w.seq, w.customers);
      for (const p of batch) p.resolve(results.get(p)!);
      this.deps.observer?.onFlush?.({ requests: batch.length, events: count, ms: performance.now() - started, timersFired, decisions });
      for (const t of touches) this.deps.observer?.onTouch?.(t);
      for (const a of activity) this.deps.observer?.onActivity?.(a);
    } catch (err) {
      // The flush changed cached objects in place and never committed: forget them.
      for (const p of batch) this.cache.dropWorkspace(p.workspaceId);
      for (const p of batch) p.reject(err);
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) this.schedule();
    }
  }
}
