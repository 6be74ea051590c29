import type { CareState } from '../playbooks/care-state.js';
import type { Purpose } from '../playbooks/definition.js';
import type { Profile } from '../profile/profile.js';
import type { Channel } from './channel.js';
import { consentHold } from './consent.js';
import { describeDuration } from './describe-duration.js';
import { touchesWithin } from './ledger.js';
import { memoryOf } from './memory.js';
import { isPaymentPage } from './payment-page.js';
import { formatLocalHour, formatQuietHours, isQuietHour } from './quiet-hours.js';
import { DAY_MS, WEEK_MS, type EtiquetteSettings } from './settings.js';
import { hold, PROCEED, type EtiquetteVerdict } from './verdict.js';

export { HOLD_REASONS, type EtiquetteVerdict, type HoldReason } from './verdict.js';

export interface EtiquetteInput {
  /** Already effective for this playbook (effectiveEtiquette). */
  settings: EtiquetteSettings;
  /** `about`: topics it speaks to; 'payment' lets it speak on the payment step. */
  playbook: { key: string; purpose: Purpose; priority: number; about: readonly string[] };
  channel: Channel;
  care: CareState;
  profile: Profile;
  now: number;
  /**
   * The customer's local hour, fractional for minutes (localHourOf), or null when their time
   * zone is unknown. Only 'away' touches read it.
   */
  localHour: number | null;
}

/** The topic that exempts a playbook from the payment-page hold. */
export const PAYMENT_TOPIC = 'payment';

const touches = (n: number, purpose: Purpose): string => `${n} ${purpose} ${n === 1 ? 'touch' : 'touches'}`;

/**
 * Whether a playbook may touch a customer now, on this channel. The rules run in a fixed order
 * and the first that holds wins, so the reason given is the most fundamental one (no consent
 * before a full cap, a full cap before "it is late"):
 *
 * 1. no_consent: consent for the purpose, and channel preferences for 'away' (consent.ts).
 * 2. declined: the customer declined this playbook within dismissCooldownMs (every channel).
 * 3. dismissed_recently: any dismissal within dismissCooldownMs (customer-facing only).
 * 4. cooldown: this playbook acted on this customer within playbookCooldownMs (every channel).
 * 5–6. daily_cap, weekly_cap: customer-facing touches of the same purpose in the rolling
 *    24 h / 7 days reached maxPerDay / maxPerWeek.
 * 7. quiet_hours: 'away' only, in the customer's local time.
 * 8–10. typing, paying, in_conversation: 'onsite' only, do not interrupt.
 *
 * Staff touches stop after rule 4: they never reach the customer. Time windows are half-open:
 * a touch 24 h ago no longer counts, a cooldown ends exactly when it says.
 */
export function checkEtiquette(input: EtiquetteInput): EtiquetteVerdict {
  const { settings, playbook, channel, care, profile, now } = input;

  const noConsent = consentHold(settings, playbook.purpose, channel, profile);
  if (noConsent !== null) return hold('no_consent', noConsent);

  const memory = memoryOf(care, playbook.key);
  const silence = settings.dismissCooldownMs;
  // A "no thanks" to this playbook covers its escalations to staff too: a person calling
  // after the customer declined the hint is the intrusion the customer just refused.
  const declinedAt = memory?.declinedAt;
  if (declinedAt !== undefined && now - declinedAt < silence) {
    return hold('declined', `customer declined this playbook ${describeDuration(now - declinedAt)} ago (silent for ${describeDuration(silence)} after a decline)`);
  }
  const facing = channel !== 'staff';
  const dismissedAt = care.dismissedAt;
  if (facing && dismissedAt !== undefined && now - dismissedAt < silence) {
    return hold('dismissed_recently', `customer dismissed a touch ${describeDuration(now - dismissedAt)} ago (no touches for ${describeDuration(silence)} after a dismissal)`);
  }
  const lastFiredAt = memory?.lastFiredAt;
  if (lastFiredAt !== undefined && now - lastFiredAt < settings.playbookCooldownMs) {
    return hold('cooldown', `this playbook acted on this customer ${describeDuration(now - lastFiredAt)} ago (cooldown ${describeDuration(settings.playbookCooldownMs)})`);
  }
  if (!facing) return PROCEED;

  const today = touchesWithin(care, now - DAY_MS, playbook.purpose);
  if (today >= settings.maxPerDay) {
    return hold('daily_cap', `${touches(today, playbook.purpose)} in the last 24 h (limit ${settings.maxPerDay})`);
  }
  const thisWeek = touchesWithin(care, now - WEEK_MS, playbook.purpose);
  if (thisWeek >= settings.maxPerWeek) {
    return hold('weekly_cap', `${touches(thisWeek, playbook.purpose)} in the last 7 days (limit ${settings.maxPerWeek})`);
  }

  if (channel === 'away') {
    // Unknown time zone: no hold. Holding would silence every customer whose browser never
    // told us their zone, forever; a caller that knows better (the shop's own zone) can pass
    // that hour instead of null.
    const hour = input.localHour;
    const quiet = settings.quietHours;
    if (hour !== null && quiet !== null && isQuietHour(quiet, hour)) {
      return hold('quiet_hours', `${formatLocalHour(hour)} local time is within quiet hours ${formatQuietHours(quiet)}`);
    }
    return PROCEED;
  }

  // onsite: don't interrupt.
  if (care.typingUntil !== undefined && care.typingUntil > now) {
    return hold('typing', `customer is typing (hold for another ${describeDuration(care.typingUntil - now)})`);
  }
  const path = profile.session.currentPage?.path;
  if (path != null && !playbook.about.includes(PAYMENT_TOPIC) && isPaymentPage(settings.paymentPages, path)) {
    const shown = path.length > 100 ? `${path.slice(0, 100)}…` : path;
    return hold('paying', `customer is on a payment page (${shown}) and this playbook is not about payment`);
  }
  if (care.inConversationUntil !== undefined && care.inConversationUntil > now) {
    return hold('in_conversation', `customer is in a conversation (for another ${describeDuration(care.inConversationUntil - now)})`);
  }
  return PROCEED;
}
