import { describe, expect, it } from 'vitest';
import { loosenedFields } from './loosened-fields.js';
import { DEFAULT_ETIQUETTE as D, HOUR_MS } from './settings.js';

describe('loosenedFields (only admins may loosen)', () => {
  it('is empty for no change and for any tightening', () => {
    expect(loosenedFields(D, D)).toEqual([]);
    expect(loosenedFields(D, {
      ...D,
      maxPerDay: 1,
      maxPerWeek: 3,
      playbookCooldownMs: D.playbookCooldownMs * 2,
      dismissCooldownMs: D.dismissCooldownMs * 2,
      quietHours: { start: 20, end: 9 },
      paymentPages: [...D.paymentPages, { prefix: '/kasse' }],
      consent: { service: ['Functional'], marketing: [...D.consent.marketing, 'Ads'] },
      requireExplicitMarketingConsent: true,
      typingHoldMs: 30_000,
    })).toEqual([]);
  });

  it('names every loosened field', () => {
    expect(loosenedFields(D, {
      ...D,
      maxPerDay: 3,
      maxPerWeek: 6,
      playbookCooldownMs: HOUR_MS,
      dismissCooldownMs: HOUR_MS,
      quietHours: { start: 22, end: 8 },
      paymentPages: [{ prefix: '/checkout/payment' }],
      consent: { service: [], marketing: ['Advertising'] },
      typingHoldMs: 5_000,
    })).toEqual(['maxPerDay', 'maxPerWeek', 'playbookCooldownMs', 'dismissCooldownMs', 'quietHours', 'paymentPages', 'consent.marketing', 'typingHoldMs']);
  });

  it('treats turning quiet hours off, or shifting them, as loosening', () => {
    expect(loosenedFields(D, { ...D, quietHours: null })).toEqual(['quietHours']);
    expect(loosenedFields(D, { ...D, quietHours: { start: 22, end: 9 } })).toEqual(['quietHours']);
    expect(loosenedFields({ ...D, quietHours: null }, D)).toEqual([]);
  });

  it('treats dropping the explicit marketing opt-in, or widening it, as loosening', () => {
    const strict = { ...D, requireExplicitMarketingConsent: true };
    expect(loosenedFields(strict, D)).toEqual(['requireExplicitMarketingConsent']);
    // Under an opt-in requirement, another accepted category is another way to say yes.
    expect(loosenedFields(strict, { ...strict, consent: { ...D.consent, marketing: [...D.consent.marketing, 'Ads'] } })).toEqual(['consent.marketing']);
  });

  it('ignores reordering lists', () => {
    expect(loosenedFields(D, { ...D, paymentPages: [...D.paymentPages].reverse() })).toEqual([]);
  });
});
