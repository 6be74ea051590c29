import { roundCents } from './money.js';
import { extractMoments } from './moments.js';
import { PROFILE_LIMITS } from './limits.js';
import { journeyStage } from './journey.js';
import { mergeRecentPages } from './pages.js';
import { mergeRecentProducts } from './products.js';
import { PROFILE_BOUNDS, type OrderStatus, type OrderSummary, type PageVisit, type Profile } from './profile.js';
import { isSafeKey } from './coerce.js';

/*
 * "These two profiles turned out to be one person" (an anonymous visitor logs in, two user ids
 * get aliased). Returns a NEW profile that shares no mutable parts with either input, because
 * applyEvent will go on mutating it.
 */

type Session = Profile['session'];

function mergeSessions(a: Session, b: Session): Session {
  if (a.lastActivityAt === null) return { ...b, count: a.count + b.count, pages: [...b.pages] };
  if (b.lastActivityAt === null) return { ...a, count: a.count + b.count, pages: [...a.pages] };
  const [earlier, later] = a.lastActivityAt <= b.lastActivityAt ? [a, b] : [b, a];
  const laterStart = later.startedAt ?? later.lastActivityAt!;
  // The usual case: the visitor browsed anonymously, then logged in. Both profiles then hold a
  // piece of the same visit, which must count once.
  const sameVisit = laterStart - earlier.lastActivityAt! <= PROFILE_BOUNDS.sessionIdleMs;
  if (!sameVisit) return { ...later, count: a.count + b.count, pages: [...later.pages] };
  const pages = mergeByTime(earlier.pages, later.pages).slice(-PROFILE_BOUNDS.sessionPages);
  const currentPage = latestPage(earlier.currentPage, later.currentPage);
  return {
    count: Math.max(1, a.count + b.count - 1),
    startedAt: Math.min(earlier.startedAt ?? laterStart, laterStart),
    lastActivityAt: later.lastActivityAt,
    pages,
    currentPage,
  };
}

function mergeByTime(a: readonly PageVisit[], b: readonly PageVisit[]): PageVisit[] {
  return [...a, ...b].sort((x, y) => x.at - y.at);
}

function latestPage(a: PageVisit | null, b: PageVisit | null): PageVisit | null {
  if (a === null) return b;
  if (b === null) return a;
  return b.at >= a.at ? b : a;
}

// Cancelled/refunded are final; otherwise further along wins.
const STATUS_RANK: Record<OrderStatus, number> = { completed: 0, shipped: 1, delivered: 2, refunded: 3, cancelled: 3 };

function countsInLifetimeValue(order: OrderSummary): boolean {
  return order.status !== 'refunded' && order.status !== 'cancelled';
}

function mergeOrders(winner: Profile['orders'], loser: Profile['orders']): Profile['orders'] {
  const byId = new Map<string, OrderSummary>();
  for (const order of winner.recent) byId.set(order.orderId, { ...order });
  let duplicates = 0;
  let duplicateValue = 0;
  for (const order of loser.recent) {
    const mine = byId.get(order.orderId);
    if (mine === undefined) {
      byId.set(order.orderId, { ...order });
      continue;
    }
    // The same order was recorded under both identities: count it once.
    duplicates++;
    if (countsInLifetimeValue(order)) duplicateValue += order.total;
    if (STATUS_RANK[order.status] > STATUS_RANK[mine.status]) mine.status = order.status;
    mine.promisedBy ??= order.promisedBy;
    mine.shippedAt ??= order.shippedAt;
    mine.deliveredAt ??= order.deliveredAt;
  }
  const recent = [...byId.values()].sort((a, b) => b.placedAt - a.placedAt).slice(0, PROFILE_BOUNDS.recentOrders);
  return {
    count: Math.max(0, winner.count + loser.count - duplicates),
    lifetimeValue: Math.max(0, roundCents(winner.lifetimeValue + loser.lifetimeValue - duplicateValue)),
    currency: winner.currency ?? loser.currency,
    firstOrderAt: minOf(winner.firstOrderAt, loser.firstOrderAt),
    lastOrderAt: maxOf(winner.lastOrderAt, loser.lastOrderAt),
    recent,
  };
}

function minOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.min(a, b);
}

function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.max(a, b);
}

function copyCart(cart: Profile['cart']): Profile['cart'] {
  return { ...cart, items: cart.items.map((item) => ({ ...item })) };
}

