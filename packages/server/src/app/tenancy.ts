import { OmotenashiError, notFound, validationError } from '../errors.js';
import type { IdGenerator } from '../platform/ids.js';
import { hashPassword, hashSecret, newSecret, verifyPassword } from '../platform/secrets.js';
import type { Clock } from '../ports/clock.js';
import { ROLES, type ApiTokenRecord, type OperatorRecord, type Role, type Store, type WorkspaceRecord, type WriteKeyRecord } from '../ports/store.js';
import { ACCOUNT_POLICY, ADDRESS_POLICY, FailureWindows } from '../domain/tenancy/login-throttle.js';
import type { Credentials } from './credentials.js';
import { avatarUrlIssue, operatorNameIssue } from './operator-profile.js';

export interface NewWorkspace { workspace: WorkspaceRecord; writeKey: string; apiToken: string }

const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Workspaces, their write keys and API tokens, and operators. */
export class Tenancy {
  private readonly accountFailures = new FailureWindows(ACCOUNT_POLICY);
  private readonly addressFailures = new FailureWindows(ADDRESS_POLICY);
  constructor(private readonly store: Store, private readonly ids: IdGenerator, private readonly clock: Clock, private readonly credentials?: Credentials) {}

  async createWorkspace(name: string): Promise<NewWorkspace> {
    const clean = requireName('name', name, 100);
    const now = this.clock.now();
    const workspace: WorkspaceRecord = { id: this.ids.next('workspace'), name: clean, createdAt: now };
    return this.store.transaction(async (tx) => {
      await tx.insertWorkspace(workspace);
      const writeKey = newSecret('wk');
      await tx.insertWriteKey({ id: this.ids.next('writeKey'), workspaceId: workspace.id, name: 'default', keyHint: hint(writeKey), createdAt: now, revokedAt: null }, hashSecret(writeKey));
      const apiToken = newSecret('ot');
      await tx.insertApiToken({ id: this.ids.next('apiToken'), workspaceId: workspace.id, name: 'default admin token', role: 'owner', operatorId: null, createdAt: now, expiresAt: null, revokedAt: null }, hashSecret(apiToken));
      return { workspace, writeKey, apiToken };
    });
  }

  async requireWorkspace(id: string): Promise<WorkspaceRecord> {
    const ws = await this.store.getWorkspace(id);
    if (!ws) throw new OmotenashiError('not_found', `workspace ${JSON.stringify(id)} does not exist`);
    return ws;
  }

  async createWriteKey(workspaceId: string, name = 'write key'): Promise<{ record: WriteKeyRecord; writeKey: string }> {
    await this.requireWorkspace(workspaceId);
    const writeKey = newSecret('wk');
    const record: WriteKeyRecord = { id: this.ids.next('writeKey'), workspaceId, name: requireName('name', name, 100), keyHint: hint(writeKey), createdAt: this.clock.now(), revokedAt: null };
    await this.store.insertWriteKey(record, hashSecret(writeKey));
    return { record, writeKey };
  }

  async revokeWriteKey(workspaceId: string, id: string): Promise<void> {
    if (!(await this.store.revokeWriteKey(workspaceId, id, this.clock.now()))) throw notFound('active write key', id);
    this.credentials?.forgetAll();
  }

  async createApiToken(workspaceId: string, opts: { name?: string; role?: string; operatorId?: string | null; ttlMs?: number | null }): Promise<{ record: ApiTokenRecord; token: string }> {
    await this.requireWorkspace(workspaceId);
    const role = requireRole(opts.role ?? 'admin');
    const now = this.clock.now();
    const token = newSecret('ot');
    const record: ApiTokenRecord = {
      id: this.ids.next('apiToken'), workspaceId, name: requireName('name', opts.name ?? 'API token', 100), role,
      operatorId: opts.operatorId ?? null, createdAt: now, expiresAt: opts.ttlMs ? now + opts.ttlMs : null, revokedAt: null,
    };
    await this.store.insertApiToken(record, hashSecret(token));
    return { record, token };
  }

  /** Revokes a token; only an owner may revoke an owner's token (an admin cannot lock the owner out). */
  async revokeApiToken(workspaceId: string, id: string, actorRole: Role = 'owner'): Promise<void> {
    const target = (await this.store.listApiTokens(workspaceId)).find((t) => t.id === id);
    if (target?.role === 'owner' && actorRole !== 'owner') {
      throw new OmotenashiError('forbidden', 'only an owner can revoke an owner token');
    }
    if (!(await this.store.revokeApiToken(workspaceId, id, this.clock.now()))) throw notFound('active API token', id);
    this.credentials?.forgetAll();
  }

