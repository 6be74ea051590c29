/** Formatting for people: relative times, durations, money, local times. Pure functions. */
import { locale, t } from './i18n';

export function toMs(v: string | number | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : ms;
}

/** "3 min", "2 h", "4 d": a compact duration, for timers and "ago". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(Math.abs(ms) / 1000));
  if (s < 60) return t('time.seconds', { n: s });
  const m = Math.floor(s / 60);
  if (m < 60) return t('time.minutes', { n: m });
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 && h < 10 ? t('time.hoursMinutes', { h, m: m % 60 }) : t('time.hours', { n: h });
  return t('time.days', { n: Math.floor(h / 24) });
}

export function ago(at: string | number | null | undefined, now = Date.now()): string {
  const ms = toMs(at);
  if (ms === null) return '';
  if (now - ms < 45_000) return t('time.justNow');
  return t('time.ago', { d: duration(now - ms) });
}

/** A calendar day ("2026-11-27", or epoch ms read as a UTC day), in the operator's words. */
export function day(at: string | number): string {
  const ms = typeof at === 'number' ? at : Date.parse(`${at}T00:00:00Z`);
  if (Number.isNaN(ms)) return String(at);
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(ms);
}

export function dateTime(at: string | number | null | undefined): string {
  const ms = toMs(at);
  if (ms === null) return '';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

export function shortTime(at: string | number | null | undefined): string {
  const ms = toMs(at);
  if (ms === null) return '';
  const d = new Date(ms);
  const sameDay = new Date().toDateString() === d.toDateString();
  return new Intl.DateTimeFormat(locale(), sameDay ? { timeStyle: 'short' } : { month: 'short', day: 'numeric' }).format(ms);
}

export function money(value: number | null | undefined, currency: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (currency && /^[A-Z]{3}$/.test(currency)) {
    try {
      return new Intl.NumberFormat(locale(), { style: 'currency', currency }).format(value);
    } catch {
      // unknown currency code: show the number and the code
    }
  }
  return `${new Intl.NumberFormat(locale(), { maximumFractionDigits: 2 }).format(value)}${currency ? ` ${currency}` : ''}`;
}

export function percent(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  return `${Math.round(v * 1000) / 10}%`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 102.4) / 10} KB`;
  return `${Math.round(n / 104857.6) / 10} MB`;
}

/** Initials for an avatar: at most two letters, from any script. */
export function initials(name: string | null | undefined): string {
  if (!name) return '?';
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const chars = parts.length > 1 ? [parts[0]!, parts[parts.length - 1]!].map((p) => Array.from(p)[0]) : Array.from(parts[0] ?? '?').slice(0, 2);
  return chars.join('').toUpperCase();
}
