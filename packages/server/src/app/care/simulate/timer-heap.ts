import type { TimerKind } from '../../../domain/playbooks/eval-types.js';

/** A durable timer as the simulation keeps it: in memory, for one customer. */
export interface VirtualTimer {
  key: string;
  kind: TimerKind;
  playbookKey: string;
  dueAt: number;
  payload: Record<string, unknown>;
  customerId: string;
}

interface Entry { timer: VirtualTimer; seq: number }

/**
 * The simulation's stand-in for the `timers` table: a min-heap by due time (ties in the order
 * they were set). Like the table, a key holds at most one timer: setting it again replaces the
 * old one, clearing it removes it. Replaced and cleared entries stay in the heap and are
 * skipped when they surface (lazy deletion), so every operation is O(log n).
 */
export class VirtualTimers {
  private readonly heap: Entry[] = [];
  private readonly live = new Map<string, Entry>();
  private seq = 0;

  get size(): number {
    return this.live.size;
  }

  set(timer: VirtualTimer): void {
    const entry = { timer, seq: this.seq++ };
    this.live.set(timer.key, entry);
    this.push(entry);
  }

  clear(key: string): void {
    this.live.delete(key);
  }

  /** Removes and returns the earliest live timer due at or before `until`, or null. */
  popDue(until: number): VirtualTimer | null {
    for (;;) {
      const top = this.heap[0];
      if (top === undefined) return null;
      if (this.live.get(top.timer.key) !== top) {
        this.pop(); // replaced or cleared since it was set
        continue;
      }
      if (top.timer.dueAt > until) return null;
      this.pop();
      this.live.delete(top.timer.key);
      return top.timer;
    }
  }

  private less(a: Entry, b: Entry): boolean {
    return a.timer.dueAt < b.timer.dueAt || (a.timer.dueAt === b.timer.dueAt && a.seq < b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
