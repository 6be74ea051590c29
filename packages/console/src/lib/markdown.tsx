/**
 * Message text is Markdown source in a safe subset (emphasis, code, links, lists). It is rendered
 * by building elements: every piece of text goes through JSX as text, never as HTML, and links
 * are kept only for http(s) URLs (opened in a new tab, without an opener or referrer).
 */
import type { ComponentChildren, VNode } from 'preact';

export function safeHttpUrl(raw: string): string | null {
  try {
    const u = new URL(raw.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

function link(url: string, label: ComponentChildren, key: number): VNode | string {
  const safe = safeHttpUrl(url);
  if (!safe) return typeof label === 'string' ? label : url;
  return <a key={key} href={safe} target="_blank" rel="noopener noreferrer">{label}</a>;
}

// One pass over the text, earliest match wins: code, link, bold, emphasis, bare URL.
const INLINE = /(`[^`\n]+`)|\[([^\]\n]{1,500})\]\(([^)\s]{1,2000})\)|(\*\*[^*\n]+\*\*)|(\*[^*\n]+\*|_[^_\n]+_)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/;

export function inline(text: string, depth = 0): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let rest = text;
  let key = 0;
  while (rest.length > 0) {
    const m = INLINE.exec(rest);
    if (!m) { out.push(rest); break; }
    if (m.index > 0) out.push(rest.slice(0, m.index));
    const [whole, code, label, url, bold, em, bare] = m;
    if (code) out.push(<code key={key++}>{code.slice(1, -1)}</code>);
    else if (label !== undefined && url !== undefined) out.push(link(url, depth < 2 ? inline(label, depth + 1) : label, key++));
    else if (bold) out.push(<strong key={key++}>{depth < 3 ? inline(bold.slice(2, -2), depth + 1) : bold.slice(2, -2)}</strong>);
    else if (em) out.push(<em key={key++}>{depth < 3 ? inline(em.slice(1, -1), depth + 1) : em.slice(1, -1)}</em>);
    else if (bare) out.push(link(bare, bare, key++));
    rest = rest.slice(m.index + whole.length);
  }
  return out;
}

const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d{1,9}[.)]\s+(.*)$/;

export function Markdown({ text }: { text: string }) {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: VNode[] = [];
  let i = 0;
  let key = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') { i++; continue; }
    if (line.trimStart().startsWith('```')) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trimStart().startsWith('```')) body.push(lines[i++]!);
      i++;
      blocks.push(<pre key={key++}><code>{body.join('\n')}</code></pre>);
      continue;
    }
    const list = BULLET.test(line) ? BULLET : NUMBERED.test(line) ? NUMBERED : null;
    if (list) {
      const items: VNode[] = [];
      while (i < lines.length && list.test(lines[i]!)) {
        items.push(<li key={items.length}>{inline(list.exec(lines[i]!)![1]!)}</li>);
        i++;
      }
      blocks.push(list === BULLET ? <ul key={key++}>{items}</ul> : <ol key={key++}>{items}</ol>);
      continue;
    }
    const para: ComponentChildren[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && !BULLET.test(lines[i]!) && !NUMBERED.test(lines[i]!) && !lines[i]!.trimStart().startsWith('```')) {
      if (para.length) para.push(<br key={`b${i}`} />);
      para.push(...inline(lines[i]!));
      i++;
    }
    blocks.push(<p key={key++}>{para}</p>);
  }
  return <div class="md">{blocks}</div>;
}
