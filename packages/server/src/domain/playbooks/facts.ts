import type { NormalizedEvent } from '../events/normalized-event.js';
import { DAY_MS } from '../profile/calendar-date.js';
import { describeProfile, type LocalTime, type MomentInsight } from '../profile/describe-profile.js';
import type { Profile } from '../profile/profile.js';
import { parseDotPath, readDotPath } from './dot-path.js';
import { eventHasPage, eventPagePath, eventPageTitle, eventPageUrl } from './event-page.js';
import { closest } from './suggest.js';

/*
 * The CLOSED set of facts a playbook condition may test. Closed on purpose: every fact is
 * documented (docs/playbooks.md copies the one-line comments below), cheap to compute, and
 * stable, so a playbook written today means the same thing after an upgrade. A fact is null
 * when it is unknown (no time zone, no order yet, …); only `exists`/`notExists`/`eq null` and
 * `ne` are true for null.
 */

export type LocalTimeLike = LocalTime;

/** What facts are read from: one evaluation of one customer at one instant. */
export interface FactContext {
  /** The event being ingested; null when a timer fires (dwell, absence, date, ladder). */
  event: NormalizedEvent | null;
  profile: Profile;
  /** Epoch ms. */
  now: number;
  /** Lazily computed, cached per evaluation (time zone arithmetic is the one costly fact). */
  cache: { local?: LocalTimeLike | null; moments?: readonly MomentInsight[] };
}

/** A fresh context; prefer resetFactContext on a reused one in loops. */
export function newFactContext(event: NormalizedEvent | null, profile: Profile, now: number): FactContext {
  return { event, profile, now, cache: {} };
}

/** Points a context at a new evaluation without allocating (drops the cached local time). */
export function resetFactContext(ctx: FactContext, event: NormalizedEvent | null, profile: Profile, now: number): FactContext {
  ctx.event = event;
  ctx.profile = profile;
  ctx.now = now;
  ctx.cache.local = undefined;
  ctx.cache.moments = undefined;
  return ctx;
}

export type FactKind = 'number' | 'string' | 'boolean' | 'array' | 'any';
export type Fact = (ctx: FactContext) => unknown;

interface FactDef {
  kind: FactKind;
  get: Fact;
}

const seconds = (ms: number): number => Math.max(0, Math.floor(ms / 1000));
const days = (ms: number): number => Math.max(0, Math.floor(ms / DAY_MS));

function localTime(ctx: FactContext): LocalTimeLike | null {
  if (ctx.cache.local === undefined) {
    const insights = describeProfile(ctx.profile, ctx.now);
    ctx.cache.local = insights.localTime;
    ctx.cache.moments = insights.moments;
  }
  return ctx.cache.local;
}

function moments(ctx: FactContext): readonly MomentInsight[] {
  localTime(ctx);
  return ctx.cache.moments ?? [];
}

function pageField(ctx: FactContext, fromEvent: (e: NormalizedEvent) => string | null, key: 'path' | 'url' | 'title'): string | null {
  const event = ctx.event;
  if (event !== null && eventHasPage(event)) return fromEvent(event);
  return ctx.profile.session.currentPage?.[key] ?? null;
}

const ENDED_STATUSES = new Set(['delivered', 'cancelled', 'refunded']);

