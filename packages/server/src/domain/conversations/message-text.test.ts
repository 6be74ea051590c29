import { describe, expect, it } from 'vitest';
import { preview, validateMessageText } from './message-text.js';

const codes = (text: unknown, opts?: { allowEmpty?: boolean }) => validateMessageText(text, 'text', opts).map((i) => i.code);

describe('validateMessageText', () => {
  it('accepts ordinary text, Markdown and emoji', () => {
    expect(validateMessageText('Hello, is my order **shipped**? 😀', 'text')).toEqual([]);
  });

  it('needs a string', () => {
    expect(validateMessageText(undefined, 'message.text')).toEqual([{ path: 'message.text', code: 'required', message: expect.any(String) }]);
    expect(codes(null)).toEqual(['required']);
    expect(codes(42)).toEqual(['invalid_type']);
    expect(codes(['hi'])).toEqual(['invalid_type']);
  });

  it('refuses empty and whitespace-only text unless allowed', () => {
    for (const text of ['', ' ', '\n\t ', '\u200b', '\u00a0\u3000']) {
      expect(codes(text), JSON.stringify(text)).toEqual(['empty']);
      expect(codes(text, { allowEmpty: true })).toEqual([]);
    }
    expect(codes(' x ')).toEqual([]);
  });

  it('counts code points against the limit', () => {
    expect(codes('a'.repeat(10_000))).toEqual([]);
    expect(codes('a'.repeat(10_001))).toEqual(['too_long']);
    // 10,000 emoji are 20,000 UTF-16 units but 10,000 characters.
    expect(codes('😀'.repeat(10_000))).toEqual([]);
    expect(codes(`${'😀'.repeat(10_000)}a`)).toEqual(['too_long']);
    expect(codes('a'.repeat(20_001))).toEqual(['too_long']);
  });

  it('refuses NUL and lone surrogates, reporting every problem', () => {
    expect(codes('a\u0000b')).toEqual(['nul_byte']);
    expect(codes('a\uD83Db')).toEqual(['lone_surrogate']);
    expect(codes('a\uDE00')).toEqual(['lone_surrogate']);
    expect(codes('\uD83D')).toEqual(['lone_surrogate']);
    expect(codes(`${'a'.repeat(10_001)}\u0000\uD800`)).toEqual(['too_long', 'nul_byte', 'lone_surrogate']);
  });
});

describe('preview', () => {
  it('collapses whitespace', () => {
    expect(preview('  Hello\n\n  there\tfriend  ')).toBe('Hello there friend');
  });

  it('strips Markdown markers and keeps link text', () => {
    expect(preview('**Bold** and *it* and `code` and ~~gone~~')).toBe('Bold and it and code and gone');
    expect(preview('See [the tracking page](https://example.com/t?id=1) or <https://example.com>')).toBe('See the tracking page or https://example.com');
    expect(preview('# Title\n> quoted\n>> deeper\n- item\n* star\n1. one')).toBe('Title quoted deeper item star 1. one');
    expect(preview('```js\nconst a = 1;\n```')).toBe('const a = 1;');
    expect(preview('__under__ and _em_')).toBe('under and em');
  });

  it('keeps characters that are not markers where they stand', () => {
    expect(preview('order_id for order #12: 3 > 2')).toBe('order_id for order #12: 3 > 2');
    expect(preview('#hashtag')).toBe('#hashtag');
  });

  it('cuts at 140 characters, never inside an emoji', () => {
    expect(preview('a'.repeat(140))).toBe('a'.repeat(140));
    expect(preview('a'.repeat(141))).toBe('a'.repeat(140));
    expect(preview('😀'.repeat(200))).toBe('😀'.repeat(140));
    expect(preview(`${'a'.repeat(139)} b`)).toBe('a'.repeat(139));
  });

  it('is empty for nothing to show', () => {
    expect(preview('')).toBe('');
    expect(preview(' ** ')).toBe('');
  });
});
