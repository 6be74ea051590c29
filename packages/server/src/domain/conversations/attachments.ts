import { CONVERSATION_LIMITS, type AttachmentType } from '@omotenashi/protocol';

/*
 * Attachments are typed by their first bytes, never by the name or the type the client sent:
 * an "image.png" that is really HTML or SVG (which can carry script) is refused outright.
 */

const startsWith = (bytes: Uint8Array, offset: number, magic: readonly number[]): boolean =>
  bytes.length >= offset + magic.length && magic.every((b, i) => bytes[offset + i] === b);
const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const GIF87 = ascii('GIF87a');
const GIF89 = ascii('GIF89a');
const RIFF = ascii('RIFF');
const WEBP = ascii('WEBP');
const PDF = ascii('%PDF-');

/** The accepted type the bytes really are, or null (SVG, HTML, text and everything else). */
export function sniffAttachmentType(bytes: Uint8Array): AttachmentType | null {
  if (startsWith(bytes, 0, PNG)) return 'image/png';
  if (startsWith(bytes, 0, JPEG)) return 'image/jpeg';
  if (startsWith(bytes, 0, GIF87) || startsWith(bytes, 0, GIF89)) return 'image/gif';
  if (startsWith(bytes, 0, RIFF) && startsWith(bytes, 8, WEBP)) return 'image/webp';
  if (startsWith(bytes, 0, PDF)) return 'application/pdf';
  return null;
}

/**
 * C0/C1 controls, quotes (they end a Content-Disposition value), the characters Windows
 * refuses in file names, and bidirectional overrides ("gnp.exe" shown as "exe.png").
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f"'`<>:*?|\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Extensions longer than this are not kept whole when a name is shortened. */
const MAX_EXTENSION = 16;

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/**
 * A file name safe to store and to send back in a download header: the last path segment,
 * without control characters, quotes or leading dots, at most fileNameLength characters
 * (keeping the extension), and never empty ("file").
 */
export function safeFileName(name: string): string {
  const max = CONVERSATION_LIMITS.fileNameLength;
  let s = typeof name === 'string' ? name : '';
  s = s.slice(Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\')) + 1);
  // Bounded before the regular expressions: the name comes from the client.
  s = s.slice(0, 4 * max).replace(LONE_SURROGATE, '').normalize('NFC');
  s = s.replace(/\s+/g, ' ').replace(UNSAFE, '');
  // Leading dots make hidden files (and ".."); trailing dots and spaces Windows drops itself.
  s = s.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');
  if (s.length > max) {
    const dot = s.lastIndexOf('.');
    const extension = dot > 0 && s.length - dot <= MAX_EXTENSION ? s.slice(dot) : '';
    s = cut(s.slice(0, s.length - extension.length), max - extension.length).replace(/[\s.]+$/, '') + extension;
  }
  return s === '' ? 'file' : s;
}
