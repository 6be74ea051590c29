import { customerFamily } from '../../app/customer-family.js';
import { isJson, iso, requireFlag, requirePositionals, WORKSPACE_OPTION } from '../args.js';
import { withServices } from '../context.js';
import { printResult } from '../output.js';
import type { Command } from './command.js';

const LIST = 'merge list CUSTOMER_ID --workspace ID [--json]';
export const mergeList: Command = {
  name: ['merge', 'list'],
  usage: LIST,
  summary: "the merges that built a customer's profile (ids for merge undo)",
  options: { ...WORKSPACE_OPTION },
  async run(v, positionals) {
    const workspaceId = requireFlag(v, 'workspace', LIST);
    const [id] = requirePositionals(positionals, ['CUSTOMER_ID'], LIST);
    await withServices(async (s) => {
      await s.tenancy.requireWorkspace(workspaceId);
      const root = await s.customers.requireRoot(workspaceId, id!);
      const merges = await s.merges.list(workspaceId, await customerFamily(s.store, workspaceId, root.id));
      printResult(isJson(v), merges.map((m) => ({
        id: m.id, at: iso(m.at), winnerId: m.winnerId, loserId: m.loserId, reason: m.reason, undoneAt: iso(m.undoneAt),
      })));
    });
  },
};

const UNDO = 'merge undo MERGE_ID --workspace ID [--json]';
export const mergeUndo: Command = {
  name: ['merge', 'undo'],
  usage: UNDO,
  summary: 'split a merged customer back into two, each rebuilt from its own events',
  options: { ...WORKSPACE_OPTION },
  async run(v, positionals) {
    const workspaceId = requireFlag(v, 'workspace', UNDO);
    const [mergeId] = requirePositionals(positionals, ['MERGE_ID'], UNDO);
    // Geolocation on: rebuilding the profiles replays events, IP lookups included, like ingestion.
    await withServices(async (s) => {
      await s.tenancy.requireWorkspace(workspaceId);
      const r = await s.merges.undo(workspaceId, mergeId!);
      printResult(isJson(v), { mergeId: mergeId!, undone: true, winnerId: r.winnerId, loserId: r.loserId });
    }, { geo: true });
  },
};
