import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { HOLD_REASONS } from '../packages/server/src/domain/etiquette/verdict.js';
import { ACTIONS, CONDITION_OPS } from '../packages/server/src/domain/playbooks/definition.js';
import { FACT_NAMES } from '../packages/server/src/domain/playbooks/facts.js';
import { validatePlaybook } from '../packages/server/src/domain/playbooks/validate-playbook.js';

/*
 * Keeps docs/playbooks.md and docs/etiquette.md in step with the code: every fact, operator,
 * trigger kind, action and hold-back reason is documented, and every YAML example validates.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const read = (path: string): string => readFileSync(resolve(root, path), 'utf8');

const TRIGGER_KINDS = ['on', 'dwell', 'repetition', 'sequence', 'absence', 'date', 'threshold'] as const;

/** The bodies of the fenced ```yaml blocks of a markdown text, with the line each starts on. */
function yamlBlocks(markdown: string): { line: number; text: string }[] {
  const blocks: { line: number; text: string }[] = [];
  for (const m of markdown.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)) {
    blocks.push({ line: markdown.slice(0, m.index).split('\n').length, text: m[1]! });
  }
  return blocks;
}

/** The YAML documents of a block (a block may hold several, separated by `---`, as a file may). */
function documents(text: string): unknown[] {
  return text
    .split(/^---\s*$/m)
    .map((d) => d.trim())
    .filter((d) => d.length > 0)
    .map((d) => parseYaml(d) as unknown)
    .flatMap((d) => (Array.isArray(d) ? d : [d]));
}

/** Inline code spans (`…`) of a markdown text. */
function codeSpans(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!));
}

describe('docs/playbooks.md', () => {
  const doc = read('docs/playbooks.md');
  const spans = codeSpans(doc);
  const blocks = yamlBlocks(doc);

  it.each([...FACT_NAMES])('documents the fact `%s`', (fact) => {
    expect(spans).toContain(fact);
  });

  it('documents every fact in the facts table, and no fact the code does not know', () => {
    const tableFacts = [...doc.matchAll(/^\| `([^`]+)` \| (?:text|number|any|list|true\/false) \|/gm)].map((m) => m[1]!);
    expect(new Set(tableFacts)).toEqual(new Set(FACT_NAMES));
  });

  it.each([...CONDITION_OPS])('documents the operator `%s` with an example', (op) => {
    expect(spans).toContain(op);
    expect(blocks.some((b) => new RegExp(`op: ${op}\\b`).test(b.text)), `no yaml example uses op: ${op}`).toBe(true);
  });

  it.each([...TRIGGER_KINDS])('documents the trigger `%s` with an example', (kind) => {
    expect(doc).toMatch(new RegExp(`^### \`${kind}\`$`, 'm'));
    const example = blocks.some((b) => documents(b.text).some((d) => {
      const trigger = (d as { trigger?: Record<string, unknown> } | null)?.trigger;
      return typeof trigger === 'object' && trigger !== null && kind in trigger;
    }));
    expect(example, `no playbook example with a ${kind} trigger`).toBe(true);
  });

  it.each([...ACTIONS])('documents the action `%s` with an example', (action) => {
    expect(spans).toContain(action);
    expect(blocks.some((b) => new RegExp(`action: ${action}\\b`).test(b.text)), `no yaml example uses action: ${action}`).toBe(true);
  });

  it('has YAML playbook examples, and every one validates', () => {
    const playbooks = blocks.filter((b) => /^\s*key:/m.test(b.text));
    expect(playbooks.length).toBeGreaterThanOrEqual(TRIGGER_KINDS.length);
    for (const block of playbooks) {
      for (const def of documents(block.text)) {
        const r = validatePlaybook(def);
        expect(r.ok ? [] : r.issues, `the yaml block at docs/playbooks.md:${block.line}`).toEqual([]);
      }
    }
  });

  it('has YAML condition examples, and every one validates inside a playbook', () => {
    const conditions = blocks.filter((b) => /^conditions:/.test(b.text));
    expect(conditions.length).toBeGreaterThan(0);
    for (const block of conditions) {
      const def = {
        key: 'docs-example', name: 'Docs example', purpose: 'service',
        trigger: { on: { event: 'Order Completed' } }, steps: [{ action: 'hint', body: 'Hello' }],
        ...(parseYaml(block.text) as object),
      };
      const r = validatePlaybook(def);
      expect(r.ok ? [] : r.issues, `the yaml block at docs/playbooks.md:${block.line}`).toEqual([]);
    }
  });

  it('has a worked example of the stuck-at-payment ladder', () => {
    const worked = blocks.flatMap((b) => documents(b.text)).find((d) => (d as { key?: string }).key === 'stuck-at-payment') as
      | { steps: { action: string }[]; trigger: object }
      | undefined;
    expect(worked).toBeDefined();
    expect(worked!.trigger).toHaveProperty('dwell');
    expect(worked!.steps.length).toBeGreaterThanOrEqual(3);
  });
});

describe('docs/etiquette.md', () => {
  const doc = read('docs/etiquette.md');

  it.each([...HOLD_REASONS])('documents the hold-back reason `%s` with its meaning and an example', (reason) => {
    const heading = `### \`${reason}\``;
    const start = doc.indexOf(heading);
    expect(start, `no "${heading}" section`).toBeGreaterThanOrEqual(0);
    const rest = doc.slice(start + heading.length);
    const end = rest.search(/^#{1,3} /m);
    const section = end < 0 ? rest : rest.slice(0, end);
    expect(section).toContain('**What it means:**');
    expect(section).toContain('**Example detail:**');
  });
});
