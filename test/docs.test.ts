import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ISSUE_CODES } from '@omotenashi/protocol';
import { ERROR_STATUS } from '../packages/server/src/transport/http/error-status.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const read = (path: string): string => readFileSync(resolve(root, path), 'utf8');

/** `### \`code\`` headings of docs/errors.md, in order. */
function headings(markdown: string): string[] {
  return [...markdown.matchAll(/^### `([^`]+)`\s*$/gm)].map((m) => m[1]!);
}

/** The text of one `### \`code\`` section, up to the next heading. */
function section(markdown: string, code: string): string {
  const heading = `### \`${code}\``;
  const start = markdown.indexOf(heading);
  if (start < 0) return '';
  const rest = markdown.slice(start + heading.length);
  const end = rest.search(/^#{1,3} /m);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('docs/errors.md', () => {
  const errors = read('docs/errors.md');
  const documented = headings(errors);

  it.each([...ERROR_CODES, ...ISSUE_CODES])('documents `%s` under its own heading', (code) => {
    expect(documented).toContain(code);
  });

  it('documents no code that the protocol does not define, and none twice', () => {
    const known = new Set<string>([...ERROR_CODES, ...ISSUE_CODES]);
    expect(documented.filter((c) => !known.has(c))).toEqual([]);
    expect(new Set(documented).size).toBe(documented.length);
  });

  it.each([...ERROR_CODES])('states the HTTP status of `%s` as error-status.ts maps it', (code) => {
    expect(section(errors, code)).toContain(`**HTTP status:** ${ERROR_STATUS[code]}`);
  });

  it.each([...ERROR_CODES, ...ISSUE_CODES])('says how to fix `%s`', (code) => {
    expect(section(errors, code)).toContain('**How to fix:**');
  });
});

describe('README.md', () => {
  const readme = read('README.md');

  it('starts with the two commands a new user needs', () => {
    const top = readme.split('\n').slice(0, 15).join('\n');
    expect(top).toContain('npm install && npm start');
    expect(top).toContain('npm test');
  });

  it('links only to docs that exist', () => {
    const links = [...readme.matchAll(/\]\(((?:docs\/)[^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((l) => !existsSync(resolve(root, l)))).toEqual([]);
  });
});
