import type { JsonObject } from '../events/normalized-event.js';
import { asObject, asText } from './coerce.js';
import { deviceFromContext } from './device.js';
import type { GeoInfo } from './geo-info.js';
import type { Profile } from './profile.js';
import { canonicalTimeZone } from './time-zone.js';
import { mergeBooleans } from './traits.js';

/*
 * What the event's context says about the customer right now: device, language, IP, location,
 * campaign, consent. All mutate in place (ingestion hot path).
 */

const CACHE_LIMIT = 1000;
const canonicalLocales = new Map<string, string | null>();

/**
 * "ja_JP" / "ja-jp" → "ja-JP" via Intl (memoised: the same few locales arrive on every call);
 * null when Intl rejects the tag.
 */
export function canonicalLocale(tag: string): string | null {
  const cached = canonicalLocales.get(tag);
  if (cached !== undefined) return cached;
  let canonical: string | null;
  try {
    canonical = Intl.getCanonicalLocales(tag.replace(/_/g, '-'))[0] ?? null;
  } catch {
    canonical = null;
  }
  if (canonicalLocales.size >= CACHE_LIMIT) canonicalLocales.clear();
  canonicalLocales.set(tag, canonical);
  return canonical;
}

/**
 * Device, language, IP and location describe the customer's present, so only an event at least
 * as recent as everything seen so far (`isLatest`) may change them; a late event from yesterday's
 * laptop must not overwrite today's phone.
 *
 * Time zone: the client's `context.timezone` (an IANA name the browser or app reports) always
 * beats the IP database, including a context time zone seen on an earlier event: IP geolocation
 * of a time zone is a guess (VPNs, mobile carriers), the device setting is not.
 */
export function applyPresentContext(profile: Profile, context: JsonObject, geo: GeoInfo | null, isLatest: boolean): void {
  if (!isLatest) return;

  const device = deviceFromContext(context);
  if (device !== null) profile.device = device;

  const locale = asText(context.locale, 64);
  const language = locale === null ? null : canonicalLocale(locale);
  if (language !== null) profile.language = language;

  const ip = asText(context.ip, 64);
  if (ip !== null) profile.lastIp = ip;

  const location = profile.location;
  if (geo !== null) {
    // A lookup that found nothing (private or unknown IP) must not erase a known place. When it
    // found something, the three fields are taken together so places are never mixed.
    if (geo.country !== null || geo.region !== null || geo.city !== null) {
      location.country = geo.country;
      location.region = geo.region;
      location.city = geo.city;
    }
    const ipZone = geo.timezone === null ? null : canonicalTimeZone(geo.timezone);
    if (ipZone !== null && location.timezoneSource !== 'context') {
      location.timezone = ipZone;
      location.timezoneSource = 'ip';
    }
  }
  const contextZoneName = asText(context.timezone, 64);
  if (contextZoneName !== null) {
    // Fast path: the same zone as last time needs no Intl call.
    const zone =
      location.timezoneSource === 'context' && contextZoneName === location.timezone
        ? contextZoneName
        : canonicalTimeZone(contextZoneName);
    if (zone !== null) {
      location.timezone = zone;
      location.timezoneSource = 'context';
    }
  }
}

/**
 * Last-touch campaign (context.campaign: source, medium, name, as analytics.js fills it from
 * utm_* parameters). Replaced only by a campaign seen at the same time or later.
 */
export function applyCampaign(profile: Profile, context: JsonObject, at: number): void {
  const campaign = asObject(context.campaign);
  if (campaign === null) return;
  const source = asText(campaign.source);
  const medium = asText(campaign.medium);
  const name = asText(campaign.name);
  if (source === null && medium === null && name === null) return;
  if (profile.campaign !== null && profile.campaign.at > at) return;
  profile.campaign = { source, medium, name, at };
}

/**
 * Consent per Segment's consent spec: context.consent.categoryPreferences = { category: boolean }.
 * Merged (a category not mentioned keeps its last known answer); an older event never
 * overrides a newer answer.
 */
export function applyConsent(profile: Profile, context: JsonObject, at: number): void {
  const preferences = asObject(asObject(context.consent)?.categoryPreferences);
  if (preferences === null) return;
  const consent = profile.consent;
  if (consent.updatedAt !== null && consent.updatedAt > at) return;
  if (mergeBooleans(consent.categories, preferences)) consent.updatedAt = at;
}
