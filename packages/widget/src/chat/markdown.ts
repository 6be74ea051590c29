/*
 * The safe Markdown subset messages use (docs/realtime-protocol.md): emphasis, code, links and
 * lists. Parsed to a small tree that is rendered with text nodes only, so no markup in a
 * message can ever become HTML. Links keep only http(s) targets.
 */

export type Inline =
  | { t: 'text'; v: string }
  | { t: 'code'; v: string }
  | { t: 'em' | 'strong'; c: Inline[] }
  | { t: 'link'; href: string; c: Inline[] }
  | { t: 'br' };

export type Block = { t: 'p'; c: Inline[] } | { t: 'ul' | 'ol'; items: Inline[][] } | { t: 'pre'; v: string };

/** An absolute http(s) URL, or null. */
export function httpUrl(href: string): string | null {
  try {
    const u = new URL(href);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

const LIST_UL = /^\s*[-*+]\s+(.*)$/;
const LIST_OL = /^\s*\d{1,9}[.)]\s+(.*)$/;

export function parseMarkdown(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const out: Block[] = [];
  let para: string[] = [];
  const endPara = () => {
    if (para.length) out.push({ t: 'p', c: inlineLines(para) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*```/.test(line)) {
      endPara();
      const code: string[] = [];
      for (i++; i < lines.length && !/^\s*```/.test(lines[i]!); i++) code.push(lines[i]!);
      out.push({ t: 'pre', v: code.join('\n') });
      continue;
    }
    const kind = LIST_UL.test(line) ? 'ul' : LIST_OL.test(line) ? 'ol' : null;
    if (kind) {
      endPara();
      const items: Inline[][] = [];
      const re = kind === 'ul' ? LIST_UL : LIST_OL;
      for (; i < lines.length; i++) {
        const m = re.exec(lines[i]!);
        if (!m) break;
        items.push(parseInline(m[1]!));
      }
      i--;
      out.push({ t: kind, items });
      continue;
    }
    if (!line.trim()) endPara();
    else para.push(line);
  }
  endPara();
  return out;
}

function inlineLines(lines: string[]): Inline[] {
  const out: Inline[] = [];
  lines.forEach((l, n) => {
    if (n) out.push({ t: 'br' });
    out.push(...parseInline(l));
  });
  return out;
}

const isWord = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);

export function parseInline(s: string): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ t: 'text', v: text });
    text = '';
  };
  for (let i = 0; i < s.length;) {
    const c = s[i]!;
    const rest = s.slice(i);
    if (c === '\\' && i + 1 < s.length && /[\\`*_[\]()#+\-.!]/.test(s[i + 1]!)) {
      text += s[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      const end = s.indexOf('`', i + 1);
      if (end > i + 1) {
        flush();
        out.push({ t: 'code', v: s.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if ((c === '*' || c === '_') && !(c === '_' && isWord(s[i - 1]))) {
      const strong = s[i + 1] === c;
      const mark = strong ? c + c : c;
      const from = i + mark.length;
      let end = s.indexOf(mark, from);
      // A single marker must not close on the first half of a double one.
      while (!strong && end !== -1 && s[end + 1] === c) end = s.indexOf(mark, end + 2);
      if (end > from && s[from] !== ' ' && s[end - 1] !== ' ' && !(c === '_' && isWord(s[end + mark.length]))) {
        flush();
        out.push({ t: strong ? 'strong' : 'em', c: parseInline(s.slice(from, end)) });
        i = end + mark.length;
        continue;
      }
    }
    if (c === '[') {
      const m = /^\[([^\]]+)\]\(([^)\s]+)\)/.exec(rest);
      if (m) {
        const href = httpUrl(m[2]!);
        flush();
        if (href) out.push({ t: 'link', href, c: parseInline(m[1]!) });
        else out.push(...parseInline(m[1]!));
        i += m[0].length;
        continue;
      }
    }
    if ((c === 'h' || c === 'H') && !isWord(s[i - 1])) {
      const m = /^https?:\/\/[^\s<>"]+/i.exec(rest);
      if (m) {
        const url = m[0].replace(/[.,!?;:)\]]+$/, '');
        const href = httpUrl(url);
        if (href) {
          flush();
          out.push({ t: 'link', href, c: [{ t: 'text', v: url }] });
          i += url.length;
          continue;
        }
      }
    }
    text += c;
    i++;
  }
  flush();
  return out;
}
