import { describe, expect, it } from 'vitest';
import { HOLD_REASONS, checkEtiquette } from './check.js';
import { effectiveEtiquette } from './effective.js';
import { DAY, HOUR, MIN, NOW, check, ruleOf, scene, touched, type Scene } from './etiquette.test-helpers.js';
import { recordDecline, recordDismissal } from './ledger.js';
import { localHourOf } from './local-hour.js';
import { ensureMemory } from './memory.js';
import { DEFAULT_ETIQUETTE } from './settings.js';

const onPage = (s: Scene, path: string): void => {
  s.profile.session.currentPage = { url: null, path, title: null, name: null, at: NOW - MIN };
};

describe('consent', () => {
  it('holds marketing when the customer refused an advertising/marketing category', () => {
    const s = scene();
    s.profile.consent.categories = { Advertising: false, Analytics: true };
    const verdict = check(s, { purpose: 'marketing' });
    expect(verdict).toEqual({ ok: false, rule: 'no_consent', detail: expect.stringContaining('"Advertising" is false') });
  });

  it('treats a category the customer never answered as no refusal (missing ≠ false)', () => {
    const s = scene();
    expect(ruleOf(check(s, { purpose: 'marketing' }))).toBe('ok');
    s.profile.consent.categories = { Analytics: false };
    expect(ruleOf(check(s, { purpose: 'marketing' }))).toBe('ok');
    s.profile.consent.categories = { Marketing: true };
    expect(ruleOf(check(s, { purpose: 'marketing' }))).toBe('ok');
  });

  it('a "no" in any listed category wins over a "yes" in another', () => {
    const s = scene();
    s.profile.consent.categories = { Advertising: true, marketing: false };
    expect(ruleOf(check(s, { purpose: 'marketing' }))).toBe('no_consent');
  });

  it('does not hold service touches on a marketing refusal', () => {
    const s = scene();
    s.profile.consent.categories = { Advertising: false, Marketing: false };
    expect(ruleOf(check(s, { purpose: 'service' }))).toBe('ok');
  });

  it('holds marketing on the staff channel too (no "call them about the sale" after a no)', () => {
    const s = scene();
    s.profile.consent.categories = { Marketing: false };
    expect(ruleOf(check(s, { purpose: 'marketing', channel: 'staff' }))).toBe('no_consent');
  });

  it('with requireExplicitMarketingConsent, needs one listed category to be true', () => {
    const settings = { ...DEFAULT_ETIQUETTE, requireExplicitMarketingConsent: true };
    const s = scene();
    const missing = check(s, { purpose: 'marketing', settings });
    expect(ruleOf(missing)).toBe('no_consent');
    expect(missing.ok ? '' : missing.detail).toContain('explicit consent');
    s.profile.consent.categories = { marketing: true };
    expect(ruleOf(check(s, { purpose: 'marketing', settings }))).toBe('ok');
    expect(ruleOf(check(scene(), { purpose: 'service', settings }))).toBe('ok');
  });

  it('holds away touches when the customer turned off every channel they set', () => {
    const s = scene();
    s.profile.channels = { email: false, sms: false };
    const verdict = check(s, { channel: 'away' });
    expect(verdict).toEqual({ ok: false, rule: 'no_consent', detail: expect.stringContaining('email, sms') });
    // On the site they are still welcome: channel preferences are about reaching them away.
    expect(ruleOf(check(s, { channel: 'onsite' }))).toBe('ok');
  });

  it('lets away touches through when some channel is on, or none was set', () => {
    const s = scene();
    expect(ruleOf(check(s, { channel: 'away' }))).toBe('ok');
    s.profile.channels = { email: false, sms: true };
    expect(ruleOf(check(s, { channel: 'away' }))).toBe('ok');
  });

  it('does not read consent categories from the object prototype', () => {
    const settings = { ...DEFAULT_ETIQUETTE, requireExplicitMarketingConsent: true, consent: { service: [], marketing: ['constructor'] } };
    expect(ruleOf(check(scene(), { purpose: 'marketing', settings }))).toBe('no_consent');
  });
});

