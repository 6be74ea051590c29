import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown } from './markdown.js';

describe('safe Markdown', () => {
  it('keeps HTML as text', () => {
    expect(parseMarkdown('<img src=x onerror=alert(1)> <b>hi</b>')).toEqual([{ t: 'p', c: [{ t: 'text', v: '<img src=x onerror=alert(1)> <b>hi</b>' }] }]);
  });

  it('renders emphasis, strong and code', () => {
    expect(parseInline('a *b* **c** `d*e*`')).toEqual([
      { t: 'text', v: 'a ' }, { t: 'em', c: [{ t: 'text', v: 'b' }] }, { t: 'text', v: ' ' },
      { t: 'strong', c: [{ t: 'text', v: 'c' }] }, { t: 'text', v: ' ' }, { t: 'code', v: 'd*e*' },
    ]);
    expect(parseInline('snake_case_name stays')).toEqual([{ t: 'text', v: 'snake_case_name stays' }]);
    expect(parseInline('2 * 3 * 4')).toEqual([{ t: 'text', v: '2 * 3 * 4' }]);
  });

  it('links only to http(s) targets', () => {
    expect(parseInline('[help](https://shop.test/help)')).toEqual([{ t: 'link', href: 'https://shop.test/help', c: [{ t: 'text', v: 'help' }] }]);
    expect(parseInline('[x](javascript:alert)')).toEqual([{ t: 'text', v: 'x' }]);
    expect(parseInline('[x](data:text/html,hi)')).toEqual([{ t: 'text', v: 'x' }]);
    expect(parseInline('see https://shop.test/a.')).toEqual([{ t: 'text', v: 'see ' }, { t: 'link', href: 'https://shop.test/a', c: [{ t: 'text', v: 'https://shop.test/a' }] }, { t: 'text', v: '.' }]);
  });

  it('reads lists, paragraphs, line breaks and code blocks', () => {
    expect(parseMarkdown('Ways to pay:\n- card\n- *bank* transfer\n\n1. one\n2. two\nline\nnext\n```\n<x>\n```')).toEqual([
      { t: 'p', c: [{ t: 'text', v: 'Ways to pay:' }] },
      { t: 'ul', items: [[{ t: 'text', v: 'card' }], [{ t: 'em', c: [{ t: 'text', v: 'bank' }] }, { t: 'text', v: ' transfer' }]] },
      { t: 'ol', items: [[{ t: 'text', v: 'one' }], [{ t: 'text', v: 'two' }]] },
      { t: 'p', c: [{ t: 'text', v: 'line' }, { t: 'br' }, { t: 'text', v: 'next' }] },
      { t: 'pre', v: '<x>' },
    ]);
  });

  it('honours backslash escapes', () => {
    expect(parseInline('\\*not em\\*')).toEqual([{ t: 'text', v: '*not em*' }]);
  });
});