/** Fixed-name facts, in the order docs list them. */
const FACTS: Readonly<Record<string, FactDef>> = {
  /** The event's type: track, page, screen, identify, group or alias (null when a timer fires). */
  'event.type': { kind: 'string', get: (c) => c.event?.type ?? null },
  /** The track event's name ("Order Completed") or the page/screen name. */
  'event.name': {
    kind: 'string',
    get: (c) => (c.event === null ? null : c.event.type === 'track' ? c.event.event : c.event.name),
  },
  /** The current page's path: the event's page when it has one (page call or context.page), else the session's current page. */
  'page.path': { kind: 'string', get: (c) => pageField(c, eventPagePath, 'path') },
  /** The current page's full URL (same source as page.path). */
  'page.url': { kind: 'string', get: (c) => pageField(c, eventPageUrl, 'url') },
  /** The current page's title (same source as page.path). */
  'page.title': { kind: 'string', get: (c) => pageField(c, eventPageTitle, 'title') },
  /** Whole seconds since the customer opened the session's current page. */
  'page.secondsOnPage': {
    kind: 'number',
    get: (c) => {
      const page = c.profile.session.currentPage;
      return page === null ? null : seconds(c.now - page.at);
    },
  },
  /** Pages viewed in the current session (at most 50 are remembered). */
  'session.pageCount': { kind: 'number', get: (c) => c.profile.session.pages.length },
  /** Whole seconds since the current session started. */
  'session.secondsOnSite': {
    kind: 'number',
    get: (c) => (c.profile.session.startedAt === null ? null : seconds(c.now - c.profile.session.startedAt)),
  },
  /** How many sessions the customer has had (this one included). */
  'session.count': { kind: 'number', get: (c) => c.profile.session.count },
  /** The cart's total value, in cart.currency. */
  'cart.value': { kind: 'number', get: (c) => c.profile.cart.value },
  /** Items in the cart, counting quantities (2 × the same shirt is 2). */
  'cart.itemCount': {
    kind: 'number',
    get: (c) => {
      let n = 0;
      for (const item of c.profile.cart.items) n += item.quantity;
      return n;
    },
  },
  /** The cart's currency code, e.g. "EUR". */
  'cart.currency': { kind: 'string', get: (c) => c.profile.cart.currency },
  /** Whole seconds since Checkout Started; null when no checkout is open (an order closes it). */
  'cart.secondsSinceCheckoutStarted': {
    kind: 'number',
    get: (c) => (c.profile.cart.checkoutStartedAt === null ? null : seconds(c.now - c.profile.cart.checkoutStartedAt)),
  },
  /** Orders the customer has placed, ever. */
  'orders.count': { kind: 'number', get: (c) => c.profile.orders.count },
  /** Total spent, less refunds, in the currency of the first order. */
  'orders.lifetimeValue': { kind: 'number', get: (c) => c.profile.orders.lifetimeValue },
  /** Whole days since the last order; null before the first. */
  'orders.daysSinceLastOrder': {
    kind: 'number',
    get: (c) => (c.profile.orders.lastOrderAt === null ? null : days(c.now - c.profile.orders.lastOrderAt)),
  },
  /** Mean days between the recent orders (last 20), to one decimal; null with fewer than 2. */
  'orders.averageIntervalDays': {
    kind: 'number',
    get: (c) => {
      const recent = c.profile.orders.recent;
      if (recent.length < 2) return null;
      let first = Number.POSITIVE_INFINITY;
      let last = Number.NEGATIVE_INFINITY;
      for (const order of recent) {
        first = Math.min(first, order.placedAt);
        last = Math.max(last, order.placedAt);
      }
      return Math.round(((last - first) / (recent.length - 1) / DAY_MS) * 10) / 10;
    },
  },
  /** Recent orders past their promised delivery date and not delivered, cancelled or refunded. */
  'orders.lateCount': {
    kind: 'number',
    get: (c) => {
      let n = 0;
      for (const order of c.profile.orders.recent) {
        if (order.promisedBy !== null && order.promisedBy < c.now && !ENDED_STATUSES.has(order.status)) n++;
      }
      return n;
    },
  },
  /** browsing, considering, buying, awaiting_delivery or after_care. */
  'journey.stage': { kind: 'string', get: (c) => c.profile.journey.stage },
  /** Whole days in the current journey stage. */
  'journey.daysInStage': { kind: 'number', get: (c) => days(c.now - c.profile.journey.since) },
  /** Distinct products viewed recently (at most 20 are remembered). */
  'recent.productCount': { kind: 'number', get: (c) => c.profile.recentProducts.length },
  /** Distinct pages viewed recently (at most 20 are remembered). */
  'recent.pageCount': { kind: 'number', get: (c) => c.profile.recentPages.length },
  /** Ids of the recently viewed products, newest first (test with contains). */
  'recent.productIds': { kind: 'array', get: (c) => c.profile.recentProducts.map((p) => p.productId) },
  /** The hour (0–23) on the customer's clock; null when their time zone is unknown. */
  'local.hour': { kind: 'number', get: (c) => localTime(c)?.hour ?? null },
  /** The weekday on the customer's clock: monday … sunday; null when the time zone is unknown. */
  'local.weekday': { kind: 'string', get: (c) => localTime(c)?.weekday ?? null },
  /** The date on the customer's clock, "YYYY-MM-DD"; null when the time zone is unknown. */
  'local.date': { kind: 'string', get: (c) => localTime(c)?.iso.slice(0, 10) ?? null },
  /** The customer's language tag, e.g. "ja-JP". */
  language: { kind: 'string', get: (c) => c.profile.language },
  /** The customer's country code, e.g. "JP". */
  'location.country': { kind: 'string', get: (c) => c.profile.location.country },
  /** desktop, mobile, tablet or bot. */
  'device.type': { kind: 'string', get: (c) => c.profile.device.type },
  /** Whole days since we first saw the customer. */
  'customer.firstSeenDaysAgo': { kind: 'number', get: (c) => days(c.now - c.profile.firstSeen) },
  /** Events we have received from the customer. */
  'customer.eventCount': { kind: 'number', get: (c) => c.profile.eventCount },
};

