import { BatchQueue } from './batch-queue.js';
import type { WidgetConfig } from './config.js';
import type { ConsentGate } from './consent.js';
import { ConsentBuffer, batchBody, type TrackedCall } from './events.js';
import { IdleWatch, RageClicks, ScrollDepth, describeElement, isNewRoute, scrollPercent } from './signals.js';
import { postBatch } from './transport.js';
import { uuid } from './storage.js';

const IDLE_MS = 60_000;
const VERSION = '0.1.0';

/** The context that does not change while the page lives: worked out once, not per event. */
function fixedContext(): Record<string, unknown> {
  const ctx: Record<string, unknown> = { locale: navigator.language, userAgent: navigator.userAgent, library: { name: 'omotenashi-widget', version: VERSION } };
  try {
    ctx['timezone'] = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    // a browser without Intl time zones: the event goes without one
  }
  return ctx;
}

export interface Identity {
  anonymousId(): string;
  userId(): string | null;
}

/**
 * The tracker: page views (SPA route changes included), Page Left with time on page and scroll
 * depth, idle, leave intent, rage clicks and form errors, as Segment calls batched to
 * /v1/batch. Nothing leaves the page without analytics consent.
 */
export class Tracker {
  private readonly queue: BatchQueue<TrackedCall>;
  private readonly buffer: ConsentBuffer<TrackedCall>;
  private readonly scroll = new ScrollDepth();
  private readonly rage = new RageClicks();
  private readonly idle: IdleWatch;
  private url: string | null = null;
  private referrer = document.referrer;
  private pageStart = Date.now();
  private left = false;
  private leaveIntent = false;
  private lastFormError = '';
  /** The page being viewed, as it was when it was entered (Page Left must name it, not the next one). */
  private current: Record<string, string> | null = null;
  private readonly fixedContext = fixedContext();

  constructor(private readonly cfg: WidgetConfig, private readonly gate: ConsentGate, private readonly who: Identity, private readonly isOwn: (e: Event) => boolean) {
    this.queue = new BatchQueue<TrackedCall>({
      send: (items, beacon) => postBatch(`${cfg.base}/v1/batch`, batchBody(cfg.writeKey, items, new Date()), beacon),
      timers: { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (id) => clearTimeout(id as number) },
    });
    this.buffer = new ConsentBuffer(gate, (c) => this.queue.push(c));
    this.idle = new IdleWatch(IDLE_MS, () => this.track('Idle Started', {}), { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (id) => clearTimeout(id as number) });
  }

  // ---- calls -----------------------------------------------------------------------------------

  track(event: string, properties: Record<string, unknown> = {}): void {
    this.enqueue({ type: 'track', event, properties });
  }

  page(properties: Record<string, unknown> = {}): void {
    this.enqueue({ type: 'page', properties: { ...this.pageInfo(), ...properties } });
  }

  identify(userId: string | null, traits: Record<string, unknown> = {}): void {
    this.enqueue({ type: 'identify', traits, ...(userId ? { userId } : {}) });
  }

  consentChanged(): void {
    this.buffer.settle();
  }

  /** Forgets what is waiting (reset on logout: the next person must not inherit it). */
  async flushAndForget(): Promise<void> {
    this.buffer.clear();
    await this.queue.flush(true);
  }

  private enqueue(c: Pick<TrackedCall, 'type' | 'event' | 'properties' | 'traits' | 'userId'>, page?: Record<string, string>): void {
    const userId = c.userId ?? this.who.userId();
    const call: TrackedCall = {
      ...c,
      messageId: uuid(),
      anonymousId: this.who.anonymousId(),
      ...(userId ? { userId } : {}),
      originalTimestamp: new Date().toISOString(),
      context: this.context(page),
    };
    this.buffer.push(call);
  }

  private pageInfo(): Record<string, string> {
    return { path: location.pathname, url: location.href, title: document.title, referrer: this.referrer, search: location.search };
  }

  private context(page = this.pageInfo()): Record<string, unknown> {
    const ctx: Record<string, unknown> = { page, ...this.fixedContext, screen: { width: screen.width, height: screen.height } };
    const prefs = this.gate.preferences();
    if (Object.keys(prefs).length) ctx['consent'] = { categoryPreferences: prefs };
    return ctx;
  }

