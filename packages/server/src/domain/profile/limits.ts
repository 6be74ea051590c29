/**
 * Bounds for the parts of a profile that PROFILE_BOUNDS does not cover. They exist for the same
 * reason: a profile is one stored document, so nothing in it may grow with history or with
 * whatever a client decides to send.
 */
export const PROFILE_LIMITS = {
  /** Group (account) ids a customer belongs to. */
  groups: 20,
  /** Dates worth remembering (birthday, anniversary, reservations…). */
  moments: 20,
  /** Distinct trait keys; keys beyond this are ignored, existing keys still update. */
  traitKeys: 200,
  /** Consent categories and channel preferences. */
  preferenceKeys: 50,
  /** Free text (names, titles, ids). */
  textLength: 500,
  /** URLs can be long (tracking parameters) but not unbounded. */
  urlLength: 2048,
} as const;
