import type { Profile } from './profile.js';

/** A profile with no history yet, created at `at` (epoch ms). */
export function emptyProfile(at: number): Profile {
  return {
    traits: {},
    firstSeen: at,
    lastSeen: at,
    eventCount: 0,
    session: { count: 0, startedAt: null, lastActivityAt: null, pages: [], currentPage: null },
    recentPages: [],
    recentProducts: [],
    cart: { items: [], value: 0, currency: null, updatedAt: null, checkoutStartedAt: null, paymentInfoAt: null },
    orders: { count: 0, lifetimeValue: 0, currency: null, firstOrderAt: null, lastOrderAt: null, recent: [] },
    device: { type: null, browser: null, os: null, model: null, app: null },
    language: null,
    lastIp: null,
    location: { country: null, region: null, city: null, timezone: null, timezoneSource: null },
    journey: { stage: 'browsing', since: at },
    moments: [],
    consent: { categories: {}, updatedAt: null },
    channels: {},
    campaign: null,
    groups: [],
  };
}
