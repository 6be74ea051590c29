import { describe, expect, it } from 'vitest';
import { classifyUserAgent } from './user-agent.js';

describe('classifyUserAgent', () => {
  it.each([
    [
      'Chrome on Windows',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      { type: 'desktop', browser: 'Chrome', os: 'Windows' },
    ],
    [
      'Edge on Windows',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
      { type: 'desktop', browser: 'Edge', os: 'Windows' },
    ],
    [
      'Safari on iPhone',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
      { type: 'mobile', browser: 'Safari', os: 'iOS' },
    ],
    [
      'Chrome on iPhone',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1',
      { type: 'mobile', browser: 'Chrome', os: 'iOS' },
    ],
    [
      'Safari on iPad',
      'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
      { type: 'tablet', browser: 'Safari', os: 'iOS' },
    ],
    [
      'Safari on a Mac',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
      { type: 'desktop', browser: 'Safari', os: 'macOS' },
    ],
    [
      'Firefox on a Mac',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0',
      { type: 'desktop', browser: 'Firefox', os: 'macOS' },
    ],
    [
      'Firefox on Ubuntu',
      'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
      { type: 'desktop', browser: 'Firefox', os: 'Linux' },
    ],
    [
      'Samsung Internet on a Galaxy phone',
      'Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36',
      { type: 'mobile', browser: 'Samsung Internet', os: 'Android' },
    ],
    [
      'Chrome on an Android tablet',
      'Mozilla/5.0 (Linux; Android 12; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      { type: 'tablet', browser: 'Chrome', os: 'Android' },
    ],
    [
      'Opera on Windows',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0',
      { type: 'desktop', browser: 'Opera', os: 'Windows' },
    ],
    [
      'Chrome on a Chromebook',
      'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      { type: 'desktop', browser: 'Chrome', os: 'ChromeOS' },
    ],
    [
      'LINE in-app browser',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/12.16.0',
      { type: 'mobile', browser: 'LINE', os: 'iOS' },
    ],
    [
      'Googlebot',
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      { type: 'bot', browser: null, os: null },
    ],
    [
      'Googlebot smartphone',
      'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      { type: 'bot', browser: 'Chrome', os: 'Android' },
    ],
    [
      'a phone whose brand ends in "bot"',
      'Mozilla/5.0 (Linux; Android 9; CUBOT X19) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
      { type: 'mobile', browser: 'Chrome', os: 'Android' },
    ],
    ['curl', 'curl/8.4.0', { type: 'bot', browser: null, os: null }],
  ])('%s', (_label, ua, expected) => {
    expect(classifyUserAgent(ua)).toEqual(expected);
    expect(classifyUserAgent(ua)).toEqual(expected); // memoised answer is the same
  });

  it('knows nothing about an empty string', () => {
    expect(classifyUserAgent('  ')).toEqual({ type: null, browser: null, os: null });
  });
});
