import { PURPOSES, type StringPattern } from '../playbooks/definition.js';
import { isQuietHour } from './quiet-hours.js';
import type { EtiquetteSettings } from './settings.js';

/**
 * The fields a change from `current` to `next` would loosen: changes that let more touches
 * through. The API lets any editor tighten etiquette but only admins loosen it, because a
 * looser rule is how a shop starts to feel pushy. Fields are named as in the settings
 * (`consent.marketing` for a consent list), in a stable order; [] means "as strict or stricter".
 *
 * A list change counts as loosening when it drops an entry (a payment page no longer
 * protected, a consent category no longer honoured); reordering or adding does not. Quiet
 * hours loosen when any hour that was quiet no longer is.
 */
export function loosenedFields(current: EtiquetteSettings, next: EtiquetteSettings): string[] {
  const out: string[] = [];
  if (next.maxPerDay > current.maxPerDay) out.push('maxPerDay');
  if (next.maxPerWeek > current.maxPerWeek) out.push('maxPerWeek');
  if (next.playbookCooldownMs < current.playbookCooldownMs) out.push('playbookCooldownMs');
  if (next.dismissCooldownMs < current.dismissCooldownMs) out.push('dismissCooldownMs');
  for (let hour = 0; hour < 24; hour++) {
    if (isQuietHour(current.quietHours, hour) && !isQuietHour(next.quietHours, hour)) {
      out.push('quietHours');
      break;
    }
  }
  if (!current.paymentPages.every((p) => next.paymentPages.some((q) => samePattern(p, q)))) out.push('paymentPages');
  for (const purpose of PURPOSES) {
    const before = current.consent[purpose];
    const after = next.consent[purpose];
    let looser = !before.every((name) => after.includes(name));
    // Under an explicit opt-in requirement, each listed category is also a way to say yes:
    // adding one lets more customers through.
    if (purpose === 'marketing' && current.requireExplicitMarketingConsent && next.requireExplicitMarketingConsent) {
      looser ||= !after.every((name) => before.includes(name));
    }
    if (looser) out.push(`consent.${purpose}`);
  }
  if (current.requireExplicitMarketingConsent && !next.requireExplicitMarketingConsent) out.push('requireExplicitMarketingConsent');
  if (next.typingHoldMs < current.typingHoldMs) out.push('typingHoldMs');
  return out;
}

function samePattern(a: StringPattern, b: StringPattern): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if ('prefix' in a) return 'prefix' in b && a.prefix === b.prefix;
  if ('glob' in a) return 'glob' in b && a.glob === b.glob;
  // A oneOf list is the same (or stricter) when it still holds every path.
  return 'oneOf' in b && a.oneOf.every((path) => b.oneOf.includes(path));
}