  // ---- automatic signals -----------------------------------------------------------------------

  start(): void {
    this.newPage();
    const wrap = (name: 'pushState' | 'replaceState') => {
      // Wrapped, never replaced: the shop's router calls through to the original unchanged.
      // eslint-disable-next-line @typescript-eslint/unbound-method -- applied to `history` below
      const orig = history[name];
      history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
        const r = orig.apply(this, args);
        onRoute();
        return r;
      } as History['pushState'];
    };
    const onRoute = () => {
      if (!isNewRoute(this.url, location.href)) return;
      this.pageLeft();
      this.referrer = this.url ?? this.referrer;
      this.newPage();
    };
    wrap('pushState');
    wrap('replaceState');
    addEventListener('popstate', onRoute);

    addEventListener('pagehide', () => {
      this.pageLeft();
      void this.queue.flush(true);
    });
    addEventListener('pageshow', (e) => {
      if (!e.persisted) return;
      this.referrer = document.referrer;
      this.newPage();
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') void this.queue.flush(true);
    });

    let pending = false;
    addEventListener('scroll', () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        const el = document.documentElement;
        for (const percent of this.scroll.update(scrollPercent(scrollY, innerHeight, el.scrollHeight))) this.track('Scroll Depth Reached', { percent });
      });
    }, { passive: true });

    const activity = () => this.idle.activity();
    for (const ev of ['mousemove', 'mousedown', 'keydown', 'scroll', 'touchstart', 'wheel']) addEventListener(ev, activity, { passive: true, capture: true });
    this.idle.activity();

    document.addEventListener('mouseout', (e) => {
      if (this.leaveIntent || e.relatedTarget !== null || e.clientY > 0) return;
      this.leaveIntent = true;
      this.track('Leave Intent', {});
    });

    document.addEventListener('click', (e) => {
      const el = e.target;
      if (!(el instanceof Element) || this.isOwn(e)) return;
      const count = this.rage.click(el, e.timeStamp || Date.now());
      if (count !== null) this.track('Rage Click', { selector: describeElement(el), count });
    }, true);

    const selectors = this.cfg.formErrorSelectors;
    if (selectors) this.watchForms(selectors);
  }

  private newPage(): void {
    this.url = location.href;
    this.pageStart = Date.now();
    this.scroll.reset();
    this.left = false;
    this.leaveIntent = false;
    this.current = this.pageInfo();
    this.page();
  }

  private pageLeft(): void {
    if (this.left || this.url === null) return;
    this.left = true;
    this.enqueue({ type: 'track', event: 'Page Left', properties: { timeOnPageMs: Date.now() - this.pageStart, maxScrollPercent: this.scroll.max } }, this.current!);
  }

  /** Form errors on opted-in forms: native `invalid` events and `aria-invalid="true"`. */
  private watchForms(selectors: string): void {
    try {
      document.querySelector(selectors);
    } catch {
      console.error(`[omotenashi] data-track-form-errors="${selectors}" is not a valid CSS selector list: form errors are not tracked`);
      return;
    }
    const report = (field: Element, message: string) => {
      const form = field.closest(selectors);
      if (!form) return;
      const props = { form: describeElement(form), field: field.getAttribute('name') || field.id || describeElement(field), message: message.slice(0, 200) };
      const key = JSON.stringify(props);
      if (key === this.lastFormError) return;
      this.lastFormError = key;
      setTimeout(() => {
        if (this.lastFormError === key) this.lastFormError = '';
      }, 2_000);
      this.track('Form Error', props);
    };
    document.addEventListener('invalid', (e) => {
      const el = e.target as HTMLInputElement;
      if (el instanceof Element) report(el, el.validationMessage ?? '');
    }, true);
    const text = (ids: string | null) => (ids ?? '').split(/\s+/).map((id) => (id ? document.getElementById(id)?.textContent?.trim() ?? '' : '')).filter(Boolean).join(' ');
    new MutationObserver((records) => {
      for (const r of records) {
        const el = r.target as Element;
        if (el.getAttribute('aria-invalid') === 'true') report(el, text(el.getAttribute('aria-errormessage')) || text(el.getAttribute('aria-describedby')));
      }
    }).observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ['aria-invalid'] });
  }
}
