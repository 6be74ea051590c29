import { CONVERSATION_LIMITS, type Issue } from '@omotenashi/protocol';

/*
 * The text of a chat message: what is refused before it is stored, and the one-line preview
 * the inbox shows.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Whitespace and the zero-width characters that make a message look empty. */
const BLANK = /^[\s\u200b-\u200d\u2060]*$/;

/** Code points in `text`, counting only as far as needed to know whether it exceeds `max`. */
function exceeds(text: string, max: number): boolean {
  if (text.length <= max) return false;
  // Every code point is at most two UTF-16 units.
  if (text.length > 2 * max) return true;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    if (++count > max) return true;
  }
  return false;
}

/**
 * Problems with a message's text. It must be a string with something to read (unless
 * `allowEmpty`: attachments can be the whole message), at most messageChars code points (so
 * an emoji counts as one, as people count), without NUL (PostgreSQL refuses it in text) or
 * lone surrogates (they cannot be encoded as UTF-8).
 */
export function validateMessageText(text: unknown, path: string, opts: { allowEmpty?: boolean } = {}): Issue[] {
  if (text === undefined || text === null) return [{ path, code: 'required', message: 'the message text is required' }];
  if (typeof text !== 'string') return [{ path, code: 'invalid_type', message: `the message text must be a string, got ${Array.isArray(text) ? 'an array' : typeof text}` }];
  const issues: Issue[] = [];
  const max = CONVERSATION_LIMITS.messageChars;
  if (exceeds(text, max)) issues.push({ path, code: 'too_long', message: `the message text must be at most ${max} characters` });
  if (text.includes('\u0000')) issues.push({ path, code: 'nul_byte', message: 'the message text must not contain NUL characters (\\u0000)' });
  if (LONE_SURROGATE.test(text)) issues.push({ path, code: 'lone_surrogate', message: 'the message text contains a lone UTF-16 surrogate (not valid Unicode)' });
  if (!opts.allowEmpty && BLANK.test(text)) issues.push({ path, code: 'empty', message: 'the message text must not be empty or only whitespace' });
  return issues;
}

export const PREVIEW_CHARS = 140;

/**
 * The first 140 characters of a message as plain text: whitespace collapsed and Markdown
 * markers stripped ("**Hi** [here](https://…)" → "Hi here"). Underscores inside words stay
 * (order_id), and so do # and > that are not at the start of a line (order #12, 3 > 2).
 */
export function preview(text: string): string {
  // Bounded: a preview never needs more than the longest valid message.
  let s = text.slice(0, 2 * CONVERSATION_LIMITS.messageChars);
  s = s
    .replace(/!?\[([^\]\n]*)\]\([^)\n]*\)/g, '$1')
    .replace(/<((?:https?|mailto):[^>\s]*)>/gi, '$1')
    .replace(/^[ \t]*(?:```|~~~).*$/gm, '')
    .replace(/^[ \t]*(?:>[ \t]?)+/gm, '')
    .replace(/^[ \t]*#{1,6}(?=[ \t]|$)/gm, '')
    .replace(/^[ \t]*[-+*][ \t]+/gm, '')
    .replace(/[*`]|~~/g, '')
    .replace(/(^|[^\p{L}\p{N}])_+/gu, '$1')
    .replace(/_+(?![\p{L}\p{N}])/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  const points = Array.from(s);
  return points.length <= PREVIEW_CHARS ? s : points.slice(0, PREVIEW_CHARS).join('').trimEnd();
}
