import type { ImportCounts } from './import-events.js';

export interface ProgressSource {
  /**
   * How far into the input we are, in bytes of `totalBytes`: compressed bytes read for a .gz
   * file, else null to use the bytes of the lines processed so far (the precise measure).
   */
  bytesRead: (() => number) | null;
  /** Size of the input, or null when unknown (stdin). */
  totalBytes: number | null;
}

const group = (n: number): string => Math.round(n).toLocaleString('en-US');

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/**
 * Import progress on stderr: a bar redrawn in place on a terminal (10 times a second), or a
 * plain line every `plainEveryMs` when stderr is a file or pipe (logs, CI), so it stays readable.
 */
export class Progress {
  private counts: Readonly<ImportCounts> = { lines: 0, blankLines: 0, bytes: 0, accepted: 0, duplicates: 0, suppressed: 0, invalid: 0 };
  private readonly started = performance.now();
  private readonly timer: NodeJS.Timeout;
  private drawn = false;

  constructor(
    private readonly source: ProgressSource,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly tty: boolean = out.isTTY === true,
    plainEveryMs = 10_000,
  ) {
    this.timer = setInterval(() => this.render(), tty ? 100 : plainEveryMs);
    this.timer.unref();
  }

  update(counts: Readonly<ImportCounts>): void {
    this.counts = counts;
  }

  /** Stops redrawing and clears the bar, so what follows starts on a clean line. */
  stop(): void {
    clearInterval(this.timer);
    if (this.tty && this.drawn) this.out.write('\r\x1b[K');
  }

  private render(): void {
    const c = this.counts;
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? (c.accepted + c.duplicates + c.suppressed) / seconds : 0;
    const read = this.source.bytesRead ? this.source.bytesRead() : c.bytes;
    const total = this.source.totalBytes;
    const fraction = total ? Math.min(1, read / total) : null;
    const percent = fraction === null ? '' : `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)}%`;
    const bytes = total ? `${formatBytes(read)} / ${formatBytes(total)}` : formatBytes(read);
    const tallies = `accepted ${group(c.accepted)}  duplicates ${group(c.duplicates)}${c.suppressed ? `  suppressed ${group(c.suppressed)}` : ''}  invalid ${group(c.invalid)}`;
    if (!this.tty) {
      this.out.write(`import: ${percent ? `${percent} (${bytes})` : bytes}, ${group(c.lines)} lines, ${tallies.replace(/ {2}/g, ', ')}, ${group(rate)} events/s\n`);
      return;
    }
    const text = `${percent.padStart(5)}  ${bytes}  ${group(rate)} ev/s  ${tallies}`;
    const columns = this.out.columns || 80;
    let line = text;
    const width = 20;
    if (fraction !== null && columns - text.length >= width + 4) {
      const filled = Math.round(fraction * width);
      line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`;
    }
    this.out.write(`\r${line.slice(0, columns - 1)}\x1b[K`);
    this.drawn = true;
  }
}
