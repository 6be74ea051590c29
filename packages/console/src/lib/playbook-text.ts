/**
 * The playbook editor's text, pure: a definition shown as YAML (how people write playbooks, like
 * docs/playbooks.md and the starter library) or JSON, parsed by one YAML 1.2 parser (JSON is
 * YAML 1.2, so either format is accepted whatever the toggle says), and an issue's path
 * ("conditions[0].fact") found in the text so the editor can put the caret on that line.
 *
 * Imported only by the lazy playbooks view, so the `yaml` package stays out of the initial load.
 */
import { Document, LineCounter, isMap, isScalar, isSeq, parseDocument, visit, type Node } from 'yaml';

export type TextFormat = 'yaml' | 'json';

/** Where something is in the text: 1-based line and column, and the 0-based offset. */
export interface TextPos { line: number; col: number; offset: number }

export type Parsed =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; error: SyntaxProblem };

/**
 * Why the text is not one playbook object. `kind` lets the view word it in the operator's
 * language; `detail` is the parser's own (English) message for syntax errors.
 */
export interface SyntaxProblem { kind: 'syntax' | 'multiple' | 'notObject' | 'empty'; detail: string; at: TextPos }

/** Short maps of scalars (a condition, a page pattern) read best on one line, as in the docs. */
const FLOW_MAX = 64;

/** The definition as text in the given format; stable for the same definition. */
export function formatDefinition(def: unknown, format: TextFormat): string {
  if (format === 'json') return JSON.stringify(def, null, 2) + '\n';
  const doc = new Document(def);
  visit(doc, {
    Map(_key, node) {
      if (node === doc.contents) return;
      const leaf = node.items.every((p) => isScalar(p.value) || (isSeq(p.value) && p.value.items.every((x) => isScalar(x))));
      if (leaf && JSON.stringify(node.toJSON()).length <= FLOW_MAX) node.flow = true;
    },
  });
  // lineWidth 0: never fold a long message over several lines; people edit these strings.
  return doc.toString({ lineWidth: 0 });
}

/** Parses YAML or JSON text into one playbook object, or says where and why it is not one. */
export function parseDefinition(text: string): Parsed {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): TextPos => ({ ...lines.linePos(offset), offset });
  const first = doc.errors[0];
  if (first) {
    return { ok: false, error: { kind: first.code === 'MULTIPLE_DOCS' ? 'multiple' : 'syntax', detail: first.message, at: at(first.pos[0]) } };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // An alias bomb or a bad alias: still a problem with the text, not with the playbook.
    return { ok: false, error: { kind: 'syntax', detail: err instanceof Error ? err.message : String(err), at: at(0) } };
  }
  if (value === null || value === undefined) return { ok: false, error: { kind: 'empty', detail: '', at: at(0) } };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: { kind: 'notObject', detail: '', at: at(doc.contents?.range?.[0] ?? 0) } };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** Converts text to the other format; the definition is unchanged (comments do not survive). */
export function convertText(text: string, to: TextFormat): { ok: true; text: string } | { ok: false; error: SyntaxProblem } {
  const parsed = parseDefinition(text);
  return parsed.ok ? { ok: true, text: formatDefinition(parsed.value, to) } : parsed;
}

/** "conditions[0].fact" → ["conditions", 0, "fact"]; the server's issue paths look like this. */
export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) { out.push(part); continue; }
    if (m[1]) out.push(m[1]);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/**
 * Where the field a path names is written: the start of its key (`fact:` or `"fact":`) for a map
 * field, the item itself for a list index. A field that is missing (a required one, say) is
 * shown at the deepest part of the path that exists, which is where it has to be added.
 * Null when the text does not parse or nothing of the path is there.
 */
export function findPath(text: string, path: string): TextPos | null {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) return null;
  let node: Node | null = doc.contents;
  let offset: number | null = null;
  for (const seg of pathSegments(path)) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : p.key) === String(seg));
      if (!pair) break;
      offset = isScalar(pair.key) && pair.key.range ? pair.key.range[0] : offset;
      node = (pair.value as Node | null) ?? null;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item?.range) break;
      offset = item.range[0];
      node = item;
    } else {
      break;
    }
  }
  return offset === null ? null : { ...lines.linePos(offset), offset };
}

/**
 * The indentation a new line typed after `line` starts with: the same as the line's, one level
 * more after `key:` (a nested map or list follows) and past the dash of a `- ` list item (its
 * next field lines up with the first).
 */
export function indentAfter(line: string): string {
  const m = /^([ \t]*)(- )?/.exec(line)!;
  return m[1]! + (m[2] ? '  ' : '') + (/:\s*$/.test(line) ? '  ' : '');
}
