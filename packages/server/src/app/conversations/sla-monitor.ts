import { PollingLoop } from '../../platform/polling-loop.js';
import type { Clock } from '../../ports/clock.js';
import type { Store } from '../../ports/store.js';
import type { Conversations } from './conversations.js';

/**
 * Watches service-level timers: each conversation stores when it next needs a look (a warning,
 * a breach, a snooze ending), and this loop visits those whose time has come. The index on
 * that column makes a quiet tick one short query, however many conversations there are.
 */
export class SlaMonitor {
  private readonly loop: PollingLoop;

  constructor(
    private readonly store: Store,
    private readonly conversations: Conversations,
    private readonly clock: Clock,
    private readonly opts: { pollMs?: number; onError?: (err: unknown) => void } = {},
  ) {
    this.loop = new PollingLoop(() => this.tick(), { pollMs: opts.pollMs ?? 1_000, onError: opts.onError });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Visits every conversation due now; returns how many. Tests call it with a moved clock. */
  async tick(): Promise<number> {
    let visited = 0;
    for (let round = 0; round < 50; round++) {
      const due = await this.store.slaDue(this.clock.now() + 1, 200);
      let failed = 0;
      for (const c of due) {
        try {
          await this.conversations.checkDue(c.workspaceId, c.id);
        } catch (err) {
          // One bad row must not stall every other conversation's timers.
          failed++;
          this.opts.onError?.(err);
        }
      }
      visited += due.length;
      // Failed rows stay due: another round now would only fail them again; the next tick retries.
      if (due.length < 200 || failed > 0) break;
    }
    return visited;
  }
}
