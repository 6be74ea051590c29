/*
 * The tracker's pure decisions, kept away from the DOM so they can be tested on their own:
 * scroll depth thresholds, rage clicks, idle and SPA route changes.
 */

export const SCROLL_THRESHOLDS = [25, 50, 75, 100] as const;

/** Scroll depth of one page: each threshold is reported once, the maximum kept for Page Left. */
export class ScrollDepth {
  max = 0;
  private next = 0;

  /** The thresholds newly crossed by this position (percent of the page seen, 0–100). */
  update(percent: number): number[] {
    const p = Math.max(0, Math.min(100, Math.round(percent)));
    if (p > this.max) this.max = p;
    const crossed: number[] = [];
    while (this.next < SCROLL_THRESHOLDS.length && p >= SCROLL_THRESHOLDS[this.next]!) crossed.push(SCROLL_THRESHOLDS[this.next++]!);
    return crossed;
  }

  reset(): void {
    this.max = 0;
    this.next = 0;
  }
}

/** Percent of the page seen at this scroll position (a page that fits the window is 100). */
export function scrollPercent(scrollY: number, viewport: number, pageHeight: number): number {
  if (pageHeight <= viewport) return 100;
  return ((scrollY + viewport) / pageHeight) * 100;
}

/**
 * Rage clicks: `count` (3) clicks on one element within `windowMs` (1 s). Reported once per
 * burst, when the count is reached; a click elsewhere or a pause starts over.
 */
export class RageClicks {
  private key: unknown = null;
  private times: number[] = [];
  private reported = false;

  constructor(private readonly count = 3, private readonly windowMs = 1_000) {}

  /** Returns the burst's click count when it becomes a rage click, else null. */
  click(key: unknown, at: number): number | null {
    const last = this.times[this.times.length - 1];
    if (key !== this.key || last === undefined || at - last > this.windowMs) {
      this.key = key;
      this.times = [];
      this.reported = false;
    }
    this.times.push(at);
    this.times = this.times.filter((t) => at - t <= this.windowMs);
    if (!this.reported && this.times.length >= this.count) {
      this.reported = true;
      return this.times.length;
    }
    return null;
  }
}

/** What identifies a route for page tracking: path and query (a hash change is not a page). */
export function routeKey(href: string): string {
  try {
    const u = new URL(href);
    return u.origin + u.pathname + u.search;
  } catch {
    return href;
  }
}

/** Whether moving from one URL to another is a new page view. */
export function isNewRoute(prev: string | null, next: string): boolean {
  return prev === null || routeKey(prev) !== routeKey(next);
}

/**
 * Fires `onIdle` once after `ms` without activity; activity re-arms it. `activity()` runs on every
 * mousemove and scroll event, so it only notes the time: the one timer, when it fires early,
 * waits out the rest instead of being cleared and set again per event.
 */
export class IdleWatch {
  private t: unknown = undefined;
  private last = 0;
  idle = false;

  constructor(
    private readonly ms: number,
    private readonly onIdle: () => void,
    private readonly timers: { setTimeout(cb: () => void, ms: number): unknown; clearTimeout(id: unknown): void },
    private readonly now: () => number = () => Date.now(),
  ) {}

  activity(): void {
    this.last = this.now();
    this.idle = false;
    if (this.t === undefined) this.arm(this.ms);
  }

  stop(): void {
    this.timers.clearTimeout(this.t);
    this.t = undefined;
  }

  private arm(ms: number): void {
    this.t = this.timers.setTimeout(() => {
      this.t = undefined;
      const left = this.last + this.ms - this.now();
      if (left > 0) return this.arm(left);
      this.idle = true;
      this.onIdle();
    }, ms);
  }
}

/** A short CSS-like description of an element (for Rage Click and Form Error), never its text. */
export function describeElement(el: { tagName: string; id?: string; getAttribute(n: string): string | null; classList?: { length: number; item(i: number): string | null } }): string {
  const tag = el.tagName.toLowerCase();
  if (el.id) return `${tag}#${el.id}`;
  const testid = el.getAttribute('data-testid');
  if (testid) return `${tag}[data-testid="${testid}"]`;
  const name = el.getAttribute('name');
  if (name) return `${tag}[name="${name}"]`;
  const cls = el.classList && el.classList.length ? `.${el.classList.item(0)}` : '';
  return (tag + cls).slice(0, 200);
}
