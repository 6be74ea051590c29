/** One line of an NDJSON input: its 1-based number, byte length, and text (null when too long). */
export interface RawLine {
  no: number;
  bytes: number;
  /** Null when the line exceeded `maxBytes` (it was skipped, not buffered) or is not UTF-8. */
  text: string | null;
  problem: 'too_long' | 'not_utf8' | null;
}

const NEWLINE = 0x0a;

/**
 * Splits a byte stream into lines without ever holding more than one line (capped at
 * `maxBytes`) plus one chunk in memory, so a multi-gigabyte file, or one endless line, is fine.
 * Accepts LF and CRLF endings; a UTF-8 byte order mark is dropped.
 */
export async function* splitLines(chunks: AsyncIterable<Buffer | string>, maxBytes: number): AsyncGenerator<RawLine> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let parts: Buffer[] = [];
  let length = 0;
  let tooLong = false;
  let no = 0;
  const finish = (): RawLine => {
    no++;
    const bytes = length;
    let line: RawLine;
    if (tooLong) {
      line = { no, bytes, text: null, problem: 'too_long' };
    } else {
      let buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts, length);
      if (buf.length > 0 && buf[buf.length - 1] === 0x0d) buf = buf.subarray(0, buf.length - 1);
      try {
        // ignoreBOM: false drops a leading byte order mark (as editors on Windows write one).
        line = { no, bytes, text: decoder.decode(buf), problem: null };
      } catch {
        line = { no, bytes, text: null, problem: 'not_utf8' };
      }
    }
    parts = [];
    length = 0;
    tooLong = false;
    return line;
  };
  for await (const chunk of chunks) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(NEWLINE, start);
      const end = nl === -1 ? buf.length : nl;
      if (end > start) {
        if (!tooLong && length + (end - start) > maxBytes) {
          tooLong = true;
          parts = [];
        }
        if (!tooLong) parts.push(buf.subarray(start, end));
        length += end - start;
      }
      if (nl === -1) break;
      yield finish();
      start = nl + 1;
    }
  }
  if (length > 0) yield finish();
}
