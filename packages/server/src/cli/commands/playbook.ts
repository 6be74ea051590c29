import { existsSync } from 'node:fs';
import { readPlaybookFile, STARTER_DIR, starterPlaybooks } from '../../app/care/playbook-files.js';
import type { PlaybookView } from '../../app/care/playbooks.js';
import { validatePlaybook } from '../../domain/playbooks/validate-playbook.js';
import { intFlag, isJson, requireFlag, requirePositionals, WORKSPACE_OPTION } from '../args.js';
import { CliError } from '../cli-error.js';
import { withServices } from '../context.js';
import { printResult } from '../output.js';
import type { Command } from './command.js';

export { playbookSimulate } from './playbook-simulate.js';

const DAY_MS = 86_400_000;
const name = (v: PlaybookView): string | null => {
  const d = v.definition as { name?: unknown } | null;
  return d && typeof d.name === 'string' ? d.name : null;
};
const keyOf = (doc: unknown): string | null => {
  const k = typeof doc === 'object' && doc !== null ? (doc as { key?: unknown }).key : undefined;
  return typeof k === 'string' ? k : null;
};

/**
 * Checks every playbook of a file before any is applied, so a file is applied whole or not at
 * all: each problem is printed on stderr naming the playbook and the field.
 */
export function checkPlaybookDocs(docs: unknown[], source: string): void {
  if (docs.length === 0) throw new CliError(`${source} holds no playbooks`);
  const lines: string[] = [];
  let invalid = 0;
  const seen = new Map<string, number>();
  docs.forEach((doc, i) => {
    const label = keyOf(doc) ?? `playbook #${i + 1}`;
    const r = validatePlaybook(doc);
    if (!r.ok) {
      invalid++;
      for (const issue of r.issues) lines.push(`  ${label}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`);
      return;
    }
    const first = seen.get(r.playbook.key);
    if (first !== undefined) {
      invalid++;
      lines.push(`  ${label}: key: playbook #${i + 1} has the same key as playbook #${first + 1}; keys must be unique`);
    } else seen.set(r.playbook.key, i);
  });
  if (invalid === 0) return;
  process.stderr.write(`${lines.join('\n')}\n`);
  const of = docs.length === 1 ? 'the playbook' : `${invalid} of ${docs.length} playbooks`;
  throw new CliError(`${of} in ${source} ${invalid === 1 && docs.length === 1 ? 'is' : 'are'} not valid (see above); nothing was applied`);
}

const APPLY = 'playbook apply (FILE | --starter) --workspace ID [--json]';
export const playbookApply: Command = {
  name: ['playbook', 'apply'],
  usage: APPLY,
  summary: 'create or update playbooks from a YAML/JSON file (idempotent), or the starter library',
  options: { ...WORKSPACE_OPTION, starter: { type: 'boolean', default: false } },
  async run(v, positionals) {
    const workspaceId = requireFlag(v, 'workspace', APPLY);
    const starter = v['starter'] === true;
    const [file] = requirePositionals(positionals, starter ? [] : ['FILE'], APPLY);
    let docs: unknown[];
    let source: string;
    if (starter) {
      source = 'the starter library';
      if (!existsSync(STARTER_DIR)) throw new CliError(`the starter library is missing (${STARTER_DIR})`);
      docs = starterPlaybooks();
    } else {
      source = file!;
      docs = readPlaybookFile(file!);
    }
    checkPlaybookDocs(docs, source);
    await withServices(async (s) => {
      await s.tenancy.requireWorkspace(workspaceId);
      const rows = [];
      for (const doc of docs) {
        const r = await s.playbooks.apply(workspaceId, doc, 'cli');
        rows.push({
          key: r.playbook.key, version: r.playbook.version, enabled: r.playbook.enabled,
          result: r.created ? 'created' : r.changed ? 'changed' : 'unchanged',
        });
      }
      printResult(isJson(v), rows);
    });
  },
};

const LIST = 'playbook list --workspace ID [--days N] [--json]';
export const playbookList: Command = {
  name: ['playbook', 'list'],
  usage: LIST,
  summary: 'list playbooks: version, enabled, and what they did (fired / held back) in the last N days (30)',
  options: { ...WORKSPACE_OPTION, days: { type: 'string' } },
  async run(v, positionals) {
    const workspaceId = requireFlag(v, 'workspace', LIST);
    requirePositionals(positionals, [], LIST);
    const days = intFlag(v, 'days', 30, 1, 365);
    await withServices(async (s) => {
      await s.tenancy.requireWorkspace(workspaceId);
      const list = await s.playbooks.list(workspaceId, s.clock.now() - days * DAY_MS);
      if (isJson(v)) {
        printResult(true, list.map((p) => ({
          key: p.key, name: name(p), version: p.version, enabled: p.enabled, updatedAt: p.updatedAt,
          outcomesSinceDays: days, outcomes: p.outcomes ?? { fired: 0, heldBack: 0, byReason: {} },
        })));
        return;
      }
      printResult(false, list.map((p) => ({
        key: p.key, version: p.version, enabled: p.enabled ? 'yes' : 'no',
        [`fired (${days} d)`]: p.outcomes?.fired ?? 0, [`held back (${days} d)`]: p.outcomes?.heldBack ?? 0, name: name(p),
      })));
    });
  },
};

function toggle(verb: 'enable' | 'disable'): Command {
  const usage = `playbook ${verb} KEY --workspace ID [--json]`;
  return {
    name: ['playbook', verb],
    usage,
    summary: verb === 'enable' ? 'switch a playbook on (it evaluates new events at once)' : 'switch a playbook off (its pending timers no longer fire)',
    options: { ...WORKSPACE_OPTION },
    async run(v, positionals) {
      const workspaceId = requireFlag(v, 'workspace', usage);
      const [key] = requirePositionals(positionals, ['KEY'], usage);
      await withServices(async (s) => {
        await s.tenancy.requireWorkspace(workspaceId);
        const p = await s.playbooks.setEnabled(workspaceId, key!, verb === 'enable');
        printResult(isJson(v), { key: p.key, version: p.version, enabled: p.enabled });
      });
    },
  };
}
export const playbookEnable = toggle('enable');
export const playbookDisable = toggle('disable');

const VERSIONS = 'playbook versions KEY --workspace ID [--json]';
export const playbookVersions: Command = {
  name: ['playbook', 'versions'],
  usage: VERSIONS,
  summary: 'every version of a playbook, newest first (--json includes the definitions)',
  options: { ...WORKSPACE_OPTION },
  async run(v, positionals) {
    const workspaceId = requireFlag(v, 'workspace', VERSIONS);
    const [key] = requirePositionals(positionals, ['KEY'], VERSIONS);
    await withServices(async (s) => {
      await s.tenancy.requireWorkspace(workspaceId);
      const versions = await s.playbooks.versions(workspaceId, key!);
      const current = Math.max(...versions.map((x) => x.version));
      if (isJson(v)) {
        printResult(true, versions.map((x) => ({ key: x.key, version: x.version, current: x.version === current, createdAt: x.updatedAt, definition: x.definition })));
        return;
      }
      printResult(false, versions.map((x) => ({ version: x.version, current: x.version === current ? 'yes' : '', createdAt: x.updatedAt, name: name(x) })));
    });
  },
};
