import type { Issue, IssueCode } from '@omotenashi/protocol';
import { PURPOSES, type Purpose, type StringPattern } from '../playbooks/definition.js';
import { validatePattern } from '../playbooks/pattern.js';
import { DEFAULT_ETIQUETTE, ETIQUETTE_BOUNDS as B, type EtiquetteSettings, type QuietHours } from './settings.js';

export type EtiquetteSettingsResult = { ok: true; settings: EtiquetteSettings } | { ok: false; issues: Issue[] };

const FIELDS: readonly string[] = Object.keys(DEFAULT_ETIQUETTE);

type Fields = Record<string, unknown>;

const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a value is, for messages ("got a string"), without echoing large input back. */
function shown(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (typeof v === 'string') return v.length <= 40 ? JSON.stringify(v) : 'a long string';
  return Array.isArray(v) ? 'an array' : `a${typeof v === 'object' ? 'n' : ''} ${typeof v}`;
}

/**
 * Validates etiquette settings from an API body or a config file. The input is partial: the
 * fields it names replace those of `base` (the defaults, or the workspace's current settings
 * for a PATCH); `consent` merges per purpose. Every problem is reported with the field's path
 * and the accepted range, so an admin can fix them all at once. Unknown fields are refused
 * (a typo like `maxPerday` silently ignored would leave the shop less polite than it thinks).
 */
export function validateEtiquetteSettings(input: unknown, base: EtiquetteSettings = DEFAULT_ETIQUETTE): EtiquetteSettingsResult {
  if (input === undefined) return { ok: true, settings: base };
  if (!isObject(input)) {
    return { ok: false, issues: [{ path: '', code: 'invalid_type', message: `etiquette settings must be an object, got ${shown(input)}` }] };
  }
  const issues: Issue[] = [];
  const add = (path: string, code: IssueCode, message: string): undefined => {
    issues.push({ path, code, message });
    return undefined;
  };
  for (const key of Object.keys(input)) {
    if (!FIELDS.includes(key)) add(key, 'invalid_value', `unknown setting; the settings are ${FIELDS.join(', ')}`);
  }
  const given = (key: keyof EtiquetteSettings): boolean => Object.hasOwn(input, key) && input[key] !== undefined;

  const integer = (key: keyof EtiquetteSettings, max: number, unit = '', range = ''): number | undefined => {
    const v = input[key];
    if (typeof v !== 'number') return add(key, 'invalid_type', `${key} must be a number, got ${shown(v)}`);
    if (!Number.isInteger(v) || v < 0 || v > max) {
      return add(key, 'invalid_value', `${key} must be a whole number${unit} from 0 to ${max}${range}, got ${shown(v)}`);
    }
    return v;
  };
  const duration = (key: keyof EtiquetteSettings, max: number, range: string): number | undefined =>
    integer(key, max, ' of milliseconds', ` (${range})`);

  const maxPerDay = given('maxPerDay') ? integer('maxPerDay', B.maxPerDay) : base.maxPerDay;
  const maxPerWeek = given('maxPerWeek') ? integer('maxPerWeek', B.maxPerWeek) : base.maxPerWeek;
  const playbookCooldownMs = given('playbookCooldownMs') ? duration('playbookCooldownMs', B.cooldownMs, '90 days') : base.playbookCooldownMs;
  const dismissCooldownMs = given('dismissCooldownMs') ? duration('dismissCooldownMs', B.cooldownMs, '90 days') : base.dismissCooldownMs;
  const typingHoldMs = given('typingHoldMs') ? duration('typingHoldMs', B.typingHoldMs, '10 minutes') : base.typingHoldMs;
  const quietHours = given('quietHours') ? readQuietHours(input['quietHours'], add) : base.quietHours;
  const paymentPages = given('paymentPages') ? readPatterns(input['paymentPages'], 'paymentPages', add) : base.paymentPages;
  const consent = given('consent') ? readConsent(input['consent'], base.consent, add) : base.consent;
  let requireExplicit = base.requireExplicitMarketingConsent;
  if (given('requireExplicitMarketingConsent')) {
    const v = input['requireExplicitMarketingConsent'];
    if (typeof v === 'boolean') requireExplicit = v;
    else add('requireExplicitMarketingConsent', 'invalid_type', `requireExplicitMarketingConsent must be true or false, got ${shown(v)}`);
  }
  if (requireExplicit && consent !== undefined && consent.marketing.length === 0) {
    // Nothing could ever be explicitly true: every marketing touch would be held, silently.
    add('requireExplicitMarketingConsent', 'invalid_value', 'requireExplicitMarketingConsent needs at least one category name in consent.marketing');
  }

  if (
    issues.length > 0 || maxPerDay === undefined || maxPerWeek === undefined || playbookCooldownMs === undefined ||
    dismissCooldownMs === undefined || typingHoldMs === undefined || quietHours === undefined ||
    paymentPages === undefined || consent === undefined
  ) {
    return { ok: false, issues };
  }
  return {
    ok: true,
    settings: { maxPerDay, maxPerWeek, playbookCooldownMs, dismissCooldownMs, quietHours, paymentPages, consent, requireExplicitMarketingConsent: requireExplicit, typingHoldMs },
  };
}

