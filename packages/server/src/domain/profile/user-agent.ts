import type { Device } from './profile.js';

/**
 * What a support agent wants to know from a User-Agent string: phone or computer, which
 * browser, which OS. Deliberately small (a few ordered regexes, not a UA database): the answer
 * only needs to be right for the browsers customers actually use.
 */
export interface UserAgentInfo {
  type: Device['type'];
  browser: string | null;
  os: string | null;
}

// Bots: generic "…bot/…" tokens (Googlebot/2.1, bingbot/2.0, AhrefsBot/7.0) and link-preview or
// scripting clients. "[a-z]bot" needs a following separator so phones like "CUBOT X19" stay phones.
const BOT =
  /\bbot\b|[a-z]bot(?:[/\-;)]|$)|crawl|spider|slurp|facebookexternalhit|headlesschrome|lighthouse|pingdom|bingpreview|whatsapp\/|\bcurl\/|\bwget\/|python-requests|python-urllib|go-http-client|postmanruntime|node-fetch|axios\//i;
const TABLET = /ipad|tablet|kindle|silk\/|playbook|nexus (?:7|9|10)\b/i;
const MOBILE = /mobi|iphone|ipod|windows phone|blackberry|bb10|opera mini/i;

// Order matters: Chromium-based browsers also say "Chrome/…", and nearly everyone says "Safari/…".
const BROWSERS: readonly (readonly [RegExp, string])[] = [
  [/\bedg(?:e|a|ios)?\//i, 'Edge'],
  [/\bopr\/|\bopera\b|\bopios\//i, 'Opera'],
  [/samsungbrowser\//i, 'Samsung Internet'],
  [/yabrowser\//i, 'Yandex Browser'],
  [/ucbrowser\//i, 'UC Browser'],
  [/\bline\//i, 'LINE'],
  [/\bfban\/|\bfbav\/|fb_iab/i, 'Facebook'],
  [/instagram/i, 'Instagram'],
  [/firefox\/|fxios\//i, 'Firefox'],
  [/msie |trident\//i, 'Internet Explorer'],
  [/; wv\)/i, 'Android WebView'],
  [/chromium\//i, 'Chromium'],
  [/crios\/|chrome\//i, 'Chrome'],
  [/version\/[\d.]+.*safari\//i, 'Safari'],
];

// iOS before macOS (iOS UAs say "like Mac OS X"); Android before Linux (Android UAs say "Linux").
const SYSTEMS: readonly (readonly [RegExp, string])[] = [
  [/windows phone/i, 'Windows'],
  [/iphone|ipad|ipod|\bios\b/i, 'iOS'],
  [/android/i, 'Android'],
  [/\bcros\b/i, 'ChromeOS'],
  [/windows/i, 'Windows'],
  [/macintosh|mac os x/i, 'macOS'],
  [/linux|x11/i, 'Linux'],
];

function firstMatch(ua: string, table: readonly (readonly [RegExp, string])[]): string | null {
  for (const [pattern, name] of table) if (pattern.test(ua)) return name;
  return null;
}

function deviceType(ua: string): Device['type'] {
  if (BOT.test(ua)) return 'bot';
  if (TABLET.test(ua)) return 'tablet';
  // Android phones say "Mobile"; Android tablets do not.
  if (/android/i.test(ua)) return /mobile/i.test(ua) ? 'mobile' : 'tablet';
  if (MOBILE.test(ua)) return 'mobile';
  return 'desktop';
}

function classify(ua: string): UserAgentInfo {
  return { type: deviceType(ua), browser: firstMatch(ua, BROWSERS), os: firstMatch(ua, SYSTEMS) };
}

// Most traffic comes from a few hundred distinct UA strings; memoising the pure classification
// keeps the regex work off the 20k events/s path. Cleared when full to stay bounded.
const CACHE_LIMIT = 500;
const cache = new Map<string, UserAgentInfo>();

/** Classifies a User-Agent string; an empty string yields all nulls. */
export function classifyUserAgent(userAgent: string): UserAgentInfo {
  const ua = userAgent.trim();
  if (ua === '') return { type: null, browser: null, os: null };
  const cached = cache.get(ua);
  if (cached !== undefined) return { ...cached };
  const info = classify(ua);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(ua, info);
  return { ...info };
}
