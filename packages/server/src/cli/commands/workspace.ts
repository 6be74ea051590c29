import { withServices } from '../context.js';
import { CliError } from '../cli-error.js';
import { printResult } from '../output.js';
import type { Command } from './command.js';

export const workspaceCreate: Command = {
  name: ['workspace', 'create'],
  usage: 'workspace create --name NAME [--json]',
  summary: 'create a workspace; prints id, writeKey and apiToken',
  options: { name: { type: 'string' } },
  async run(v) {
    if (typeof v['name'] !== 'string') throw new CliError('--name is required, e.g. workspace create --name "My shop"', 2);
    const name = v['name'];
    await withServices(async (s) => {
      const r = await s.tenancy.createWorkspace(name);
      printResult(v['json'] === true, { id: r.workspace.id, name: r.workspace.name, writeKey: r.writeKey, apiToken: r.apiToken });
    });
  },
};

export const workspaceList: Command = {
  name: ['workspace', 'list'],
  usage: 'workspace list [--json]',
  summary: 'list workspaces',
  options: {},
  async run(v) {
    await withServices(async (s) => {
      const all = await s.store.listWorkspaces();
      printResult(v['json'] === true, all.map((w) => ({ id: w.id, name: w.name, createdAt: new Date(w.createdAt).toISOString() })));
    });
  },
};