type Add = (path: string, code: IssueCode, message: string) => undefined;

function readQuietHours(v: unknown, add: Add): QuietHours | null | undefined {
  if (v === null) return null;
  if (!isObject(v)) return add('quietHours', 'invalid_type', `quietHours must be { start, end } (local hours 0–23) or null for none, got ${shown(v)}`);
  let ok = true;
  for (const key of Object.keys(v)) {
    if (key !== 'start' && key !== 'end') {
      add(`quietHours.${key}`, 'invalid_value', 'unknown field; quietHours has start and end');
      ok = false;
    }
  }
  const hour = (key: 'start' | 'end'): number | undefined => {
    const h = v[key];
    if (typeof h === 'number' && Number.isInteger(h) && h >= 0 && h <= 23) return h;
    if (h === undefined) return add(`quietHours.${key}`, 'required', `quietHours.${key} is required (a local hour 0–23)`);
    return add(`quietHours.${key}`, typeof h === 'number' ? 'invalid_value' : 'invalid_type', `quietHours.${key} must be a whole hour from 0 to 23, got ${shown(h)}`);
  };
  const start = hour('start');
  const end = hour('end');
  if (!ok || start === undefined || end === undefined) return undefined;
  if (start === end) return add('quietHours', 'invalid_value', 'quietHours.start and quietHours.end must differ (use null to turn quiet hours off)');
  return { start, end };
}

function readText(v: unknown, path: string, max: number, add: Add): string | undefined {
  if (typeof v !== 'string') return add(path, 'invalid_type', `${path} must be a string, got ${shown(v)}`);
  if (v.length === 0) return add(path, 'empty', `${path} must not be empty`);
  if (v.length > max) return add(path, 'too_long', `${path} must be at most ${max} characters`);
  return v;
}

function readList(v: unknown, path: string, maxItems: number, maxLength: number, add: Add): string[] | undefined {
  if (!Array.isArray(v)) return add(path, 'invalid_type', `${path} must be an array of strings, got ${shown(v)}`);
  if (v.length > maxItems) return add(path, 'too_many', `${path} may hold at most ${maxItems} entries`);
  const out: string[] = [];
  let ok = true;
  for (let i = 0; i < v.length; i++) {
    const s = readText(v[i], `${path}[${i}]`, maxLength, add);
    if (s === undefined) ok = false;
    else out.push(s);
  }
  return ok ? out : undefined;
}

function readPatterns(v: unknown, path: string, add: Add): StringPattern[] | undefined {
  if (!Array.isArray(v)) {
    return add(path, 'invalid_type', `${path} must be an array of page patterns (a path, { prefix }, { glob } or { oneOf }), got ${shown(v)}`);
  }
  if (v.length > B.patterns) return add(path, 'too_many', `${path} may hold at most ${B.patterns} patterns`);
  let ok = true;
  for (let i = 0; i < v.length; i++) {
    // The playbook format's own rules, so a pattern means the same here as in a trigger.
    const problem = validatePattern(v[i]);
    if (problem !== null) {
      add(`${path}[${i}]`, 'invalid_value', `${path}[${i}]: ${problem}`);
      ok = false;
    }
  }
  // Copied, so later changes to the input cannot reach the settings.
  return ok ? v.map((p: StringPattern) => (typeof p === 'string' ? p : 'oneOf' in p ? { oneOf: [...p.oneOf] } : { ...p })) : undefined;
}

function readConsent(
  v: unknown,
  base: EtiquetteSettings['consent'],
  add: Add,
): EtiquetteSettings['consent'] | undefined {
  if (!isObject(v)) return add('consent', 'invalid_type', `consent must map purposes (${PURPOSES.join(', ')}) to consent category names, got ${shown(v)}`);
  const out: Record<Purpose, readonly string[]> = { service: base.service, marketing: base.marketing };
  let ok = true;
  for (const key of Object.keys(v)) {
    if (!(PURPOSES as readonly string[]).includes(key)) {
      add(`consent.${key}`, 'invalid_value', `unknown purpose; the purposes are ${PURPOSES.join(', ')}`);
      ok = false;
      continue;
    }
    if (v[key] === undefined) continue;
    const list = readList(v[key], `consent.${key}`, B.categories, B.categoryLength, add);
    if (list === undefined) ok = false;
    else out[key as Purpose] = list;
  }
  return ok ? out : undefined;
}
