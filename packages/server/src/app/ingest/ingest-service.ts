import type { IngestResponse } from '@omotenashi/protocol';
import type { NormalizedEvent } from '../../domain/events/normalized-event.js';
import type { IdGenerator } from '../../platform/ids.js';
import type { Clock } from '../../ports/clock.js';
import type { GeoLookup } from '../../ports/geo.js';
import type { Store } from '../../ports/store.js';
import { flushWorkspace } from './flush.js';

export type IngestResult = Omit<IngestResponse, 'success'> & { duplicateIds: string[] };

interface Pending {
  workspaceId: string;
  events: NormalizedEvent[];
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
}

export interface IngestObserver {
  onFlush?(info: { requests: number; events: number; ms: number }): void;
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

  constructor(
    private readonly store: Store,
    private readonly deps: { ids: IdGenerator; geo: GeoLookup | null; clock: Clock; observer?: IngestObserver; maxEventsPerFlush?: number },
  ) {}

  submit(workspaceId: string, events: NormalizedEvent[]): Promise<IngestResult> {
    if (this.closed) return Promise.reject(new Error('ingestion is shutting down'));
    return new Promise<IngestResult>((resolve, reject) => {
      this.queue.push({ workspaceId, events, resolve, reject });
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
    while (this.queue.length > 0 && (batch.length === 0 || count + this.queue[0]!.events.length <= max)) {
      const p = this.queue.shift()!;
      batch.push(p);
      count += p.events.length;
    }
    const started = performance.now();
    try {
      const results = await this.store.transaction(async (tx) => {
        const now = this.deps.clock.now();
        const byWorkspace = new Map<string, { pendings: Pending[]; events: NormalizedEvent[] }>();
        for (const p of batch) {
          let g = byWorkspace.get(p.workspaceId);
          if (!g) byWorkspace.set(p.workspaceId, (g = { pendings: [], events: [] }));
          g.pendings.push(p);
          g.events.push(...p.events);
        }
        const out = new Map<Pending, IngestResult>();
        for (const [workspaceId, g] of byWorkspace) {
          const r = await flushWorkspace(tx, { workspaceId, events: g.events }, { ids: this.deps.ids, geo: this.deps.geo, now });
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
      for (const p of batch) p.resolve(results.get(p)!);
      this.deps.observer?.onFlush?.({ requests: batch.length, events: count, ms: performance.now() - started });
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) this.schedule();
    }
  }
}
