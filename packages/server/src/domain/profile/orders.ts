import type { NormalizedEvent } from '../events/normalized-event.js';
import { clearCart } from './cart.js';
import { asCurrency, asId } from './coerce.js';
import { asAmount, roundCents } from './money.js';
import { PROFILE_BOUNDS, type OrderSummary, type Profile } from './profile.js';
import { readProducts, type ProductFields } from './products.js';
import { parsePromisedDate } from './promised-date.js';

/*
 * Orders and lifetime value. Everything mutates in place (ingestion hot path).
 *
 * Lifetime value is in the first currency the customer ordered in; mixed currencies are added
 * as they are, not converted. It never goes below zero (a refund for an order from before our
 * history would otherwise make it negative).
 */

type Orders = Profile['orders'];

function productsTotal(products: readonly ProductFields[]): number | null {
  if (products.length === 0) return null;
  let sum = 0;
  for (const product of products) sum += (product.price ?? 0) * (product.quantity ?? 1);
  return sum;
}

function orderIdOf(event: NormalizedEvent): string | null {
  return asId(event.properties.order_id) ?? asId(event.properties.orderId);
}

function findOrder(orders: Orders, orderId: string | null): OrderSummary | undefined {
  return orderId === null ? undefined : orders.recent.find((order) => order.orderId === orderId);
}

function addToLifetimeValue(orders: Orders, amount: number): void {
  orders.lifetimeValue = Math.max(0, roundCents(orders.lifetimeValue + amount));
}

/** Newest first by placedAt, bounded. */
function insertRecentOrder(recent: OrderSummary[], order: OrderSummary): void {
  let position = 0;
  while (position < recent.length && recent[position]!.placedAt > order.placedAt) position++;
  if (position >= PROFILE_BOUNDS.recentOrders) return;
  recent.splice(position, 0, order);
  if (recent.length > PROFILE_BOUNDS.recentOrders) recent.length = PROFILE_BOUNDS.recentOrders;
}

/**
 * Order Completed. The total is `total`, else `revenue`, else `value`, else Σ price × quantity
 * of `products`. The same order_id reported twice (browser and backend both send it, a common
 * setup) is counted once. Without an order_id the message id stands in, so it still counts.
 * Afterwards the cart and the checkout/payment markers are cleared, unless they changed after
 * the order (a late-arriving Order Completed must not empty the next cart).
 */
export function completeOrder(profile: Profile, event: NormalizedEvent): void {
  const props = event.properties;
  const at = event.timestamp;
  const orders = profile.orders;
  const orderId = orderIdOf(event) ?? `message:${event.messageId}`;
  const promisedBy = parsePromisedDate(
    props.promised_delivery_date ?? props.promisedDeliveryDate,
    profile.location.timezone,
  );
  const known = findOrder(orders, orderId);
  if (known !== undefined) {
    known.promisedBy ??= promisedBy;
    return;
  }
  const products = readProducts(props.products);
  const total = roundCents(
    asAmount(props.total) ?? asAmount(props.revenue) ?? asAmount(props.value) ?? productsTotal(products) ?? 0,
  );
  const currency = asCurrency(props.currency) ?? products.find((p) => p.currency !== null)?.currency ?? null;
  let itemCount = 0;
  for (const product of products) itemCount += product.quantity ?? 1;

  orders.count++;
  addToLifetimeValue(orders, total);
  orders.currency ??= currency;
  orders.firstOrderAt = orders.firstOrderAt === null ? at : Math.min(orders.firstOrderAt, at);
  orders.lastOrderAt = orders.lastOrderAt === null ? at : Math.max(orders.lastOrderAt, at);
  insertRecentOrder(orders.recent, {
    orderId,
    total,
    currency,
    status: 'completed',
    placedAt: at,
    promisedBy,
    shippedAt: null,
    deliveredAt: null,
    itemCount: Math.round(itemCount),
  });

  const cart = profile.cart;
  if (cart.updatedAt === null || cart.updatedAt <= at) clearCart(cart, at);
  if (cart.checkoutStartedAt !== null && cart.checkoutStartedAt <= at) cart.checkoutStartedAt = null;
  if (cart.paymentInfoAt !== null && cart.paymentInfoAt <= at) cart.paymentInfoAt = null;
}

/**
 * Order Refunded: `total` is the refunded amount (capped at the order's total); without it the
 * whole order is refunded. Any refund marks the order refunded (the status has no "partially").
 * A refund of an order that aged out of `recent` still reduces lifetime value when it says how
 * much. A cancelled order was already taken out of lifetime value, so refunding it changes nothing.
 */
export function refundOrder(profile: Profile, event: NormalizedEvent): void {
  const orders = profile.orders;
  const amount = asAmount(event.properties.total) ?? productsTotal(readProducts(event.properties.products));
  const order = findOrder(orders, orderIdOf(event));
  if (order === undefined) {
    if (amount !== null) addToLifetimeValue(orders, -amount);
    return;
  }
  if (order.status === 'cancelled') return;
  // A second "whole order" refund of an already refunded order is a duplicate, not more money back.
  if (amount === null && order.status === 'refunded') return;
  addToLifetimeValue(orders, -Math.min(amount ?? order.total, order.total));
  order.status = 'refunded';
}

/**
 * Order Cancelled: the order's total leaves lifetime value if it was still counted there (not
 * yet refunded or cancelled). The order still counts in `orders.count`: it was placed.
 */
export function cancelOrder(profile: Profile, event: NormalizedEvent): void {
  const order = findOrder(profile.orders, orderIdOf(event));
  if (order === undefined) return;
  if (order.status !== 'cancelled' && order.status !== 'refunded') addToLifetimeValue(profile.orders, -order.total);
  order.status = 'cancelled';
}

/**
 * Order Shipped (custom event, order_id): records when, advances the status only from completed
 * (a late "shipped" never undoes delivered, refunded or cancelled), and takes a fresh
 * `promised_delivery_date` if the carrier gave one.
 */
export function markShipped(profile: Profile, event: NormalizedEvent): void {
  const order = findOrder(profile.orders, orderIdOf(event));
  if (order === undefined) return;
  const at = event.timestamp;
  order.shippedAt = order.shippedAt === null ? at : Math.min(order.shippedAt, at);
  if (order.status === 'completed') order.status = 'shipped';
  const promisedBy = parsePromisedDate(
    event.properties.promised_delivery_date ?? event.properties.promisedDeliveryDate,
    profile.location.timezone,
  );
  if (promisedBy !== null) order.promisedBy = promisedBy;
}

/** Order Delivered (custom event, order_id): records when; advances completed/shipped to delivered. */
export function markDelivered(profile: Profile, event: NormalizedEvent): void {
  const order = findOrder(profile.orders, orderIdOf(event));
  if (order === undefined) return;
  const at = event.timestamp;
  order.deliveredAt = order.deliveredAt === null ? at : Math.min(order.deliveredAt, at);
  if (order.status === 'completed' || order.status === 'shipped') order.status = 'delivered';
}
