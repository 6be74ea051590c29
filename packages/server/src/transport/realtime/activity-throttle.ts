/**
 * At most one send per key per window, trailing: the first item goes at once; items arriving
 * within the window replace each other and the last one goes when the window ends. Operators
 * therefore never miss where a shopper ended up, and a shopper clicking through ten pages a
 * second costs each operator socket one frame a second. Every operator of a workspace gets the
 * same stream, so one throttle per (workspace, customer) bounds each connection.
 * Entries live only while their window is open (memory follows the active shoppers).
 */
export class ActivityThrottle<T> {
  private readonly open = new Map<string, { pending: T | null; timer: NodeJS.Timeout }>();

  constructor(private readonly windowMs: number, private readonly send: (item: T) => void) {}

  push(key: string, item: T): void {
    const entry = this.open.get(key);
    if (entry) {
      entry.pending = item;
      return;
    }
    this.send(item);
    this.arm(key);
  }

  /** Opens a window; when it ends, whatever arrived meanwhile goes out and opens the next one. */
  private arm(key: string): void {
    const timer = setTimeout(() => {
      const e = this.open.get(key);
      this.open.delete(key);
      if (e?.pending == null) return;
      this.send(e.pending);
      this.arm(key);
    }, this.windowMs);
    timer.unref();
    this.open.set(key, { pending: null, timer });
  }

  close(): void {
    for (const e of this.open.values()) clearTimeout(e.timer);
    this.open.clear();
  }
}
