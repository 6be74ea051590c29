import { readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { OmotenashiError } from '../../errors.js';

/** Where the starter library lives (shipped with the server package). */
export const STARTER_DIR = fileURLToPath(new URL('../../../starter-playbooks/', import.meta.url));

/**
 * Reads playbook definitions from a YAML or JSON file: one playbook, a list of them, or a YAML
 * stream of documents. Validation is left to the caller (Playbooks.apply), which names fields.
 */
export function readPlaybookFile(path: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new OmotenashiError('not_found', `cannot read ${path}: ${(err as Error).message}`);
  }
  let docs: unknown[];
  try {
    if (extname(path).toLowerCase() === '.json') docs = [JSON.parse(text) as unknown];
    else docs = text.split(/^---\s*$/m).map((d) => d.trim()).filter((d) => d.length > 0).map((d) => parseYaml(d, { maxAliasCount: 100 }) as unknown);
  } catch (err) {
    throw new OmotenashiError('invalid_body', `${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  return docs.flatMap((d) => (Array.isArray(d) ? d : [d]));
}

/** The starter library: every .yaml/.yml/.json file in STARTER_DIR, in file-name order. */
export function starterPlaybooks(dir: string = STARTER_DIR): unknown[] {
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/i.test(f))
    .sort()
    .flatMap((f) => readPlaybookFile(join(dir, f)));
}
