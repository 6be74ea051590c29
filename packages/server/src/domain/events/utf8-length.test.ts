import { describe, expect, it } from 'vitest';
import { exceedsUtf8Bytes, utf8ByteLength } from './utf8-length.js';

const encoder = new TextEncoder();

describe('utf8ByteLength', () => {
  it.each(['', 'abc', 'é', 'おもてなし', '€', '😀', 'a😀b', '\u07ff\u0800', '\uffff'])('matches TextEncoder for %j', (s) => {
    expect(utf8ByteLength(s)).toBe(encoder.encode(s).length);
  });

  it('counts a lone surrogate as the 3 bytes of U+FFFD, like TextEncoder', () => {
    expect(utf8ByteLength('\ud800')).toBe(3);
    expect(utf8ByteLength('a\udc00')).toBe(4);
    expect(utf8ByteLength('\ud800a')).toBe(encoder.encode('\ud800a').length);
  });
});

describe('exceedsUtf8Bytes', () => {
  it('decides on length alone when it can, and counts in between', () => {
    expect(exceedsUtf8Bytes('a'.repeat(11), 10)).toBe(true);
    expect(exceedsUtf8Bytes('お'.repeat(3), 10)).toBe(false);
    expect(exceedsUtf8Bytes('お'.repeat(4), 12)).toBe(false);
    expect(exceedsUtf8Bytes('お'.repeat(4), 11)).toBe(true);
    expect(exceedsUtf8Bytes('a'.repeat(10), 10)).toBe(false);
  });
});
