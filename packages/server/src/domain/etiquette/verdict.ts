/**
 * Why a touch was held back. Stable strings: they are stored with held touches, counted in
 * metrics and shown in the API, so they never change meaning (docs/etiquette.md lists them).
 */
export const HOLD_REASONS = [
  'no_consent',
  'declined',
  'dismissed_recently',
  'cooldown',
  'daily_cap',
  'weekly_cap',
  'quiet_hours',
  'typing',
  'paying',
  'in_conversation',
  'superseded',
] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/** Go, or hold with the rule and a sentence naming the values ("2 touches in the last 24 h (limit 2)"). */
export type EtiquetteVerdict = { ok: true } | { ok: false; rule: HoldReason; detail: string };

/** The one "go" verdict, shared so the common path allocates nothing. */
export const PROCEED: EtiquetteVerdict = Object.freeze({ ok: true });

export function hold(rule: HoldReason, detail: string): EtiquetteVerdict {
  return { ok: false, rule, detail };
}
