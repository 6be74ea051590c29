import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertText, findPath, formatDefinition, indentAfter, parseDefinition, pathSegments } from './playbook-text';

const STARTERS = resolve(import.meta.dirname, '../../../server/starter-playbooks');

const DEF = {
  key: 'stuck-at-payment',
  name: 'Stuck at payment',
  purpose: 'service',
  enabled: false,
  priority: 50,
  trigger: { dwell: { page: { path: { prefix: '/checkout/payment' } }, seconds: 60 } },
  conditions: [
    { fact: 'cart.value', op: 'gt', value: 0 },
    { fact: 'traits.plan', op: 'in', value: ['gold', 'yes', 'null', '50'] },
  ],
  steps: [
    { action: 'hint', title: 'Need a hand?', body: 'You can pay by card: "quoted", # not a comment, and: colons. '.repeat(3) },
    { action: 'invite', after: '2m', message: 'にこやかに。 Would you like a hand?\nSecond line.' },
  ],
  etiquette: { cooldown: '7d', about: ['payment'] },
};

/** The line (1-based) of `text` at `pos`. */
const lineText = (text: string, line: number) => text.split('\n')[line - 1];

function lineOf(text: string, path: string): string | undefined {
  const at = findPath(text, path);
  return at ? lineText(text, at.line) : undefined;
}

describe('playbook text: YAML and JSON', () => {
  it('round-trips a definition through YAML and JSON without changing it', () => {
    const yaml = formatDefinition(DEF, 'yaml');
    expect(parseDefinition(yaml)).toEqual({ ok: true, value: DEF });
    const json = convertText(yaml, 'json');
    expect(json.ok && JSON.parse(json.text)).toEqual(DEF);
    const back = json.ok ? convertText(json.text, 'yaml') : null;
    expect(back).toEqual({ ok: true, text: yaml });
  });

  it('writes YAML the way the docs do: block structure, short scalar maps on one line, strings that look like other types quoted', () => {
    const yaml = formatDefinition(DEF, 'yaml');
    expect(yaml).toContain('  - { fact: cart.value, op: gt, value: 0 }');
    expect(yaml).toContain('      path: { prefix: /checkout/payment }');
    expect(yaml).toMatch(/^key: stuck-at-payment$/m);
    // "50" stays a string, not the number 50 (the server's validation depends on the type).
    expect(yaml).toContain('"50"');
    expect(yaml.startsWith('{')).toBe(false);
  });

  it('round-trips every starter playbook (YAML as people write it) through the editor formats', () => {
    const files = readdirSync(STARTERS).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const parsed = parseDefinition(readFileSync(join(STARTERS, f), 'utf8'));
      expect(parsed.ok, f).toBe(true);
      if (!parsed.ok) continue;
      for (const format of ['yaml', 'json'] as const) {
        expect(parseDefinition(formatDefinition(parsed.value, format)), `${f} as ${format}`).toEqual(parsed);
      }
    }
  });

  it('accepts JSON text as YAML (one parser) and YAML 1.2 keeps `on` a key, not true', () => {
    expect(parseDefinition('{"key": "a", "trigger": {"on": {"type": "page"}}}')).toEqual({ ok: true, value: { key: 'a', trigger: { on: { type: 'page' } } } });
    expect(parseDefinition('trigger:\n  on: { type: page }\n')).toEqual({ ok: true, value: { trigger: { on: { type: 'page' } } } });
  });

  it('reports a syntax error with its line and column', () => {
    const r = parseDefinition('key: a\nname: Broken\nconditions:\n  - { fact: cart.value, op: gt, value: 1\nsteps: []\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe('syntax');
    expect(r.error.at.line).toBeGreaterThanOrEqual(4);
    expect(r.error.at.col).toBeGreaterThanOrEqual(1);
    expect(r.error.detail).not.toBe('');
  });

  it('points at the exact place of a bad indentation or a duplicate key', () => {
    const bad = parseDefinition('key: a\n  name: b\n');
    expect(bad.ok === false && bad.error.at).toMatchObject({ line: 1, col: 6 });
    const dup = parseDefinition('key: a\nname: b\nkey: c\n');
    expect(dup.ok === false && dup.error.at).toMatchObject({ line: 3, col: 1 });
  });

  it('refuses several documents, an empty text and a value that is not one object', () => {
    const multi = parseDefinition('key: a\n---\nkey: b\n');
    expect(multi.ok === false && multi.error.kind).toBe('multiple');
    const empty = parseDefinition('  \n# only a comment\n');
    expect(empty.ok === false && empty.error.kind).toBe('empty');
    const list = parseDefinition('- key: a\n');
    expect(list.ok === false && list.error.kind).toBe('notObject');
    expect(convertText('key: [a\n', 'json').ok).toBe(false);
  });
});

describe('playbook text: an issue path to its line', () => {
  it('splits paths the server reports', () => {
    expect(pathSegments('conditions[0].fact')).toEqual(['conditions', 0, 'fact']);
    expect(pathSegments('trigger.on.where[2].value')).toEqual(['trigger', 'on', 'where', 2, 'value']);
    expect(pathSegments('key')).toEqual(['key']);
  });

  it('finds the field in YAML, both block and flow', () => {
    const yaml = formatDefinition({ ...DEF, conditions: [{ fact: 'cart.valu', op: 'gt', value: 100 }] }, 'yaml');
    expect(lineOf(yaml, 'conditions[0].fact')).toBe('  - { fact: cart.valu, op: gt, value: 100 }');
    const at = findPath(yaml, 'conditions[0].fact')!;
    expect(yaml.slice(at.offset, at.offset + 5)).toBe('fact:');
    expect(lineOf(yaml, 'trigger.dwell.seconds')).toBe('    seconds: 60');
    expect(lineOf(yaml, 'steps[1].after')).toBe('    after: 2m');
    expect(lineOf(yaml, 'etiquette.about[0]')).toMatch(/about: \[ payment \]/);
  });

  it('finds the field in JSON text the same way', () => {
    const json = formatDefinition(DEF, 'json');
    expect(lineOf(json, 'conditions[1].value')?.trim()).toBe('"value": [');
    expect(lineOf(json, 'trigger.dwell.seconds')?.trim()).toBe('"seconds": 60');
  });

  it('shows a missing field where it has to be added: the deepest part of the path that exists', () => {
    const yaml = 'key: a\nsteps:\n  - action: hint\n    body: Hi\n  - action: invite\n    message: Hello\n';
    expect(findPath(yaml, 'steps[1].after')).toMatchObject({ line: 5, col: 5 });
    expect(lineOf(yaml, 'steps[1].after')).toBe('  - action: invite');
    expect(findPath(yaml, 'trigger')).toBeNull();
    expect(findPath('key: [a\n', 'key')).toBeNull();
  });
});

describe('playbook text: typing a new line', () => {
  it('keeps the indentation, one level more after a key that opens a block and past a list dash', () => {
    expect(indentAfter('key: a')).toBe('');
    expect(indentAfter('conditions:')).toBe('  ');
    expect(indentAfter('  - action: hint')).toBe('    ');
    expect(indentAfter('    page:')).toBe('      ');
    expect(indentAfter('  - trigger:')).toBe('      ');
    expect(indentAfter('    op: gt')).toBe('    ');
  });
});