/** Facts with a name part, e.g. `traits.plan`; `make` gets the part after the prefix. */
interface FactFamily {
  prefix: string;
  /** What the name part is, for docs and suggestions: traits.<path>. */
  placeholder: string;
  suffix: string;
  kind: FactKind;
  make: (part: string) => Fact | null;
}

const ownBoolean = (record: Record<string, boolean>, key: string): boolean | null =>
  Object.hasOwn(record, key) ? record[key]! : null;

const FAMILIES: readonly FactFamily[] = [
  {
    /** event.properties.<path>: a property of the event, by dot path (e.g. event.properties.reason). */
    prefix: 'event.properties.',
    placeholder: 'path',
    suffix: '',
    kind: 'any',
    make: (path) => {
      const segments = parseDotPath(path);
      return segments === null ? null : (c) => (c.event === null ? null : readDotPath(c.event.properties, segments));
    },
  },
  {
    /** traits.<path>: a trait, by dot path (e.g. traits.plan, traits.address.city). */
    prefix: 'traits.',
    placeholder: 'path',
    suffix: '',
    kind: 'any',
    make: (path) => {
      const segments = parseDotPath(path);
      return segments === null ? null : (c) => readDotPath(c.profile.traits, segments);
    },
  },
  {
    /** consent.<category>: the customer's consent for a category (true/false), null if never given. */
    prefix: 'consent.',
    placeholder: 'category',
    suffix: '',
    kind: 'boolean',
    make: (category) => (category.includes('.') ? null : (c) => ownBoolean(c.profile.consent.categories, category)),
  },
  {
    /** channels.<channel>: whether the customer allows a channel (email, sms…), null if unknown. */
    prefix: 'channels.',
    placeholder: 'channel',
    suffix: '',
    kind: 'boolean',
    make: (channel) => (channel.includes('.') ? null : (c) => ownBoolean(c.profile.channels, channel)),
  },
  {
    /** moments.<kind>.daysUntil: whole days until the next birthday, anniversary or <trait>_date (0 = today), in the customer's time zone. */
    prefix: 'moments.',
    placeholder: 'kind',
    suffix: '.daysUntil',
    kind: 'number',
    make: (kind) =>
      kind.includes('.')
        ? null
        : (c) => {
            // Sorted soonest first, so the first of this kind is the next one.
            for (const m of moments(c)) if (m.kind === kind && m.daysUntil !== null) return m.daysUntil;
            return null;
          },
  },
];

/** Every fact name as docs show it; parametric ones with a placeholder (traits.<path>). */
export const FACT_NAMES: readonly string[] = [
  ...Object.keys(FACTS),
  ...FAMILIES.map((f) => `${f.prefix}<${f.placeholder}>${f.suffix}`),
];

function family(name: string): { family: FactFamily; part: string } | null {
  for (const f of FAMILIES) {
    if (name.length > f.prefix.length + f.suffix.length && name.startsWith(f.prefix) && name.endsWith(f.suffix)) {
      return { family: f, part: name.slice(f.prefix.length, name.length - f.suffix.length) };
    }
  }
  return null;
}

/** The fact's getter, compiled once; null for a name not in the closed set. */
export function compileFact(name: string): Fact | null {
  if (Object.hasOwn(FACTS, name)) return FACTS[name]!.get;
  const found = family(name);
  return found === null ? null : found.family.make(found.part);
}

/** What kind of value a known fact holds ('any' for client-sent values); null for unknown names. */
export function factKind(name: string): FactKind | null {
  if (Object.hasOwn(FACTS, name)) return FACTS[name]!.kind;
  const found = family(name);
  return found === null || found.family.make(found.part) === null ? null : found.family.kind;
}

/** The known fact closest to a misspelt name ("cart.valu" → "cart.value"), or null. */
export function suggestFact(name: string): string | null {
  const candidates = Object.keys(FACTS);
  const segments = name.split('.');
  for (const f of FAMILIES) {
    // Keep the author's own part and fix the family's words: "trait.plan" → "traits.plan".
    const fixed = f.prefix.split('.').length - 1;
    const part = segments.slice(fixed, f.suffix === '' ? undefined : -1).join('.');
    const candidate = f.prefix + part + f.suffix;
    if (part !== '' && compileFact(candidate) !== null) candidates.push(candidate);
  }
  return closest(name, candidates);
}
