import { describe, expect, it } from 'vitest';
import { effectiveEtiquette } from './effective.js';
import { DAY_MS, DEFAULT_ETIQUETTE as D } from './settings.js';

describe('effectiveEtiquette: a playbook may tighten, never loosen', () => {
  it('takes the longer cooldown and the lower caps', () => {
    expect(effectiveEtiquette(D, { cooldownMs: 7 * DAY_MS, maxPerDay: 1, maxPerWeek: 2 })).toEqual({
      ...D,
      playbookCooldownMs: 7 * DAY_MS,
      maxPerDay: 1,
      maxPerWeek: 2,
    });
  });

  it('ignores attempts to loosen', () => {
    expect(effectiveEtiquette(D, { cooldownMs: 60_000, maxPerDay: 10, maxPerWeek: 50 })).toBe(D);
  });

  it('mixes field by field', () => {
    expect(effectiveEtiquette(D, { cooldownMs: 60_000, maxPerDay: 1 })).toEqual({ ...D, maxPerDay: 1 });
  });

  it('returns the workspace settings themselves when nothing changes (no allocation)', () => {
    expect(effectiveEtiquette(D, undefined)).toBe(D);
    expect(effectiveEtiquette(D, {})).toBe(D);
  });

  it('ignores values that are not usable numbers (a NaN cap would let everything through)', () => {
    expect(effectiveEtiquette(D, { maxPerDay: Number.NaN, maxPerWeek: -1, cooldownMs: Number.POSITIVE_INFINITY })).toBe(D);
  });
});
