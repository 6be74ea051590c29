import type { Purpose } from '../playbooks/definition.js';
import type { Profile } from '../profile/profile.js';
import type { Channel } from './channel.js';
import type { EtiquetteSettings } from './settings.js';

/**
 * Why the customer's consent rules a touch out, or null when it does not.
 *
 * Purpose (every channel, staff included: a task to "call about our sale" is marketing to
 * someone who said no to marketing): any category listed for the purpose that the customer
 * set to false blocks, even if another listed one is true, since a "no" anywhere is a no. A
 * category they never answered does not block, unless the workspace requires explicit
 * marketing consent, in which case one listed category must be true.
 *
 * Channel ('away' only): we do not know which medium (email, SMS, push) the shop's webhook
 * will use, so the touch is held only when the customer turned off every channel they told
 * us about. The webhook receives the profile's channel preferences and must honour each one.
 */
export function consentHold(settings: EtiquetteSettings, purpose: Purpose, channel: Channel, profile: Profile): string | null {
  const categories = profile.consent.categories;
  const names = settings.consent[purpose];
  let explicit = false;
  for (const name of names) {
    if (!Object.hasOwn(categories, name)) continue;
    const given = categories[name];
    if (given === false) return `consent category "${name}" is false, and ${purpose} touches need it not refused`;
    if (given === true) explicit = true;
  }
  if (purpose === 'marketing' && settings.requireExplicitMarketingConsent && !explicit) {
    return `marketing needs explicit consent, and none of ${names.map((n) => `"${n}"`).join(', ')} is true`;
  }
  if (channel === 'away') {
    const channels = profile.channels;
    let known = 0;
    let refused = 0;
    for (const name in channels) {
      if (!Object.hasOwn(channels, name)) continue;
      known++;
      if (channels[name] === false) refused++;
    }
    if (known > 0 && refused === known) {
      return `customer turned off every contact channel they set (${Object.keys(channels).join(', ')})`;
    }
  }
  return null;
}
