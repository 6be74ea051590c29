import { describe, expect, it } from 'vitest';
import { DAY_MS, DEFAULT_ETIQUETTE } from './settings.js';
import { validateEtiquetteSettings } from './validate-settings.js';

const issuesOf = (input: unknown) => {
  const result = validateEtiquetteSettings(input);
  return result.ok ? [] : result.issues;
};

describe('validateEtiquetteSettings', () => {
  it('gives the defaults for an empty body', () => {
    expect(validateEtiquetteSettings({})).toEqual({ ok: true, settings: DEFAULT_ETIQUETTE });
    expect(validateEtiquetteSettings(undefined)).toEqual({ ok: true, settings: DEFAULT_ETIQUETTE });
  });

  it('documents sensible defaults', () => {
    expect(DEFAULT_ETIQUETTE).toEqual({
      maxPerDay: 2,
      maxPerWeek: 5,
      playbookCooldownMs: DAY_MS,
      dismissCooldownMs: 3 * DAY_MS,
      quietHours: { start: 21, end: 8 },
      paymentPages: [{ prefix: '/checkout/payment' }, { glob: '**/payment' }, { glob: '**/payment/**' }],
      consent: { service: [], marketing: ['Advertising', 'Marketing', 'marketing'] },
      requireExplicitMarketingConsent: false,
      typingHoldMs: 15_000,
    });
    expect(Object.isFrozen(DEFAULT_ETIQUETTE.paymentPages)).toBe(true);
  });

  it('merges a partial body over the defaults (consent per purpose)', () => {
    const result = validateEtiquetteSettings({ maxPerDay: 1, quietHours: null, consent: { service: ['Functional'] } });
    expect(result).toEqual({
      ok: true,
      settings: { ...DEFAULT_ETIQUETTE, maxPerDay: 1, quietHours: null, consent: { service: ['Functional'], marketing: DEFAULT_ETIQUETTE.consent.marketing } },
    });
  });

  it('merges over a given base (a PATCH of the current settings)', () => {
    const current = { ...DEFAULT_ETIQUETTE, maxPerWeek: 3 };
    const result = validateEtiquetteSettings({ maxPerDay: 1 }, current);
    expect(result.ok && result.settings).toMatchObject({ maxPerDay: 1, maxPerWeek: 3 });
  });

  it('names each bad field and the accepted range', () => {
    expect(issuesOf({ maxPerDay: 101, maxPerWeek: -1, playbookCooldownMs: 1.5, dismissCooldownMs: '3d', typingHoldMs: 11 * 60_000 })).toEqual([
      { path: 'maxPerDay', code: 'invalid_value', message: 'maxPerDay must be a whole number from 0 to 100, got 101' },
      { path: 'maxPerWeek', code: 'invalid_value', message: 'maxPerWeek must be a whole number from 0 to 500, got -1' },
      { path: 'playbookCooldownMs', code: 'invalid_value', message: 'playbookCooldownMs must be a whole number of milliseconds from 0 to 7776000000 (90 days), got 1.5' },
      { path: 'dismissCooldownMs', code: 'invalid_type', message: 'dismissCooldownMs must be a number, got "3d"' },
      { path: 'typingHoldMs', code: 'invalid_value', message: 'typingHoldMs must be a whole number of milliseconds from 0 to 600000 (10 minutes), got 660000' },
    ]);
  });

  it('accepts the bounds themselves', () => {
    const result = validateEtiquetteSettings({ maxPerDay: 0, maxPerWeek: 500, playbookCooldownMs: 90 * DAY_MS, dismissCooldownMs: 0, typingHoldMs: 0 });
    expect(result.ok).toBe(true);
  });

  it('refuses unknown fields (a typo must not silently loosen anything)', () => {
    expect(issuesOf({ maxPerday: 1 })).toEqual([{ path: 'maxPerday', code: 'invalid_value', message: expect.stringContaining('unknown setting') }]);
  });

  it('checks quiet hours', () => {
    expect(issuesOf({ quietHours: { start: 24, end: 8 } })).toEqual([
      { path: 'quietHours.start', code: 'invalid_value', message: 'quietHours.start must be a whole hour from 0 to 23, got 24' },
    ]);
    expect(issuesOf({ quietHours: { start: 8, end: 8 } })[0]?.message).toContain('use null to turn quiet hours off');
    expect(issuesOf({ quietHours: { start: 21 } })[0]).toMatchObject({ path: 'quietHours.end', code: 'required' });
    expect(issuesOf({ quietHours: '21-8' })[0]).toMatchObject({ path: 'quietHours', code: 'invalid_type' });
  });

  it('checks payment page patterns with the playbook format rules', () => {
    expect(validateEtiquetteSettings({ paymentPages: ['/pay', { glob: '/kasse/*' }, { oneOf: ['/a', '/b'] }] }).ok).toBe(true);
    const issues = issuesOf({ paymentPages: ['/pay', { regex: '.*' }, { glob: '' }] });
    expect(issues.map((i) => i.path)).toEqual(['paymentPages[1]', 'paymentPages[2]']);
    expect(issuesOf({ paymentPages: '/pay' })[0]).toMatchObject({ path: 'paymentPages', code: 'invalid_type' });
  });

  it('copies what it accepts, so later edits to the input cannot reach the settings', () => {
    const pages = [{ prefix: '/pay' }];
    const result = validateEtiquetteSettings({ paymentPages: pages });
    pages[0]!.prefix = '/';
    expect(result.ok && result.settings.paymentPages).toEqual([{ prefix: '/pay' }]);
  });

  it('checks consent lists', () => {
    expect(issuesOf({ consent: { marketing: ['Advertising', ''] } })[0]).toMatchObject({ path: 'consent.marketing[1]', code: 'empty' });
    expect(issuesOf({ consent: { sales: [] } })[0]).toMatchObject({ path: 'consent.sales', code: 'invalid_value' });
    expect(issuesOf({ requireExplicitMarketingConsent: 'yes' })[0]).toMatchObject({ path: 'requireExplicitMarketingConsent', code: 'invalid_type' });
  });

  it('refuses an explicit-consent requirement nobody could meet', () => {
    expect(issuesOf({ requireExplicitMarketingConsent: true, consent: { marketing: [] } })[0]).toMatchObject({
      path: 'requireExplicitMarketingConsent',
      code: 'invalid_value',
    });
  });

  it('refuses a body that is not an object', () => {
    expect(issuesOf([])).toEqual([{ path: '', code: 'invalid_type', message: 'etiquette settings must be an object, got an array' }]);
    expect(issuesOf(null)[0]?.message).toContain('got null');
  });
});
