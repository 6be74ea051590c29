import { isJson, iso, requireFlag, requirePositionals, WORKSPACE_OPTION } from '../args.js';
import { withServices } from '../context.js';
import { printResult } from '../output.js';
import type { Command } from './command.js';

const CREATE = 'key create --workspace ID [--name NAME] [--json]';
export const keyCreate: Command = {
  name: ['key', 'create'],
  usage: CREATE,
  summary: 'create a write key (for the tracking API); prints it once',
  options: { ...WORKSPACE_OPTION, name: { type: 'string' } },
  async run(v, positionals) {
    const workspaceId = requireFlag(v, 'workspace', CREATE);
    requirePositionals(positionals, [], CREATE);
    const name = typeof v['name'] === 'string' ? v['name'] : undefined;
    await withServices(async (s) => {
      await s.tenancy.requireWorkspace(workspaceId);
      const { record, writeKey } = await s.tenancy.createWriteKey(workspaceId, name);
      printResult(isJson(v), { id: record.id, name: record.name, writeKey, createdAt: iso(record.createdAt) });
      if (!isJson(v)) process.stderr.write('Store the write key now: only its hash is kept, it cannot be shown again.\n');
    });
  },
};

const LIST = 'key list --workspace ID [--json]';
export const keyList: Command = {
  name: ['key', 'list'],
  usage: LIST,
  summary: 'list write keys (hints only; revoked ones too)',
  options: { ...WORKSPACE_OPTION },
  async run(v, positionals) {
    const workspaceId = requireFlag(v, 'workspace', LIST);
    requirePositionals(positionals, [], LIST);
    await withServices(async (s) => {
      await s.tenancy.requireWorkspace(workspaceId);
      const keys = await s.store.listWriteKeys(workspaceId);
      printResult(isJson(v), keys.map((k) => ({
        id: k.id, name: k.name, keyHint: k.keyHint, status: k.revokedAt === null ? 'active' : 'revoked',
        createdAt: iso(k.createdAt), revokedAt: iso(k.revokedAt),
      })));
    });
  },
};

const REVOKE = 'key revoke --workspace ID KEY_ID [--json]';
export const keyRevoke: Command = {
  name: ['key', 'revoke'],
  usage: REVOKE,
  summary: 'revoke a write key (a running server refuses it within 5 s)',
  options: { ...WORKSPACE_OPTION },
  async run(v, positionals) {
    const workspaceId = requireFlag(v, 'workspace', REVOKE);
    const [keyId] = requirePositionals(positionals, ['KEY_ID'], REVOKE);
    await withServices(async (s) => {
      await s.tenancy.requireWorkspace(workspaceId);
      await s.tenancy.revokeWriteKey(workspaceId, keyId!);
      printResult(isJson(v), { id: keyId!, revoked: true });
    });
  },
};
