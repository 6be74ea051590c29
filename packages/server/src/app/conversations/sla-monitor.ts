import type { Clock } from '../../ports/clock.js';
import type { Store } from '../../ports/store.js';
import type { Conversations } from './conversations.js';

/**
 * Watches service-level timers: each conversation stores when it next needs a look (a warning,
 * a breach, a snooze ending), and this loop visits those whose time has come. The index on
 * that column makes a quiet tick one short query, however many conversations there are.
 */
export class SlaMonitor {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;

  constructor(
    private readonly store: Store,
    private readonly conversations: Conversations,
    private readonly clock: Clock,
    private readonly opts: { pollMs?: number; onError?: (err: unknown) => void } = {},
  ) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      this.running = this.tick().catch((err: unknown) => this.opts.onError?.(err)).finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.opts.pollMs ?? 1_000);
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Visits every conversation due now; returns how many. Tests call it with a moved clock. */
  async tick(): Promise<number> {
    let visited = 0;
    for (let round = 0; round < 50; round++) {
      const due = await this.store.slaDue(this.clock.now() + 1, 200);
      for (const c of due) {
        try {
          await this.conversations.checkDue(c.workspaceId, c.id);
        } catch (err) {
          // One bad row must not stall every other conversation's timers.
          this.opts.onError?.(err);
        }
      }
      visited += due.length;
      if (due.length < 200) break;
    }
    return visited;
  }
}
