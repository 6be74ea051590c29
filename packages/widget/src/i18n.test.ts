import { describe, expect, it } from 'vitest';
import { LOCALES, fill, formatMinutes, initials, pickLocale } from './i18n.js';

describe('i18n', () => {
  it('picks the first supported language among the candidates, else English', () => {
    expect(pickLocale(['ja'])).toBe('ja');
    expect(pickLocale([null, undefined, 'ru-RU'])).toBe('ru');
    expect(pickLocale(['fr-FR', 'vi_VN'])).toBe('vi');
    expect(pickLocale(['de', 'fr'])).toBe('en');
    expect(pickLocale([])).toBe('en');
    // data-locale first, then the snippet's config, then <html lang>, then the browser
    expect(pickLocale(['ja', 'ru', 'vi', 'en'])).toBe('ja');
  });

  it('has every string in every language', () => {
    const keys = Object.keys(LOCALES['en']!).sort();
    for (const [lang, strings] of Object.entries(LOCALES)) {
      expect(Object.keys(strings).sort(), lang).toEqual(keys);
      for (const k of keys) expect((strings as Record<string, string>)[k], `${lang}.${k}`).toBeTruthy();
    }
    expect(Object.keys(LOCALES).sort()).toEqual(['en', 'ja', 'ru', 'vi']);
  });

  it('fills placeholders and leaves unknown ones', () => {
    expect(fill('{name} is typing…', { name: 'Aiko' })).toBe('Aiko is typing…');
    expect(fill('{a} {b}', { a: 1 })).toBe('1 {b}');
  });

  it('formats a reply target in the visitor language', () => {
    expect(formatMinutes(120, 'en')).toBe('2 hours');
    expect(formatMinutes(1440, 'en')).toBe('1 day');
    expect(formatMinutes(45, 'en')).toBe('45 minutes');
    expect(formatMinutes(120, 'ru')).toMatch(/^2 час/);
  });

  it('draws initials from a name', () => {
    expect(initials('Aiko Tanaka')).toBe('AT');
    expect(initials('demo')).toBe('D');
    expect(initials('  ')).toBe('?');
    expect(initials('あいこ')).toBe('あ');
  });
});
