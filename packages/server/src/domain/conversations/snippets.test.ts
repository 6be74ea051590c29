import { describe, expect, it } from 'vitest';
import { greetingFor, renderSnippet, SNIPPET_VARIABLES, validateSnippetBody, type SnippetContext } from './snippets.js';

const ctx = (over: Partial<SnippetContext> = {}): SnippetContext => ({
  firstName: 'Aiko',
  localHour: 9.5,
  language: 'en',
  lastOrderNumber: '#1042',
  operatorName: 'Mika',
  ...over,
});

describe('greetingFor', () => {
  it('follows the time of day, with the band edges on the later band', () => {
    expect([4.99, 5, 11.99, 12, 17.99, 18, 23.99, 0].map((h) => greetingFor(h, 'en'))).toEqual([
      'Hello', 'Good morning', 'Good morning', 'Good afternoon', 'Good afternoon', 'Good evening', 'Good evening', 'Hello',
    ]);
  });

  it('says hello when the hour is unknown or nonsense', () => {
    for (const h of [null, -1, 24, Number.NaN]) expect(greetingFor(h, 'en')).toBe('Hello');
    expect(greetingFor(null, 'ja')).toBe('こんにちは');
  });

  it('speaks Japanese, Russian and Vietnamese, reading only the primary language', () => {
    expect([7, 13, 20, 2].map((h) => greetingFor(h, 'ja-JP'))).toEqual(['おはようございます', 'こんにちは', 'こんばんは', 'こんばんは']);
    expect([7, 13, 20, 2].map((h) => greetingFor(h, 'RU'))).toEqual(['Доброе утро', 'Добрый день', 'Добрый вечер', 'Здравствуйте']);
    expect([7, 13, 20, 2].map((h) => greetingFor(h, 'vi_VN'))).toEqual(['Chào buổi sáng', 'Chào buổi chiều', 'Chào buổi tối', 'Xin chào']);
  });

  it('falls back to English', () => {
    expect(greetingFor(9, 'de')).toBe('Good morning');
    expect(greetingFor(9, null)).toBe('Good morning');
    expect(greetingFor(9, '')).toBe('Good morning');
  });
});

describe('renderSnippet', () => {
  it('fills every variable, with whitespace inside the braces', () => {
    expect(renderSnippet('{{greeting}} {{ first_name }}, order {{last_order_number}} is on its way. – {{operator_name}}', ctx())).toEqual({
      text: 'Good morning Aiko, order #1042 is on its way. – Mika',
      missing: [],
    });
    expect(renderSnippet('{{greeting}}', ctx({ language: 'ja', localHour: 20 })).text).toBe('こんばんは');
  });

  it('leaves a missing first name out without leaving a gap', () => {
    const noName = ctx({ firstName: null });
    expect(renderSnippet('Hi {{first_name}}, thanks for waiting.', noName)).toEqual({ text: 'Hi, thanks for waiting.', missing: ['first_name'] });
    expect(renderSnippet('{{greeting}}, {{first_name}}!', noName).text).toBe('Good morning!');
    expect(renderSnippet('Thanks {{first_name}}.', noName).text).toBe('Thanks.');
    expect(renderSnippet('Hi {{first_name}} and welcome', noName).text).toBe('Hi and welcome');
    expect(renderSnippet('Dear {{first_name}}\nYour order', noName).text).toBe('Dear\nYour order');
    expect(renderSnippet('{{first_name}}, welcome back', noName).text).toBe('welcome back');
    expect(renderSnippet('Line\n{{first_name}} hello', noName).text).toBe('Line\nhello');
    expect(renderSnippet('Hi {{first_name}}', noName).text).toBe('Hi');
  });

  it('treats a blank value as missing, and reports each name once', () => {
    expect(renderSnippet('{{first_name}} {{first_name}} ok', ctx({ firstName: '  ' }))).toEqual({ text: 'ok', missing: ['first_name'] });
    expect(renderSnippet('Order {{last_order_number}} shipped; {{operator_name}}', ctx({ lastOrderNumber: null, operatorName: null }))).toEqual({
      text: 'Order shipped;',
      missing: ['last_order_number', 'operator_name'],
    });
  });

  it('reports unknown variables and leaves them out', () => {
    expect(renderSnippet('Hi {{frist_name}}!', ctx())).toEqual({ text: 'Hi!', missing: ['frist_name'] });
  });

  it('leaves text without variables, and single braces, alone', () => {
    expect(renderSnippet('Use {curly} braces and } {', ctx())).toEqual({ text: 'Use {curly} braces and } {', missing: [] });
    expect(renderSnippet('', ctx())).toEqual({ text: '', missing: [] });
  });
});

describe('validateSnippetBody', () => {
  it('accepts every known variable', () => {
    expect(validateSnippetBody(SNIPPET_VARIABLES.map((v) => `{{ ${v} }}`).join(' '), 'body')).toEqual([]);
  });

  it('names an unknown variable and the closest known one', () => {
    const issues = validateSnippetBody('Hi {{frist_name}} and {{frist_name}} and {{First_Name}}', 'body');
    expect(issues).toHaveLength(2);
    expect(issues[0]).toEqual({ path: 'body', code: 'invalid_value', message: expect.stringContaining('unknown variable {{frist_name}}; did you mean {{first_name}}?') });
    expect(issues[1]!.message).toContain('did you mean {{first_name}}?');
    const far = validateSnippetBody('{{shipping_eta}}', 'body');
    expect(far[0]!.message).not.toContain('did you mean');
    expect(far[0]!.message).toContain('{{operator_name}}');
    expect(validateSnippetBody('{{}}', 'body')[0]!.message).toContain('unknown variable {{}}');
  });

  it('finds unbalanced braces', () => {
    for (const body of ['Hi {{first_name}', 'Hi {first_name}}', 'Hi {{ first_name', '}} {{']) {
      expect(validateSnippetBody(body, 'body'), body).toEqual([{ path: 'body', code: 'invalid_value', message: expect.stringContaining('unbalanced braces') }]);
    }
    expect(validateSnippetBody('a {single} brace', 'body')).toEqual([]);
  });

  it('checks type, emptiness and length at the limit', () => {
    expect(validateSnippetBody(5, 'body')).toEqual([{ path: 'body', code: 'invalid_type', message: expect.any(String) }]);
    expect(validateSnippetBody(' \n ', 'body')).toEqual([{ path: 'body', code: 'empty', message: expect.any(String) }]);
    expect(validateSnippetBody('x'.repeat(5000), 'body')).toEqual([]);
    expect(validateSnippetBody('x'.repeat(5001), 'body')).toEqual([{ path: 'body', code: 'too_long', message: expect.stringContaining('5000') }]);
  });
});
