/**
 * A small i18n module: English and Japanese dictionaries, `t(key, vars)` with {name} placeholders.
 * The language comes from localStorage, else the browser; switching re-renders from the root.
 */
import { en } from './i18n-en';
import { ja } from './i18n-ja';

export type Lang = 'en' | 'ja';
export type Key = keyof typeof en;
export const LANGS: Lang[] = ['en', 'ja'];
const DICTS: Record<Lang, Record<Key, string>> = { en, ja };
const STORAGE_KEY = 'omotenashi.console.lang';

function initial(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'ja') return saved;
  } catch {
    // storage blocked: fall through to the browser's language
  }
  const langs = typeof navigator !== 'undefined' ? navigator.languages ?? [navigator.language] : [];
  return langs.some((l) => l?.toLowerCase().startsWith('ja')) && !langs[0]?.toLowerCase().startsWith('en') ? 'ja' : 'en';
}

let current: Lang = initial();
const listeners = new Set<(l: Lang) => void>();

export function lang(): Lang { return current; }
export function locale(): string { return current === 'ja' ? 'ja-JP' : 'en-GB'; }

export function setLang(l: Lang): void {
  current = l;
  try { localStorage.setItem(STORAGE_KEY, l); } catch { /* not persisted; still switched */ }
  document.documentElement.lang = l;
  for (const fn of listeners) fn(l);
}

export function onLang(fn: (l: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function t(key: Key, vars?: Record<string, string | number>): string {
  let s = DICTS[current][key] ?? en[key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/** Translate a known key if it exists (hold-back reasons, stages, statuses), else show it as it came. */
export function tMaybe(prefix: string, value: string): string {
  const key = `${prefix}.${value}` as Key;
  return key in en ? t(key) : value.replace(/_/g, ' ');
}

if (typeof document !== 'undefined') document.documentElement.lang = current;
