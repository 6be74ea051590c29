import { DAY_MS } from './calendar-date.js';
import { PROFILE_BOUNDS, type JourneyStage, type OrderSummary, type Profile } from './profile.js';

/**
 * How long after it was placed an order without a delivery event still counts as on its way.
 * Many shops never send Order Delivered; without a cut-off their customers would await
 * delivery forever.
 */
export const DELIVERY_WINDOW_MS = 30 * DAY_MS;
/** Grace after a promised delivery date before we stop assuming the parcel is still coming. */
export const PROMISE_GRACE_MS = 14 * DAY_MS;

/** Whether an order is still on its way at `at` (see journeyStage rule 2). */
export function isAwaitingDelivery(order: OrderSummary, at: number): boolean {
  if (order.status !== 'completed' && order.status !== 'shipped') return false;
  const deadline =
    order.promisedBy === null
      ? order.placedAt + DELIVERY_WINDOW_MS
      : Math.max(order.promisedBy, order.placedAt) + PROMISE_GRACE_MS;
  return at <= deadline;
}

/**
 * Where the customer is in their journey, as of `at` (the latest time the profile has seen).
 * The first rule that matches wins:
 *
 * 1. buying — the cart is not empty and a checkout was started after the last order.
 * 2. awaiting_delivery — an order is completed or shipped (not delivered, cancelled or
 *    refunded) and still plausibly on its way: within 30 days of being placed, or, when the
 *    shop gave a promised delivery date, until 14 days after that date.
 * 3. considering — the cart is not empty, or a product was viewed in the current session (one
 *    with activity in the last 30 minutes).
 * 4. after_care — an order (among the recent ones) has been delivered.
 * 5. browsing — anything else.
 */
export function journeyStage(profile: Profile, at: number): JourneyStage {
  const { cart, orders, session } = profile;
  const cartFull = cart.items.length > 0;
  if (
    cartFull &&
    cart.checkoutStartedAt !== null &&
    (orders.lastOrderAt === null || cart.checkoutStartedAt > orders.lastOrderAt)
  ) {
    return 'buying';
  }
  if (orders.recent.some((order) => isAwaitingDelivery(order, at))) return 'awaiting_delivery';
  const lastViewed = profile.recentProducts[0];
  // The stored session is only "current" if it has not gone idle by `at`.
  const sessionCurrent = session.lastActivityAt !== null && at - session.lastActivityAt <= PROFILE_BOUNDS.sessionIdleMs;
  const viewedThisSession =
    sessionCurrent && lastViewed !== undefined && session.startedAt !== null && lastViewed.at >= session.startedAt;
  if (cartFull || viewedThisSession) return 'considering';
  if (orders.recent.some((order) => order.status === 'delivered')) return 'after_care';
  return 'browsing';
}

/** Recomputes the stage; `since` moves only when the stage actually changes. */
export function updateJourney(profile: Profile, at: number, changedAt: number): void {
  const stage = journeyStage(profile, at);
  if (stage !== profile.journey.stage) profile.journey = { stage, since: changedAt };
}
