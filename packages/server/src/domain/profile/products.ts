import { insertNewestFirst, mergeNewestFirst } from './bounded-list.js';
import { asArray, asCurrency, asId, asNumber, asObject, asText } from './coerce.js';
import { PROFILE_LIMITS } from './limits.js';
import { asAmount } from './money.js';
import { PROFILE_BOUNDS, type ProductView } from './profile.js';

/** A product as Segment's e-commerce spec v2 describes it, read defensively. */
export interface ProductFields {
  productId: string;
  sku: string | null;
  name: string | null;
  /** Unit price; null when missing, unreadable, negative or absurd. */
  price: number | null;
  /** Positive quantity; null when missing or unusable (callers pick the default). */
  quantity: number | null;
  currency: string | null;
  url: string | null;
}

/** Above this a quantity is a bug or an attack, not an order. */
const MAX_QUANTITY = 1_000_000;

/**
 * A product from a properties object (Product Viewed/Added/Removed) or a `products[]` entry.
 * The id is `product_id` (spec v2), else `productId` or `id` (v1 and hand-rolled clients), else
 * the SKU. Without any of them there is nothing to key the product on, so it is null.
 */
export function readProduct(value: unknown): ProductFields | null {
  const o = asObject(value);
  if (o === null) return null;
  const sku = asId(o.sku);
  const productId = asId(o.product_id) ?? asId(o.productId) ?? asId(o.id) ?? sku;
  if (productId === null) return null;
  const quantity = asNumber(o.quantity);
  return {
    productId,
    sku,
    name: asText(o.name),
    price: asAmount(o.price),
    quantity: quantity !== null && quantity > 0 ? Math.min(quantity, MAX_QUANTITY) : null,
    currency: asCurrency(o.currency),
    url: asText(o.url, PROFILE_LIMITS.urlLength),
  };
}

/** The usable entries of a `products` array (bounded: a cart holds at most cartItems lines). */
export function readProducts(value: unknown): ProductFields[] {
  const products: ProductFields[] = [];
  for (const entry of asArray(value)) {
    if (products.length >= PROFILE_BOUNDS.cartItems) break;
    const product = readProduct(entry);
    if (product !== null) products.push(product);
  }
  return products;
}

const productKey = (view: ProductView): string => view.productId;

/** Newest first, one entry per product (viewing it again moves it to the front), bounded. */
export function recordProductView(list: ProductView[], product: ProductFields, currency: string | null, at: number): void {
  const view: ProductView = {
    productId: product.productId,
    sku: product.sku,
    name: product.name,
    price: product.price,
    currency: product.currency ?? currency,
    url: product.url,
    at,
  };
  insertNewestFirst(list, view, productKey, PROFILE_BOUNDS.recentProducts);
}

export function mergeRecentProducts(first: readonly ProductView[], second: readonly ProductView[]): ProductView[] {
  return mergeNewestFirst(first, second, productKey, PROFILE_BOUNDS.recentProducts);
}
