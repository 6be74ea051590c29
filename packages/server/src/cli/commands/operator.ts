import { ROLES } from '../../ports/store.js';
import { isJson, iso, requireFlag, requirePositionals, WORKSPACE_OPTION } from '../args.js';
import { CliError } from '../cli-error.js';
import { withServices } from '../context.js';
import { printResult } from '../output.js';
import { readSecretFromStdin } from '../read-secret.js';
import type { Command } from './command.js';

const CREATE = `operator create --workspace ID --email EMAIL --name NAME --role ${ROLES.join('|')} (--password-stdin | --password P) [--json]`;
export const operatorCreate: Command = {
  name: ['operator', 'create'],
  usage: CREATE,
  summary: 'create an operator who signs in to the console with email and password',
  options: {
    ...WORKSPACE_OPTION, email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' },
    password: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false },
  },
  async run(v, positionals) {
    const workspaceId = requireFlag(v, 'workspace', CREATE);
    const email = requireFlag(v, 'email', CREATE);
    const name = requireFlag(v, 'name', CREATE);
    const role = requireFlag(v, 'role', CREATE);
    requirePositionals(positionals, [], CREATE);
    if (!(ROLES as readonly string[]).includes(role)) throw new CliError(`--role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(role)}`, 2);
    const fromStdin = v['password-stdin'] === true;
    const given = typeof v['password'] === 'string' ? v['password'] : undefined;
    if (fromStdin && given !== undefined) throw new CliError('give either --password-stdin or --password, not both', 2);
    if (!fromStdin && given === undefined) throw new CliError(`a password is required: pipe it with --password-stdin (or use --password P)\nusage: omotenashi ${CREATE}`, 2);
    if (given !== undefined) process.stderr.write('warning: --password leaves the password in your shell history and the process list; prefer --password-stdin\n');
    await withServices(async (s) => {
      // Checked before prompting, so a typo in the workspace id does not cost a password entry.
      await s.tenancy.requireWorkspace(workspaceId);
      const password = given ?? (await readSecretFromStdin('Password for the new operator: '));
      const op = await s.tenancy.createOperator(workspaceId, { email, name, role, password });
      printResult(isJson(v), { id: op.id, workspaceId: op.workspaceId, email: op.email, name: op.name, role: op.role, createdAt: iso(op.createdAt) });
    });
  },
};
