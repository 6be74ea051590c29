import { rename, writeFile } from 'node:fs/promises';
import { LOOKUP_KINDS } from '../../app/customers.js';
import { isJson, optionalFlag, requireFlag, requirePositionals, WORKSPACE_OPTION } from '../args.js';
import { CliError } from '../cli-error.js';
import { withServices } from '../context.js';
import { printResult } from '../output.js';
import { formatCustomer } from '../present-customer.js';
import type { Command } from './command.js';

const SHOW = 'customer show CUSTOMER_ID --workspace ID [--json]';
export const customerShow: Command = {
  name: ['customer', 'show'],
  usage: SHOW,
  summary: 'show a customer: identities, local time, cart, orders, birthday…',
  options: { ...WORKSPACE_OPTION },
  async run(v, positionals) {
    const workspaceId = requireFlag(v, 'workspace', SHOW);
    const [id] = requirePositionals(positionals, ['CUSTOMER_ID'], SHOW);
    await withServices(async (s) => {
      await s.tenancy.requireWorkspace(workspaceId);
      const c = await s.customers.view(workspaceId, id!);
      if (isJson(v)) printResult(true, c);
      else process.stdout.write(formatCustomer(c));
    });
  },
};

/** CLI flag → the lookup field of Customers.lookup. */
const LOOKUP_FLAGS = { 'user-id': 'userId', 'anonymous-id': 'anonymousId', email: 'email', phone: 'phone' } as const satisfies Record<string, keyof typeof LOOKUP_KINDS>;

const LOOKUP = 'customer lookup --workspace ID (--user-id U | --anonymous-id A | --email E | --phone P) [--json]';
export const customerLookup: Command = {
  name: ['customer', 'lookup'],
  usage: LOOKUP,
  summary: 'find a customer by one identifier and show them',
  options: { ...WORKSPACE_OPTION, 'user-id': { type: 'string' }, 'anonymous-id': { type: 'string' }, email: { type: 'string' }, phone: { type: 'string' } },
  async run(v, positionals) {
    const workspaceId = requireFlag(v, 'workspace', LOOKUP);
    requirePositionals(positionals, [], LOOKUP);
    const given = (Object.keys(LOOKUP_FLAGS) as (keyof typeof LOOKUP_FLAGS)[]).filter((f) => typeof v[f] === 'string' && v[f] !== '');
    if (given.length !== 1) throw new CliError(`give exactly one of --user-id, --anonymous-id, --email or --phone\nusage: omotenashi ${LOOKUP}`, 2);
    const flag = given[0]!;
    await withServices(async (s) => {
      await s.tenancy.requireWorkspace(workspaceId);
      const found = await s.customers.lookup(workspaceId, { [LOOKUP_FLAGS[flag]]: v[flag] as string });
      const c = await s.customers.view(workspaceId, found.id);
      if (isJson(v)) printResult(true, c);
      else process.stdout.write(formatCustomer(c));
    });
  },
};

const EXPORT = 'customer export CUSTOMER_ID --workspace ID [--out FILE]';
export const customerExport: Command = {
  name: ['customer', 'export'],
  usage: EXPORT,
  summary: 'everything stored about a customer, as JSON (data-access requests)',
  options: { ...WORKSPACE_OPTION, out: { type: 'string', short: 'o' } },
  async run(v, positionals) {
    const workspaceId = requireFlag(v, 'workspace', EXPORT);
    const [id] = requirePositionals(positionals, ['CUSTOMER_ID'], EXPORT);
    const out = optionalFlag(v, 'out');
    await withServices(async (s) => {
      await s.tenancy.requireWorkspace(workspaceId);
      const data = await s.customers.export(workspaceId, id!);
      const text = `${JSON.stringify(data, null, 2)}\n`;
      if (out === undefined || out === '-') {
        process.stdout.write(text);
        return;
      }
      // Personal data: readable by the owner only, and never a half-written file.
      const tmp = `${out}.${process.pid}.tmp`;
      await writeFile(tmp, text, { mode: 0o600 });
      await rename(tmp, out);
      printResult(isJson(v), { customerId: data.customer.id, out, events: data.events.length, merges: data.merges.length, bytes: Buffer.byteLength(text) });
    });
  },
};

const ERASE = 'customer erase CUSTOMER_ID --workspace ID --yes [--json]';
export const customerErase: Command = {
  name: ['customer', 'erase'],
  usage: ERASE,
  summary: 'permanently delete a customer (and merged profiles); suppress their identifiers',
  options: { ...WORKSPACE_OPTION, yes: { type: 'boolean', default: false } },
  async run(v, positionals) {
    const workspaceId = requireFlag(v, 'workspace', ERASE);
    const [id] = requirePositionals(positionals, ['CUSTOMER_ID'], ERASE);
    if (v['yes'] !== true) {
      throw new CliError(`refusing to erase ${id!} without --yes: erasure deletes the customer's profile, events and identities permanently (export them first with "customer export")`, 2);
    }
    await withServices(async (s) => {
      await s.tenancy.requireWorkspace(workspaceId);
      const r = await s.customers.erase(workspaceId, id!);
      printResult(isJson(v), { erased: true, customerId: r.customerId, deleted: r.deleted, suppressedIdentifiers: r.suppressedIdentifiers });
    });
  },
};
