import { roundCents } from './money.js';
import { PROFILE_BOUNDS, type CartItem, type Profile } from './profile.js';
import type { ProductFields } from './products.js';

/*
 * The cart as the customer last saw it. All functions mutate in place (ingestion hot path).
 * The cart's currency is the first one seen since it was last emptied; mixed currencies are not
 * converted (a shop rarely mixes them within one cart, and we have no rates).
 */

type Cart = Profile['cart'];

function recomputeValue(cart: Cart): void {
  let value = 0;
  for (const item of cart.items) value += item.price * item.quantity;
  cart.value = roundCents(value);
}

function touch(cart: Cart, at: number, currency: string | null): void {
  cart.updatedAt = cart.updatedAt === null ? at : Math.max(cart.updatedAt, at);
  cart.currency ??= currency;
  recomputeValue(cart);
}

/** Product Added: a new line, or more of an existing one (name and price refreshed when given). */
export function addToCart(cart: Cart, product: ProductFields, currency: string | null, at: number): void {
  const quantity = product.quantity ?? 1;
  const line = cart.items.find((item) => item.productId === product.productId);
  if (line !== undefined) {
    line.quantity += quantity;
    if (product.price !== null) line.price = product.price;
    line.name = product.name ?? line.name;
    line.sku = product.sku ?? line.sku;
  } else {
    cart.items.push({
      productId: product.productId,
      sku: product.sku,
      name: product.name,
      price: product.price ?? 0,
      quantity,
    });
    // A cart of over 100 lines is a bot; drop the oldest line rather than grow.
    if (cart.items.length > PROFILE_BOUNDS.cartItems) cart.items.shift();
  }
  touch(cart, at, product.currency ?? currency);
}

/** Product Removed: fewer of a line, or the whole line when no quantity is given or none is left. */
export function removeFromCart(cart: Cart, product: ProductFields, at: number): void {
  const index = cart.items.findIndex((item) => item.productId === product.productId);
  if (index < 0) return;
  const line = cart.items[index]!;
  if (product.quantity === null || product.quantity >= line.quantity) cart.items.splice(index, 1);
  else line.quantity -= product.quantity;
  touch(cart, at, null);
}

/** Cart Viewed / Checkout Started list the whole cart: it replaces ours (duplicate lines summed). */
export function replaceCart(cart: Cart, products: readonly ProductFields[], currency: string | null, at: number): void {
  const items: CartItem[] = [];
  for (const product of products) {
    const existing = items.find((item) => item.productId === product.productId);
    if (existing !== undefined) existing.quantity += product.quantity ?? 1;
    else {
      items.push({
        productId: product.productId,
        sku: product.sku,
        name: product.name,
        price: product.price ?? 0,
        quantity: product.quantity ?? 1,
      });
    }
  }
  cart.items = items.slice(0, PROFILE_BOUNDS.cartItems);
  touch(cart, at, products.find((p) => p.currency !== null)?.currency ?? currency);
}

/** After an order: the cart is empty again and its currency forgotten. */
export function clearCart(cart: Cart, at: number): void {
  cart.items = [];
  cart.currency = null;
  touch(cart, at, null);
}