describe('declined', () => {
  it('silences the declined playbook on every channel for dismissCooldownMs (3 days)', () => {
    const s = scene();
    recordDecline(s.care, 'stuck-at-payment', NOW - 2 * HOUR);
    const verdict = check(s);
    expect(verdict).toEqual({ ok: false, rule: 'declined', detail: expect.stringContaining('customer declined this playbook 2 h ago') });
    expect(ruleOf(check(s, { channel: 'staff' }))).toBe('declined');
  });

  it('ends exactly when the cooldown does', () => {
    const s = scene();
    s.care.playbooks['stuck-at-payment'] = { declinedAt: NOW - 3 * DAY + 1 };
    expect(ruleOf(check(s, { channel: 'staff' }))).toBe('declined');
    s.care.playbooks['stuck-at-payment'] = { declinedAt: NOW - 3 * DAY };
    expect(ruleOf(check(s, { channel: 'staff' }))).toBe('ok');
  });

  it('holds other playbooks as a dismissal, not as declined', () => {
    const s = scene();
    recordDecline(s.care, 'size-help', NOW - HOUR);
    expect(ruleOf(check(s))).toBe('dismissed_recently');
    expect(ruleOf(check(s, { channel: 'staff' }))).toBe('ok');
  });
});

describe('dismissed recently', () => {
  it('holds customer-facing touches from every playbook for 3 days after a dismissal', () => {
    const s = scene();
    recordDismissal(s.care, NOW - 5 * HOUR);
    const verdict = check(s, { channel: 'away' });
    expect(verdict).toEqual({ ok: false, rule: 'dismissed_recently', detail: expect.stringContaining('dismissed a touch 5 h ago') });
    expect(ruleOf(check(s, { channel: 'onsite' }))).toBe('dismissed_recently');
    expect(ruleOf(check(s, { channel: 'staff' }))).toBe('ok');
  });

  it('ends exactly 3 days later', () => {
    const s = scene();
    s.care.dismissedAt = NOW - 3 * DAY + 1;
    expect(ruleOf(check(s))).toBe('dismissed_recently');
    s.care.dismissedAt = NOW - 3 * DAY;
    expect(ruleOf(check(s))).toBe('ok');
  });
});

describe('playbook cooldown', () => {
  it('holds the same playbook for 24 h on every channel, staff too', () => {
    const s = scene();
    ensureMemory(s.care, 'stuck-at-payment').lastFiredAt = NOW - 23 * HOUR;
    const verdict = check(s, { channel: 'staff' });
    expect(verdict).toEqual({ ok: false, rule: 'cooldown', detail: expect.stringContaining('23 h ago (cooldown 24 h)') });
    // Another playbook is not cooling down.
    expect(ruleOf(check(s, { key: 'size-help' }))).toBe('ok');
  });

  it('ends exactly 24 h later', () => {
    const s = scene();
    ensureMemory(s.care, 'stuck-at-payment').lastFiredAt = NOW - DAY + 1;
    expect(ruleOf(check(s))).toBe('cooldown');
    ensureMemory(s.care, 'stuck-at-payment').lastFiredAt = NOW - DAY;
    expect(ruleOf(check(s))).toBe('ok');
  });

  it("uses a playbook's longer cooldown", () => {
    const s = scene();
    ensureMemory(s.care, 'stuck-at-payment').lastFiredAt = NOW - 30 * HOUR;
    const settings = effectiveEtiquette(DEFAULT_ETIQUETTE, { cooldownMs: 2 * DAY });
    expect(ruleOf(check(s, { settings }))).toBe('cooldown');
  });
});

