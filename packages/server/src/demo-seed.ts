import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Config } from './config/config.js';
import { demoPlaybooks } from './demo/demo-playbooks.js';
import type { Services } from './services.js';

export interface DemoCredentials {
  workspaceId: string;
  writeKey: string;
  apiToken: string;
  operator: { email: string; password: string };
}

const DEMO_EMAIL = 'demo@omotenashi.local';

/**
 * Where `npm start` keeps the demo's secrets: beside the SQLite database, else ./data. Shared by
 * the server (writes it) and `omotenashi demo simulate` (reads it), so both find the same file
 * whatever DATABASE_URL says.
 */
export function demoCredentialsFile(config: Config): string {
  const dataDir = config.database.kind === 'sqlite' && config.database.path !== ':memory:' ? dirname(config.database.path) : resolve('data');
  return join(dataDir, 'demo-credentials.json');
}

/**
 * First start on an empty database: create the demo workspace (see seedDemoWorkspace). The
 * secrets are only stored hashed in the database, so they are also kept in a local file
 * (mode 600) to print them again on later starts, and for `omotenashi demo simulate` to read.
 */
export async function ensureDemoWorkspace(services: Services, credentialsFile: string): Promise<DemoCredentials | null> {
  const workspaces = await services.store.listWorkspaces();
  if (workspaces.length > 0) {
    if (!existsSync(credentialsFile)) return null;
    const saved = JSON.parse(readFileSync(credentialsFile, 'utf8')) as DemoCredentials;
    return workspaces.some((w) => w.id === saved.workspaceId) ? saved : null;
  }
  const creds = await seedDemoWorkspace(services);
  mkdirSync(dirname(credentialsFile), { recursive: true });
  writeFileSync(credentialsFile, JSON.stringify(creds, null, 2), { mode: 0o600 });
  return creds;
}

/** The demo operator's photo: a path on this server, resolved by the widget against its server. */
export const DEMO_OPERATOR_PHOTO = '/demo/assets/operator.svg';

/**
 * The demo workspace: a write key, an admin token, a demo operator, the starter library at demo
 * pace (demo/demo-playbooks.ts: stuck-at-payment within seconds, the shop's /demo/ pages…),
 * enabled, and a few snippets.
 */
export async function seedDemoWorkspace(services: Services): Promise<DemoCredentials> {
  const created = await services.tenancy.createWorkspace('Demo shop');
  const password = `demo-${services.ids.ulid().slice(-10).toLowerCase()}`;
  // The photo is the demo shop's illustrated portrait (packages/demo-shop/assets), served by this
  // server: the invitation bubble shows a person, as a real shop's would.
  await services.tenancy.createOperator(created.workspace.id, { email: DEMO_EMAIL, name: 'Demo Operator', role: 'owner', password, avatarUrl: DEMO_OPERATOR_PHOTO });
  for (const definition of demoPlaybooks()) await services.playbooks.apply(created.workspace.id, definition, null);
  await seedSnippets(services, created.workspace.id);
  return { workspaceId: created.workspace.id, writeKey: created.writeKey, apiToken: created.apiToken, operator: { email: DEMO_EMAIL, password } };
}

/** A few replies an operator reaches for on day one, with the profile's variables. */
const DEMO_SNIPPETS = [
  { shortcut: 'hello', title: 'Greeting', body: '{{greeting}} {{first_name}}, this is {{operator_name}}. How can I help?' },
  { shortcut: 'order-status', title: 'Where is my order', body: 'Let me look at order {{last_order_number}} for you — one moment, {{first_name}}.' },
  { shortcut: 'thanks', title: 'Thank you', body: 'Thank you for shopping with us, {{first_name}}. Is there anything else I can do?' },
];

async function seedSnippets(services: Services, workspaceId: string): Promise<void> {
  const now = services.clock.now();
  for (const s of DEMO_SNIPPETS) {
    await services.store.insertSnippet({ id: services.ids.next('snippet'), workspaceId, ...s, createdAt: now, updatedAt: now });
  }
}
