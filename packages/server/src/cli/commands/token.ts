import { ROLES } from '../../ports/store.js';
import { intFlag, isJson, iso, requireFlag, requirePositionals, WORKSPACE_OPTION } from '../args.js';
import { CliError } from '../cli-error.js';
import { withServices } from '../context.js';
import { printResult } from '../output.js';
import type { Command } from './command.js';

const DAY_MS = 86_400_000;

const CREATE = `token create --workspace ID [--name NAME] [--role ${ROLES.join('|')}] [--ttl-days N] [--json]`;
export const tokenCreate: Command = {
  name: ['token', 'create'],
  usage: CREATE,
  summary: 'create an API token (for the admin API); prints it once',
  options: { ...WORKSPACE_OPTION, name: { type: 'string' }, role: { type: 'string' }, 'ttl-days': { type: 'string' } },
  async run(v, positionals) {
    const workspaceId = requireFlag(v, 'workspace', CREATE);
    requirePositionals(positionals, [], CREATE);
    const role = typeof v['role'] === 'string' ? v['role'] : 'agent';
    if (!(ROLES as readonly string[]).includes(role)) throw new CliError(`--role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(role)}`, 2);
    const ttlDays = intFlag(v, 'ttl-days', null, 1, 3650);
    const name = typeof v['name'] === 'string' ? v['name'] : undefined;
    await withServices(async (s) => {
      await s.tenancy.requireWorkspace(workspaceId);
      const { record, token } = await s.tenancy.createApiToken(workspaceId, { name, role, ttlMs: ttlDays === null ? null : ttlDays * DAY_MS });
      printResult(isJson(v), { id: record.id, name: record.name, role: record.role, token, createdAt: iso(record.createdAt), expiresAt: iso(record.expiresAt) });
      if (!isJson(v)) process.stderr.write('Store the token now: only its hash is kept, it cannot be shown again.\n');
    });
  },
};

const LIST = 'token list --workspace ID [--json]';
export const tokenList: Command = {
  name: ['token', 'list'],
  usage: LIST,
  summary: 'list API tokens (operator sessions included)',
  options: { ...WORKSPACE_OPTION },
  async run(v, positionals) {
    const workspaceId = requireFlag(v, 'workspace', LIST);
    requirePositionals(positionals, [], LIST);
    await withServices(async (s) => {
      await s.tenancy.requireWorkspace(workspaceId);
      const now = s.clock.now();
      const tokens = await s.store.listApiTokens(workspaceId);
      printResult(isJson(v), tokens.map((t) => ({
        id: t.id, name: t.name, role: t.role,
        status: t.revokedAt !== null ? 'revoked' : t.expiresAt !== null && t.expiresAt <= now ? 'expired' : 'active',
        operatorId: t.operatorId, createdAt: iso(t.createdAt), expiresAt: iso(t.expiresAt), revokedAt: iso(t.revokedAt),
      })));
    });
  },
};

const REVOKE = 'token revoke --workspace ID TOKEN_ID [--json]';
export const tokenRevoke: Command = {
  name: ['token', 'revoke'],
  usage: REVOKE,
  summary: 'revoke an API token (a running server refuses it within 5 s)',
  options: { ...WORKSPACE_OPTION },
  async run(v, positionals) {
    const workspaceId = requireFlag(v, 'workspace', REVOKE);
    const [tokenId] = requirePositionals(positionals, ['TOKEN_ID'], REVOKE);
    await withServices(async (s) => {
      await s.tenancy.requireWorkspace(workspaceId);
      await s.tenancy.revokeApiToken(workspaceId, tokenId!);
      printResult(isJson(v), { id: tokenId!, revoked: true });
    });
  },
};
