/**
 * A background loop that runs `tick` every `pollMs`, never overlapping itself. A failing tick
 * is reported (the loop carries on); `stop()` waits for the tick in flight, and no tick
 * starts after it returns.
 */
export class PollingLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;

  constructor(private readonly tick: () => Promise<unknown>, private readonly opts: { pollMs: number; onError?: ((err: unknown) => void) | undefined }) {}

  start(): void {
    this.stopped = false;
    const run = () => {
      this.running = this.tick().catch((err: unknown) => this.opts.onError?.(err)).finally(() => {
        if (!this.stopped) this.timer = setTimeout(run, this.opts.pollMs);
      });
    };
    run();
  }

  async stop(): Promise<void> {
    // Without the flag, a tick in flight would schedule the next one after stop() returned.
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
