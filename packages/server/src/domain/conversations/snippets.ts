import { CONVERSATION_LIMITS, type Issue } from '@omotenashi/protocol';
import { closest } from '../playbooks/suggest.js';

/*
 * Snippet variables: canned answers with the customer's name, a greeting for their time of
 * day, their last order. A variable we cannot fill is left out (and reported so the operator
 * can see it) rather than sent as "Hi {{first_name}}".
 */

export const SNIPPET_VARIABLES = ['first_name', 'greeting', 'last_order_number', 'operator_name'] as const;
export type SnippetVariable = (typeof SNIPPET_VARIABLES)[number];

export interface SnippetContext {
  firstName: string | null;
  /** The customer's local hour (fractional for minutes), null when their time zone is unknown. */
  localHour: number | null;
  /** BCP 47 tag of the customer's language (`ja`, `en-GB`), null when unknown. */
  language: string | null;
  lastOrderNumber: string | null;
  operatorName: string | null;
}

/** Per language: night (0–5), morning (5–12), afternoon (12–18), evening (18–24), hour unknown. */
const GREETINGS: Record<string, readonly [string, string, string, string, string]> = {
  en: ['Hello', 'Good morning', 'Good afternoon', 'Good evening', 'Hello'],
  // Japanese greets the late night with こんばんは too.
  ja: ['こんばんは', 'おはようございます', 'こんにちは', 'こんばんは', 'こんにちは'],
  // Доброй ночи is a farewell, so the night gets the plain hello.
  ru: ['Здравствуйте', 'Доброе утро', 'Добрый день', 'Добрый вечер', 'Здравствуйте'],
  vi: ['Xin chào', 'Chào buổi sáng', 'Chào buổi chiều', 'Chào buổi tối', 'Xin chào'],
};

/** A greeting for the customer's time of day in their language, falling back to English. */
export function greetingFor(localHour: number | null, language: string | null): string {
  const primary = language?.trim().toLowerCase().split(/[-_]/)[0] ?? 'en';
  const words = GREETINGS[primary] ?? GREETINGS['en']!;
  if (localHour === null || !(localHour >= 0 && localHour < 24)) return words[4];
  if (localHour < 5) return words[0];
  if (localHour < 12) return words[1];
  if (localHour < 18) return words[2];
  return words[3];
}

/** `{{ name }}`: whatever sits between double braces, so a misspelt name is still found. */
const TOKEN = /\{\{\s*([^{}]*?)\s*\}\}/g;
/** What may follow a left-out variable for the space before it to go too. */
const CLOSING = new Set([',', '.', '!', '?', ';', ':', ')', ']', '、', '。', '，', '！', '？', '）']);
const COMMAS = new Set([',', '、', '，']);
const isBlank = (ch: string | undefined): boolean => ch === ' ' || ch === '\t';

function valueOf(name: string, ctx: SnippetContext): string | null {
  switch (name as SnippetVariable) {
    case 'first_name': return ctx.firstName;
    case 'greeting': return greetingFor(ctx.localHour, ctx.language);
    case 'last_order_number': return ctx.lastOrderNumber;
    case 'operator_name': return ctx.operatorName;
    default: return null;
  }
}

/** `text` without trailing blanks and, when `comma`, one trailing comma among them. */
function dropTail(text: string, comma: boolean): string {
  let end = text.length;
  while (isBlank(text[end - 1])) end--;
  if (comma && COMMAS.has(text[end - 1] ?? '')) {
    end--;
    while (isBlank(text[end - 1])) end--;
  }
  return text.slice(0, end);
}

/**
 * Renders {{variable}} (whitespace allowed inside braces). Unknown or empty variables are
 * reported in `missing` and left out, taking the space or comma that only separated them
 * along: "Hi {{first_name}}, thanks" → "Hi, thanks"; "{{greeting}}, {{first_name}}!" →
 * "Good morning!"; "{{first_name}}, welcome" → "welcome".
 */
export function renderSnippet(body: string, ctx: SnippetContext): { text: string; missing: string[] } {
  const missing: string[] = [];
  let out = '';
  let last = 0;
  for (const m of body.matchAll(TOKEN)) {
    out += body.slice(last, m.index);
    last = m.index + m[0].length;
    const name = m[1] ?? '';
    const value = valueOf(name, ctx)?.trim() ?? '';
    if (value !== '') {
      out += value;
      continue;
    }
    if (!missing.includes(name)) missing.push(name);
    const next = body[last];
    if (out === '' || out.endsWith('\n')) {
      // At the start of a line: drop the blanks and comma that followed it.
      while (isBlank(body[last])) last++;
      if (COMMAS.has(body[last] ?? '')) last++;
      while (isBlank(body[last])) last++;
    } else if (next === undefined || next === '\n' || next === '\r' || CLOSING.has(next)) {
      out = dropTail(out, true);
    } else if (isBlank(next)) {
      out = dropTail(out, false);
    }
  }
  return { text: out + body.slice(last), missing };
}

const LIST = SNIPPET_VARIABLES.map((v) => `{{${v}}}`).join(', ');

/** Problems with a snippet body: not text, empty, too long, unknown variables, stray braces. */
export function validateSnippetBody(body: unknown, path: string): Issue[] {
  if (typeof body !== 'string') return [{ path, code: 'invalid_type', message: 'the snippet body must be a string' }];
  if (body.trim() === '') return [{ path, code: 'empty', message: 'the snippet body must not be empty' }];
  const max = CONVERSATION_LIMITS.snippetBodyChars;
  if (body.length > max) return [{ path, code: 'too_long', message: `the snippet body must be at most ${max} characters` }];
  const issues: Issue[] = [];
  const reported = new Set<string>();
  for (const m of body.matchAll(TOKEN)) {
    const name = m[1] ?? '';
    if ((SNIPPET_VARIABLES as readonly string[]).includes(name) || reported.has(name)) continue;
    reported.add(name);
    const guess = name === '' ? null : closest(name, SNIPPET_VARIABLES);
    const hint = guess === null ? '' : ` did you mean {{${guess}}}?`;
    issues.push({ path, code: 'invalid_value', message: `unknown variable {{${name}}};${hint} the variables are ${LIST}` });
  }
  const rest = body.replace(TOKEN, '');
  if (rest.includes('{{') || rest.includes('}}')) {
    issues.push({ path, code: 'invalid_value', message: `unbalanced braces: write variables as {{name}}, e.g. {{first_name}}` });
  }
  return issues;
}
