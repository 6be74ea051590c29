import type { JsonObject } from '../events/normalized-event.js';

/** Bounds that keep one profile small however long the history. */
export const PROFILE_BOUNDS = {
  recentPages: 20,
  recentProducts: 20,
  sessionPages: 25,
  recentOrders: 20,
  cartItems: 100,
  /** A new session starts after this much inactivity. */
  sessionIdleMs: 30 * 60 * 1000,
} as const;

export const JOURNEY_STAGES = ['browsing', 'considering', 'buying', 'awaiting_delivery', 'after_care'] as const;
export type JourneyStage = (typeof JOURNEY_STAGES)[number];

export interface PageVisit {
  url: string | null;
  path: string | null;
  title: string | null;
  name: string | null;
  at: number;
}

export interface ProductView {
  productId: string;
  sku: string | null;
  name: string | null;
  price: number | null;
  currency: string | null;
  url: string | null;
  at: number;
}

export interface CartItem {
  productId: string;
  sku: string | null;
  name: string | null;
  price: number;
  quantity: number;
}

export type OrderStatus = 'completed' | 'shipped' | 'delivered' | 'refunded' | 'cancelled';

export interface OrderSummary {
  orderId: string;
  total: number;
  currency: string | null;
  status: OrderStatus;
  placedAt: number;
  /** Promised delivery date/time (epoch ms) when the shop told us one. */
  promisedBy: number | null;
  shippedAt: number | null;
  deliveredAt: number | null;
  itemCount: number;
}

export interface Moment {
  /** birthday, anniversary, or the trait name for other date traits. */
  kind: string;
  /** The trait it came from. */
  trait: string;
  /** Calendar date as given: YYYY-MM-DD (or --MM-DD when the year is unknown). */
  date: string;
  /** Recurring yearly (birthdays, anniversaries) or a one-off date (a reservation). */
  yearly: boolean;
}

export interface Location {
  country: string | null;
  region: string | null;
  city: string | null;
  timezone: string | null;
  /** Where the timezone came from: the client's context, or the IP database. */
  timezoneSource: 'context' | 'ip' | null;
}

export interface Device {
  type: 'desktop' | 'mobile' | 'tablet' | 'bot' | null;
  browser: string | null;
  os: string | null;
  model: string | null;
  app: string | null;
}

/**
 * The living profile of one customer: a fold over their events. It is pure data (JSON-safe),
 * stored as one document per customer and rewritten once per ingestion flush.
 */
export interface Profile {
  traits: JsonObject;
  firstSeen: number;
  lastSeen: number;
  eventCount: number;
  session: {
    count: number;
    startedAt: number | null;
    lastActivityAt: number | null;
    /** Pages viewed in the current session (bounded). */
    pages: PageVisit[];
    /** The current page and since when (for time-on-page). */
    currentPage: PageVisit | null;
  };
  recentPages: PageVisit[];
  recentProducts: ProductView[];
  cart: {
    items: CartItem[];
    value: number;
    currency: string | null;
    updatedAt: number | null;
    checkoutStartedAt: number | null;
    paymentInfoAt: number | null;
  };
  orders: {
    count: number;
    lifetimeValue: number;
    currency: string | null;
    firstOrderAt: number | null;
    lastOrderAt: number | null;
    recent: OrderSummary[];
  };
  device: Device;
  language: string | null;
  lastIp: string | null;
  location: Location;
  journey: { stage: JourneyStage; since: number };
  moments: Moment[];
  consent: { categories: Record<string, boolean>; updatedAt: number | null };
  /** Channel preferences: channel → allowed (email, sms, whatsapp, push, …). */
  channels: Record<string, boolean>;
  campaign: { source: string | null; medium: string | null; name: string | null; at: number } | null;
  groups: string[];
}
