import type { NormalizedEvent } from '../events/normalized-event.js';
import { addToCart, removeFromCart, replaceCart } from './cart.js';
import { asCurrency } from './coerce.js';
import { cancelOrder, completeOrder, markDelivered, markShipped, refundOrder } from './orders.js';
import type { Profile } from './profile.js';
import { readProduct, readProducts, recordProductView } from './products.js';

/**
 * The track events we understand: Segment's e-commerce spec v2, plus Order Shipped and Order
 * Delivered (not in the spec, but what customer care is asked about most).
 */
export type CommerceEvent =
  | 'product_viewed'
  | 'product_added'
  | 'product_removed'
  | 'cart_viewed'
  | 'checkout_started'
  | 'payment_info_entered'
  | 'order_completed'
  | 'order_refunded'
  | 'order_cancelled'
  | 'order_shipped'
  | 'order_delivered';

const NAMES: ReadonlyMap<string, CommerceEvent> = new Map([
  ['product viewed', 'product_viewed'],
  ['product added', 'product_added'],
  ['product removed', 'product_removed'],
  ['cart viewed', 'cart_viewed'],
  ['checkout started', 'checkout_started'],
  ['payment info entered', 'payment_info_entered'],
  ['order completed', 'order_completed'],
  ['order refunded', 'order_refunded'],
  ['order cancelled', 'order_cancelled'],
  ['order canceled', 'order_cancelled'],
  ['order shipped', 'order_shipped'],
  ['order delivered', 'order_delivered'],
]);

/**
 * Which commerce event a track name is. Tolerates the usual spellings of the spec's names
 * ("Order Completed", "order_completed", "order-completed", "ORDER COMPLETED").
 */
export function commerceEventOf(name: string | null): CommerceEvent | null {
  if (name === null || name.length > 40) return null;
  const key = name.trim().toLowerCase().replace(/[_\-\s]+/g, ' ');
  return NAMES.get(key) ?? null;
}

/**
 * Fulfilment events happen TO the customer (sent by the shop's backend), rather than being
 * something the customer does: they must not open or extend a session.
 */
export function isCustomerAction(kind: CommerceEvent | null): boolean {
  return kind !== 'order_shipped' && kind !== 'order_delivered' && kind !== 'order_refunded' && kind !== 'order_cancelled';
}

function latest(current: number | null, at: number): number {
  return current === null ? at : Math.max(current, at);
}

/** Applies a commerce track event to the profile (mutates, hot path). */
export function applyCommerceEvent(profile: Profile, kind: CommerceEvent, event: NormalizedEvent): void {
  const props = event.properties;
  const at = event.timestamp;
  const currency = asCurrency(props.currency);
  switch (kind) {
    case 'product_viewed': {
      const product = readProduct(props);
      if (product !== null) recordProductView(profile.recentProducts, product, currency, at);
      return;
    }
    case 'product_added': {
      const product = readProduct(props);
      if (product !== null) addToCart(profile.cart, product, currency, at);
      return;
    }
    case 'product_removed': {
      const product = readProduct(props);
      if (product !== null) removeFromCart(profile.cart, product, at);
      return;
    }
    case 'cart_viewed':
    case 'checkout_started': {
      const cart = profile.cart;
      // Without a products array the event says nothing about the contents: keep our cart. A late
      // snapshot must not overwrite a cart that changed after it.
      if (Array.isArray(props.products) && (cart.updatedAt === null || at >= cart.updatedAt)) {
        replaceCart(cart, readProducts(props.products), currency, at);
      }
      if (kind === 'checkout_started') cart.checkoutStartedAt = latest(cart.checkoutStartedAt, at);
      return;
    }
    case 'payment_info_entered':
      profile.cart.paymentInfoAt = latest(profile.cart.paymentInfoAt, at);
      return;
    case 'order_completed':
      completeOrder(profile, event);
      return;
    case 'order_refunded':
      refundOrder(profile, event);
      return;
    case 'order_cancelled':
      cancelOrder(profile, event);
      return;
    case 'order_shipped':
      markShipped(profile, event);
      return;
    case 'order_delivered':
      markDelivered(profile, event);
      return;
  }
}