describe('daily and weekly caps', () => {
  it('allows the 2nd touch in 24 h and holds the 3rd (maxPerDay 2), then allows again 24 h after the first', () => {
    const s = scene();
    const first = NOW - 10 * HOUR;
    touched(s, first);
    expect(ruleOf(check(s))).toBe('ok');
    touched(s, NOW - HOUR);
    expect(check(s)).toEqual({ ok: false, rule: 'daily_cap', detail: '2 service touches in the last 24 h (limit 2)' });
    expect(ruleOf(check(s, { now: first + DAY - 1 }))).toBe('daily_cap');
    expect(ruleOf(check(s, { now: first + DAY }))).toBe('ok');
  });

  it('counts customer-facing touches of the same purpose only', () => {
    const s = scene();
    touched(s, NOW - 3 * HOUR, 'a', 'staff');
    touched(s, NOW - 2 * HOUR, 'b', 'staff');
    touched(s, NOW - 2 * HOUR, 'c', 'onsite', 'marketing');
    touched(s, NOW - HOUR, 'd', 'away', 'marketing');
    expect(ruleOf(check(s, { purpose: 'service' }))).toBe('ok');
    expect(ruleOf(check(s, { purpose: 'marketing' }))).toBe('daily_cap');
    // Away touches count as much as on-site ones.
    expect(ruleOf(check(s, { purpose: 'marketing', channel: 'away' }))).toBe('daily_cap');
  });

  it('holds the 6th touch in 7 days (maxPerWeek 5) until the oldest is 7 days old', () => {
    const s = scene();
    const oldest = NOW - 6 * DAY;
    for (let d = 6; d >= 2; d--) touched(s, NOW - d * DAY);
    expect(check(s)).toEqual({ ok: false, rule: 'weekly_cap', detail: '5 service touches in the last 7 days (limit 5)' });
    expect(ruleOf(check(s, { now: oldest + 7 * DAY - 1 }))).toBe('weekly_cap');
    expect(ruleOf(check(s, { now: oldest + 7 * DAY }))).toBe('ok');
  });

  it("applies a playbook's lower cap, down to 0 (staff only)", () => {
    const s = scene();
    touched(s, NOW - HOUR);
    expect(ruleOf(check(s, { settings: effectiveEtiquette(DEFAULT_ETIQUETTE, { maxPerDay: 1 }) }))).toBe('daily_cap');
    const none = effectiveEtiquette(DEFAULT_ETIQUETTE, { maxPerDay: 0 });
    expect(check(scene(), { settings: none })).toEqual({ ok: false, rule: 'daily_cap', detail: '0 service touches in the last 24 h (limit 0)' });
    expect(ruleOf(check(scene(), { settings: none, channel: 'staff' }))).toBe('ok');
  });
});

describe('quiet hours (away only, customer local time)', () => {
  const away = (localHour: number | null, settings = DEFAULT_ETIQUETTE) => check(scene(), { channel: 'away', localHour, settings });

  it('holds from 21:00 up to 08:00 and names the time', () => {
    expect(ruleOf(away(20 + 59 / 60))).toBe('ok');
    expect(ruleOf(away(21))).toBe('quiet_hours');
    expect(away(23 + 10 / 60)).toEqual({ ok: false, rule: 'quiet_hours', detail: '23:10 local time is within quiet hours 21:00–08:00' });
    expect(ruleOf(away(0))).toBe('quiet_hours');
    expect(ruleOf(away(7 + 59 / 60))).toBe('quiet_hours');
    expect(ruleOf(away(8))).toBe('ok');
  });

  it("uses the customer's time zone (Asia/Tokyo)", () => {
    const s = scene();
    s.profile.location.timezone = 'Asia/Tokyo';
    const at = (iso: string) => {
      const now = Date.parse(iso);
      return ruleOf(check(s, { channel: 'away', now, localHour: localHourOf(s.profile, now) }));
    };
    expect(at('2026-11-23T11:59:00Z')).toBe('ok'); // 20:59 in Tokyo
    expect(at('2026-11-23T12:00:00Z')).toBe('quiet_hours'); // 21:00
    expect(at('2026-11-23T22:59:00Z')).toBe('quiet_hours'); // 07:59 next day
    expect(at('2026-11-23T23:00:00Z')).toBe('ok'); // 08:00
  });

  it('does not hold when the time zone is unknown, when quiet hours are off, or on site', () => {
    expect(ruleOf(away(null))).toBe('ok');
    expect(ruleOf(away(23, { ...DEFAULT_ETIQUETTE, quietHours: null }))).toBe('ok');
    expect(ruleOf(check(scene(), { channel: 'onsite', localHour: 23 }))).toBe('ok');
    expect(ruleOf(check(scene(), { channel: 'staff', localHour: 23 }))).toBe('ok');
  });

  it('supports a window within one day', () => {
    const lunch = { ...DEFAULT_ETIQUETTE, quietHours: { start: 12, end: 14 } };
    expect(ruleOf(away(11 + 59 / 60, lunch))).toBe('ok');
    expect(ruleOf(away(12, lunch))).toBe('quiet_hours');
    expect(ruleOf(away(14, lunch))).toBe('ok');
    expect(ruleOf(away(23, lunch))).toBe('ok');
  });
});

