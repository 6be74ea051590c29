import type { Purpose, StringPattern } from '../playbooks/definition.js';

/**
 * How politely a workspace's playbooks behave: the fine line between helpful and intrusive.
 * Every proactive touch passes these rules (see check.ts) before it reaches a customer; a
 * playbook may only make them stricter (see effective.ts). Settings are read-only values:
 * the same object is shared by every evaluation on the ingestion hot path.
 */
export interface EtiquetteSettings {
  /** Customer-facing touches per customer per rolling 24 h, counted per purpose. */
  readonly maxPerDay: number;
  /** Customer-facing touches per customer per rolling 7 days, counted per purpose. */
  readonly maxPerWeek: number;
  /** The same playbook does not act on the same customer again sooner (any channel, staff too). */
  readonly playbookCooldownMs: number;
  /**
   * After the customer dismisses any touch, no customer-facing touch from any playbook for this
   * long; after declining a playbook, that playbook stays silent (staff included) for this long.
   */
  readonly dismissCooldownMs: number;
  /**
   * Local hours (customer's time zone) in which nothing reaches them away from the site (email,
   * SMS, push…): from `start`:00 up to, not including, `end`:00; wraps past midnight when
   * start > end. Null turns quiet hours off. On-site touches ignore it: the customer is there.
   */
  readonly quietHours: QuietHours | null;
  /** Page paths where the customer is paying: no on-site touch there unless it is about payment. */
  readonly paymentPages: readonly StringPattern[];
  /**
   * Consent category names (Segment's `context.consent.categoryPreferences`) that must not be
   * false for a touch of each purpose. A category the customer never answered does not block.
   */
  readonly consent: Readonly<Record<Purpose, readonly string[]>>;
  /** Marketing also needs one of `consent.marketing` to be explicitly true (opt-in regimes). */
  readonly requireExplicitMarketingConsent: boolean;
  /** How long after a typing signal the customer still counts as typing (sets `typingUntil`). */
  readonly typingHoldMs: number;
}

export interface QuietHours {
  /** First quiet hour, 0–23. */
  readonly start: number;
  /** First hour that is no longer quiet, 0–23 (different from start). */
  readonly end: number;
}

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

/**
 * The defaults: a customer hears from a shop at most twice a day and five times a week per
 * purpose, never twice from the same playbook within a day, not at all for three days after
 * saying "no thanks", never at night by email/SMS/push, and never while typing or paying.
 */
export const DEFAULT_ETIQUETTE: EtiquetteSettings = deepFreeze({
  maxPerDay: 2,
  maxPerWeek: 5,
  playbookCooldownMs: DAY_MS,
  dismissCooldownMs: 3 * DAY_MS,
  quietHours: { start: 21, end: 8 },
  paymentPages: [{ prefix: '/checkout/payment' }, { glob: '**/payment' }, { glob: '**/payment/**' }],
  consent: {
    // Service (an order problem, a failed payment) is part of the contract with the customer.
    service: [],
    // Segment/OneTrust-style names for the advertising/marketing category.
    marketing: ['Advertising', 'Marketing', 'marketing'],
  },
  requireExplicitMarketingConsent: false,
  // Long enough to span the pause between words, short enough not to hold a real moment back.
  typingHoldMs: 15_000,
});

/** Bounds enforced by validateEtiquetteSettings (documented with the settings). */
export const ETIQUETTE_BOUNDS = {
  maxPerDay: 100,
  maxPerWeek: 500,
  cooldownMs: 90 * DAY_MS,
  typingHoldMs: 10 * 60 * 1000,
  patterns: 50,
  categories: 20,
  categoryLength: 100,
} as const;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
