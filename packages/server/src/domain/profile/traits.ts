import type { JsonObject } from '../events/normalized-event.js';
import { asObject, isSafeKey } from './coerce.js';
import { PROFILE_LIMITS } from './limits.js';
import type { Profile } from './profile.js';

/**
 * Merges incoming traits into the profile: shallow, the incoming value wins (arrival order:
 * per-trait timestamps would double the profile size for a rare case).
 *
 * A trait sent as null is STORED as null, not deleted: Segment clients send null to say "no
 * longer known", and keeping the key means a later profile merge cannot resurrect the other
 * profile's stale value. Returns whether any trait value changed.
 */
export function mergeTraits(profile: Profile, incoming: JsonObject): boolean {
  let changed = false;
  let keyCount = -1;
  for (const [key, value] of Object.entries(incoming)) {
    if (!isSafeKey(key) || value === undefined) continue;
    if (!Object.hasOwn(profile.traits, key)) {
      if (keyCount < 0) keyCount = Object.keys(profile.traits).length;
      if (keyCount >= PROFILE_LIMITS.traitKeys) continue;
      keyCount++;
    }
    const previous = profile.traits[key];
    // Same primitive value: nothing to do (analytics.js repeats cached traits on many calls,
    // and "changed" triggers re-reading moments).
    if (previous === value && Object.hasOwn(profile.traits, key)) continue;
    profile.traits[key] = value;
    changed = true;
  }
  mergeChannelPreferences(profile.channels, incoming.channelPreferences);
  return changed;
}

/**
 * Channel opt-ins from the `channelPreferences` trait ({ email: true, sms: false }). Merged
 * rather than replaced, so a call that mentions only one channel does not forget the others;
 * non-boolean values are ignored.
 */
export function mergeChannelPreferences(channels: Record<string, boolean>, preferences: unknown): void {
  mergeBooleans(channels, asObject(preferences));
}

/** Copies the boolean entries of `source` into `target`, respecting the key bound. */
export function mergeBooleans(target: Record<string, boolean>, source: JsonObject | null): boolean {
  if (source === null) return false;
  let changed = false;
  for (const [key, value] of Object.entries(source)) {
    if (typeof value !== 'boolean' || !isSafeKey(key)) continue;
    if (!Object.hasOwn(target, key) && Object.keys(target).length >= PROFILE_LIMITS.preferenceKeys) continue;
    target[key] = value;
    changed = true;
  }
  return changed;
}
