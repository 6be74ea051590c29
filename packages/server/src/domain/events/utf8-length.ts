/**
 * UTF-8 byte length of a string without Buffer or TextEncoder (domain code stays free of
 * host APIs, and counting does not allocate an encoded copy).
 */
export function utf8ByteLength(s: string): number {
  const n = s.length;
  let bytes = n; // every UTF-16 unit is at least one byte; add the extra bytes below
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      bytes += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && isLowSurrogate(s.charCodeAt(i + 1))) {
      bytes += 2; // a pair: two units, four bytes
      i++;
    } else {
      bytes += 2; // rest of the BMP, and lone surrogates (encoded as U+FFFD, three bytes)
    }
  }
  return bytes;
}

/**
 * Whether the UTF-8 encoding of s is longer than limit bytes. Most strings are decided by
 * their length alone: a UTF-16 unit is 1 to 3 bytes.
 */
export function exceedsUtf8Bytes(s: string, limit: number): boolean {
  if (s.length > limit) return true;
  if (s.length * 3 <= limit) return false;
  return utf8ByteLength(s) > limit;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