  async createOperator(workspaceId: string, input: { email: string; name: string; role: string; password: string; avatarUrl?: unknown }): Promise<OperatorRecord> {
    await this.requireWorkspace(workspaceId);
    const issues = [];
    const email = typeof input.email === 'string' ? input.email.trim().toLowerCase() : '';
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) || email.length > 254) issues.push({ path: 'email', code: 'invalid_value' as const, message: 'email must be an email address like ana@example.com' });
    if (typeof input.password !== 'string' || input.password.length < 10 || input.password.length > 200) issues.push({ path: 'password', code: 'invalid_value' as const, message: 'password must be 10 to 200 characters long' });
    if (!ROLES.includes(input.role as Role)) issues.push({ path: 'role', code: 'invalid_value' as const, message: `role must be one of ${ROLES.join(', ')}` });
    const nameIssue = operatorNameIssue(input.name);
    if (nameIssue) issues.push(nameIssue);
    const avatarIssue = input.avatarUrl === undefined ? null : avatarUrlIssue(input.avatarUrl);
    if (avatarIssue) issues.push(avatarIssue);
    if (issues.length > 0) throw validationError(issues);
    if ((await this.store.findOperatorsByEmail(email)).some((o) => o.workspaceId === workspaceId)) {
      throw new OmotenashiError('conflict', `an operator with email ${email} already exists in this workspace`);
    }
    const op: OperatorRecord = {
      id: this.ids.next('operator'), workspaceId, email, name: input.name.trim(), role: input.role as Role,
      passwordHash: await hashPassword(input.password), createdAt: this.clock.now(), disabledAt: null,
      avatarUrl: (input.avatarUrl as string | null | undefined) ?? null,
    };
    await this.store.insertOperator(op);
    return op;
  }

  /** An operator changes their own name and photo (fields absent stay as they are). */
  async updateOperatorProfile(workspaceId: string, operatorId: string, patch: { name?: unknown; avatarUrl?: unknown }): Promise<OperatorRecord> {
    const issues = [patch.name === undefined ? null : operatorNameIssue(patch.name), patch.avatarUrl === undefined ? null : avatarUrlIssue(patch.avatarUrl)]
      .filter((i) => i !== null);
    if (issues.length > 0) throw validationError(issues);
    const clean = {
      ...(patch.name !== undefined ? { name: (patch.name as string).trim() } : {}),
      ...(patch.avatarUrl !== undefined ? { avatarUrl: patch.avatarUrl as string | null } : {}),
    };
    if (!(await this.store.updateOperatorProfile(workspaceId, operatorId, clean))) throw notFound('operator', operatorId);
    const op = await this.store.getOperator(workspaceId, operatorId);
    if (!op) throw notFound('operator', operatorId);
    return op;
  }

  /**
   * Password login: returns a session token (an API token bound to the operator, 12 h). Wrong passwords are counted per email and per client address (in this
   * process): past the limit, logins are refused with `rate_limited` until the window ends,
   * before the password is even checked, so guessing learns nothing more.
   */
  async login(email: string, password: string, workspaceId?: string, from: { address?: string } = {}): Promise<{ token: string; operator: OperatorRecord; expiresAt: number }> {
    const account = String(email).trim().toLowerCase();
    const address = from.address ?? null;
    const now = this.clock.now();
    const wait = Math.max(this.accountFailures.lockedFor(account, now), address ? this.addressFailures.lockedFor(address, now) : 0);
    if (wait > 0) {
      const minutes = Math.ceil(wait / 60_000);
      throw new OmotenashiError('rate_limited', `too many failed logins: try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
        { retryAfterSeconds: Math.ceil(wait / 1000) });
    }
    const candidates = (await this.store.findOperatorsByEmail(account))
      .filter((o) => o.disabledAt === null && (!workspaceId || o.workspaceId === workspaceId));
    for (const op of candidates) {
      if (await verifyPassword(String(password), op.passwordHash)) {
        this.accountFailures.forget(account);
        const { record, token } = await this.createApiToken(op.workspaceId, { name: `session for ${op.email}`, role: op.role, operatorId: op.id, ttlMs: SESSION_TTL_MS });
        return { token, operator: op, expiresAt: record.expiresAt! };
      }
    }
    this.accountFailures.fail(account, now);
    if (address) this.addressFailures.fail(address, now);
    throw new OmotenashiError('invalid_credentials', 'email or password is wrong');
  }
}

/** What lists show of a secret (and what `demo simulate` compares a write key against). */
export function hint(secret: string): string {
  return `${secret.slice(0, 6)}…${secret.slice(-4)}`;
}

function requireName(field: string, v: unknown, max: number): string {
  if (typeof v !== 'string' || v.trim() === '' || v.length > max) {
    throw validationError([{ path: field, code: 'invalid_value', message: `${field} must be a non-empty string of at most ${max} characters` }]);
  }
  return v.trim();
}

export function requireRole(v: unknown): Role {
  if (!ROLES.includes(v as Role)) throw validationError([{ path: 'role', code: 'invalid_value', message: `role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(v)}` }]);
  return v as Role;
}
