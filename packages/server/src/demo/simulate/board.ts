/*
 * The live progress of `omotenashi demo simulate`: one line per shopper. On a terminal the block
 * is redrawn in place (every 100 ms at most); otherwise (a pipe, a log, --json) each change is a
 * plain line of its own, so nothing is lost and no escape codes end up in files.
 */

export type LineState = 'waiting' | 'running' | 'fired' | 'held_back' | 'failed';

interface Line { label: string; state: LineState; text: string }

const MARK: Record<LineState, string> = { waiting: '·', running: '…', fired: '✓', held_back: '○', failed: '✗' };

export class ShopperBoard {
  private readonly lines = new Map<string, Line>();
  private drawnRows = 0;
  private timer: NodeJS.Timeout | null = null;
  private dirty = false;
  private readonly started = Date.now();

  constructor(private readonly out: NodeJS.WritableStream & { columns?: number }, private readonly tty: boolean) {}

  add(name: string, label: string): void {
    this.lines.set(name, { label, state: 'waiting', text: 'waiting to start' });
    this.changed(name);
  }

  update(name: string, state: LineState, text: string): void {
    const line = this.lines.get(name);
    if (!line || (line.state === state && line.text === text)) return;
    line.state = state;
    line.text = text;
    this.changed(name);
  }

  /** The final frame on a terminal; nothing more is drawn after it. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.tty) this.draw();
  }

  private changed(name: string): void {
    if (!this.tty) {
      const l = this.lines.get(name)!;
      const t = ((Date.now() - this.started) / 1000).toFixed(1).padStart(5);
      this.out.write(`${t}s  ${MARK[l.state]} ${l.label}: ${l.text}\n`);
      return;
    }
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = null;
      if (this.dirty) this.draw();
    }, 100);
  }

  private draw(): void {
    this.dirty = false;
    const width = Math.max(40, (this.out.columns ?? 100) - 1);
    const labelWidth = Math.max(...[...this.lines.values()].map((l) => l.label.length));
    const rows = [...this.lines.values()].map((l) => `${MARK[l.state]} ${l.label.padEnd(labelWidth)}  ${l.text}`.slice(0, width));
    // Up to the first row of the block, then each row cleared and rewritten.
    let frame = this.drawnRows > 0 ? `\x1b[${this.drawnRows}F` : '';
    for (const r of rows) frame += `\x1b[2K${r}\n`;
    this.out.write(frame);
    this.drawnRows = rows.length;
  }
}