describe("don't interrupt (onsite only)", () => {
  it('holds while the customer is typing', () => {
    const s = scene();
    s.care.typingUntil = NOW + 4000;
    expect(check(s)).toEqual({ ok: false, rule: 'typing', detail: 'customer is typing (hold for another 4 s)' });
    s.care.typingUntil = NOW;
    expect(ruleOf(check(s))).toBe('ok');
  });

  it('holds on payment pages unless the playbook is about payment', () => {
    const s = scene();
    for (const path of ['/checkout/payment', '/checkout/payment-method', '/checkout/payment/card', '/shop/payment', '/payment']) {
      onPage(s, path);
      expect([path, ruleOf(check(s))]).toEqual([path, 'paying']);
      expect([path, ruleOf(check(s, { about: ['payment'] }))]).toEqual([path, 'ok']);
    }
    // The globs match a whole segment; the default prefix also covers /checkout/payment-method.
    for (const path of ['/checkout/shipping', '/account/payments', '/payment-methods-explained']) {
      onPage(s, path);
      expect([path, ruleOf(check(s))]).toEqual([path, 'ok']);
    }
  });

  it('uses the workspace payment pages', () => {
    const s = scene();
    onPage(s, '/kasse/zahlung');
    const settings = { ...DEFAULT_ETIQUETTE, paymentPages: [{ prefix: '/kasse/zahlung' }] };
    expect(ruleOf(check(s, { settings }))).toBe('paying');
    expect(ruleOf(check(s))).toBe('ok');
  });

  it('holds while the customer is in a conversation', () => {
    const s = scene();
    s.care.inConversationUntil = NOW + 5 * MIN;
    expect(check(s)).toEqual({ ok: false, rule: 'in_conversation', detail: 'customer is in a conversation (for another 5 min)' });
    s.care.inConversationUntil = NOW;
    expect(ruleOf(check(s))).toBe('ok');
  });

  it('does not hold away or staff touches', () => {
    const s = scene();
    s.care.typingUntil = NOW + MIN;
    s.care.inConversationUntil = NOW + MIN;
    onPage(s, '/checkout/payment');
    expect(ruleOf(check(s, { channel: 'away' }))).toBe('ok');
    expect(ruleOf(check(s, { channel: 'staff' }))).toBe('ok');
  });
});

describe('rule order', () => {
  it('gives the most fundamental reason first', () => {
    const s = scene();
    s.profile.consent.categories = { Marketing: false };
    recordDecline(s.care, 'stuck-at-payment', NOW - HOUR);
    ensureMemory(s.care, 'stuck-at-payment').lastFiredAt = NOW - HOUR;
    touched(s, NOW - 2 * HOUR, 'x', 'onsite', 'marketing');
    touched(s, NOW - 3 * HOUR, 'y', 'onsite', 'marketing');
    for (let d = 2; d <= 6; d++) touched(s, NOW - d * DAY, 'z', 'onsite', 'marketing');
    s.care.typingUntil = NOW + MIN;
    s.care.inConversationUntil = NOW + MIN;
    onPage(s, '/checkout/payment');
    const seen: string[] = [];
    const next = () => ruleOf(check(s, { purpose: 'marketing' }));
    seen.push(next());
    s.profile.consent.categories = {};
    seen.push(next());
    ensureMemory(s.care, 'stuck-at-payment').declinedAt = undefined;
    seen.push(next());
    s.care.dismissedAt = undefined;
    seen.push(next());
    ensureMemory(s.care, 'stuck-at-payment').lastFiredAt = undefined;
    seen.push(next());
    s.care.touches.splice(-2);
    seen.push(next());
    s.care.touches.length = 0;
    seen.push(next());
    s.care.typingUntil = undefined;
    seen.push(next());
    s.profile.session.currentPage = null;
    seen.push(next());
    s.care.inConversationUntil = undefined;
    seen.push(next());
    expect(seen).toEqual(['no_consent', 'declined', 'dismissed_recently', 'cooldown', 'daily_cap', 'weekly_cap', 'typing', 'paying', 'in_conversation', 'ok']);
    expect(HOLD_REASONS.filter((r) => !seen.includes(r))).toEqual(['quiet_hours', 'superseded']);
  });

  it('lets staff work through caps, quiet hours and interruptions', () => {
    const s = scene();
    for (let i = 1; i <= 6; i++) touched(s, NOW - i * HOUR);
    s.care.typingUntil = NOW + MIN;
    onPage(s, '/checkout/payment');
    expect(checkEtiquette({ settings: DEFAULT_ETIQUETTE, playbook: { key: 'vip-alert', purpose: 'service', priority: 90, about: [] }, channel: 'staff', care: s.care, profile: s.profile, now: NOW, localHour: 23 })).toEqual({ ok: true });
  });
});
