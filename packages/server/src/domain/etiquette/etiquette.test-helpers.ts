import { emptyCareState, type CareState } from '../playbooks/care-state.js';
import type { Purpose } from '../playbooks/definition.js';
import { emptyProfile } from '../profile/empty-profile.js';
import type { Profile } from '../profile/profile.js';
import type { Channel } from './channel.js';
import { checkEtiquette, type EtiquetteInput } from './check.js';
import { recordTouch } from './ledger.js';
import { DEFAULT_ETIQUETTE } from './settings.js';
import type { EtiquetteVerdict } from './verdict.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** A fixed "now" for tests: 2026-11-23 03:00 UTC (12:00 in Tokyo, a polite hour). */
export const NOW = Date.parse('2026-11-23T03:00:00Z');

export interface Scene {
  care: CareState;
  profile: Profile;
}

export function scene(): Scene {
  return { care: emptyCareState(), profile: emptyProfile(0) };
}

/** Records that a playbook touched the customer at `at`. */
export function touched(s: Scene, at: number, playbook = 'other', channel: Channel = 'onsite', purpose: Purpose = 'service'): void {
  recordTouch(s.care, { at, playbook, purpose, channel }, at);
}

/** Runs checkEtiquette with defaults for whatever the test does not care about. */
export function check(s: Scene, over: Partial<Omit<EtiquetteInput, 'care' | 'profile'>> & { purpose?: Purpose; about?: string[]; key?: string } = {}): EtiquetteVerdict {
  return checkEtiquette({
    settings: over.settings ?? DEFAULT_ETIQUETTE,
    playbook: over.playbook ?? { key: over.key ?? 'stuck-at-payment', purpose: over.purpose ?? 'service', priority: 50, about: over.about ?? [] },
    channel: over.channel ?? 'onsite',
    care: s.care,
    profile: s.profile,
    now: over.now ?? NOW,
    localHour: over.localHour ?? null,
  });
}

/** The rule that held, or 'ok'. */
export const ruleOf = (v: EtiquetteVerdict): string => (v.ok ? 'ok' : v.rule);