function mergeLocation(latest: Profile['location'], other: Profile['location']): Profile['location'] {
  const place = latest.country !== null || other.country === null ? latest : other;
  // The client's own time zone beats the IP database's guess, whichever profile holds it.
  const zone =
    [latest, other].find((l) => l.timezone !== null && l.timezoneSource === 'context') ??
    (latest.timezone !== null ? latest : other);
  return {
    country: place.country,
    region: place.region,
    city: place.city,
    timezone: zone.timezone,
    timezoneSource: zone.timezoneSource,
  };
}

function mergeTraitObjects(winner: Profile['traits'], loser: Profile['traits']): Profile['traits'] {
  const traits: Profile['traits'] = { ...winner };
  let keys = Object.keys(traits).length;
  for (const [key, value] of Object.entries(loser)) {
    if (keys >= PROFILE_LIMITS.traitKeys) break;
    if (Object.hasOwn(traits, key) || !isSafeKey(key)) continue;
    traits[key] = value;
    keys++;
  }
  return traits;
}

/**
 * One profile for two that are the same person:
 * - traits: the winner's win, the loser fills in the rest (a null in the winner stays null);
 * - firstSeen min, lastSeen max, event/session/order counts summed (an overlapping visit and an
 *   order recorded under both ids count once);
 * - recent pages/products interleaved by time, de-duplicated and bounded;
 * - cart: whichever was updated more recently; orders combined, de-duplicated by orderId;
 * - device, language, IP, location: from whichever profile was seen last, gaps filled from the
 *   other (a client-reported time zone beats an IP one); consent: the newer answers win;
 * - moments: re-read from the merged traits (so the union, with the winner's date on conflict);
 * - groups: union, bounded; campaign: the more recent touch; journey recomputed.
 */
export function mergeProfiles(winner: Profile, loser: Profile): Profile {
  // An empty profile's seen times are its creation time, which says nothing about the person.
  const winnerSeen = winner.eventCount > 0 || loser.eventCount === 0;
  const loserSeen = loser.eventCount > 0;
  const firstSeen = Math.min(
    winnerSeen ? winner.firstSeen : Infinity,
    loserSeen ? loser.firstSeen : Infinity,
  );
  const lastSeen = Math.max(winnerSeen ? winner.lastSeen : -Infinity, loserSeen ? loser.lastSeen : -Infinity);
  const [latest, other] = loserSeen && loser.lastSeen > winner.lastSeen ? [loser, winner] : [winner, loser];

  const cartSource = (loser.cart.updatedAt ?? -Infinity) > (winner.cart.updatedAt ?? -Infinity) ? loser : winner;
  const [olderConsent, newerConsent] =
    (loser.consent.updatedAt ?? -Infinity) > (winner.consent.updatedAt ?? -Infinity)
      ? [winner.consent, loser.consent]
      : [loser.consent, winner.consent];
  const campaign =
    winner.campaign === null || (loser.campaign !== null && loser.campaign.at > winner.campaign.at)
      ? loser.campaign
      : winner.campaign;
  const groups = [...new Set([...winner.groups, ...loser.groups])].slice(0, PROFILE_LIMITS.groups);
  const latestHasDevice = Object.values(latest.device).some((v) => v !== null);

  const traits = mergeTraitObjects(winner.traits, loser.traits);
  const merged: Profile = {
    traits,
    firstSeen,
    lastSeen,
    eventCount: winner.eventCount + loser.eventCount,
    session: mergeSessions(winner.session, loser.session),
    recentPages: mergeRecentPages(winner.recentPages, loser.recentPages),
    recentProducts: mergeRecentProducts(winner.recentProducts, loser.recentProducts),
    cart: copyCart(cartSource.cart),
    orders: mergeOrders(winner.orders, loser.orders),
    device: { ...(latestHasDevice ? latest.device : other.device) },
    language: latest.language ?? other.language,
    lastIp: latest.lastIp ?? other.lastIp,
    location: mergeLocation(latest.location, other.location),
    journey: { ...winner.journey },
    moments: extractMoments(traits),
    consent: {
      categories: { ...olderConsent.categories, ...newerConsent.categories },
      updatedAt: maxOf(olderConsent.updatedAt, newerConsent.updatedAt),
    },
    channels: { ...loser.channels, ...winner.channels },
    campaign: campaign === null ? null : { ...campaign },
    groups,
  };

  const stage = journeyStage(merged, lastSeen);
  const kept = [latest.journey, other.journey].find((journey) => journey.stage === stage);
  merged.journey = kept !== undefined ? { ...kept } : { stage, since: lastSeen };
  return merged;
}
