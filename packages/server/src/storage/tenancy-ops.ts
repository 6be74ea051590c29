import type { Presence } from '@omotenashi/protocol';
import type { Kysely } from 'kysely';
import type { ApiTokenRecord, OperatorRecord, Role, StoreOps, WorkspaceRecord, WriteKeyRecord } from '../ports/store.js';
import type { Database } from './schema.js';

type TenancyOps = Pick<StoreOps,
  | 'insertWorkspace' | 'getWorkspace' | 'listWorkspaces'
  | 'insertWriteKey' | 'findWriteKeyByHash' | 'listWriteKeys' | 'revokeWriteKey'
  | 'insertApiToken' | 'findApiTokenByHash' | 'listApiTokens' | 'revokeApiToken'
  | 'insertOperator' | 'findOperatorsByEmail' | 'getOperator' | 'listOperators' | 'updateOperatorProfile'>;

type WsRow = Database['workspaces'];
type KeyRow = Database['write_keys'];
type TokenRow = Database['api_tokens'];
type OpRow = Database['operators'];

const toWorkspace = (r: WsRow): WorkspaceRecord => ({ id: r.id, name: r.name, createdAt: r.created_at });
const toWriteKey = (r: KeyRow): WriteKeyRecord => ({
  id: r.id, workspaceId: r.workspace_id, name: r.name, keyHint: r.key_hint, createdAt: r.created_at, revokedAt: r.revoked_at,
});
const toToken = (r: TokenRow): ApiTokenRecord => ({
  id: r.id, workspaceId: r.workspace_id, name: r.name, role: r.role as Role, operatorId: r.operator_id,
  createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at,
});
const toOperator = (r: OpRow): OperatorRecord => ({
  id: r.id, workspaceId: r.workspace_id, email: r.email, name: r.name, role: r.role as Role,
  passwordHash: r.password_hash, createdAt: r.created_at, disabledAt: r.disabled_at,
  teams: JSON.parse(r.teams) as string[], capacity: r.capacity, presence: r.presence as Presence, avatarUrl: r.avatar_url,
});

export function tenancyOps(db: Kysely<Database>): TenancyOps {
  return {
    async insertWorkspace(w) {
      await db.insertInto('workspaces').values({ id: w.id, name: w.name, created_at: w.createdAt, settings: '{}', ingest_seq: 0 }).execute();
    },
    async getWorkspace(id) {
      const r = await db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toWorkspace(r) : null;
    },
    async listWorkspaces() {
      return (await db.selectFrom('workspaces').selectAll().orderBy('id').execute()).map(toWorkspace);
    },
    async insertWriteKey(k, keyHash) {
      await db.insertInto('write_keys').values({
        id: k.id, workspace_id: k.workspaceId, name: k.name, key_hash: keyHash, key_hint: k.keyHint,
        created_at: k.createdAt, revoked_at: k.revokedAt,
      }).execute();
    },
    async findWriteKeyByHash(keyHash) {
      const r = await db.selectFrom('write_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
      return r ? toWriteKey(r) : null;
    },
    async listWriteKeys(workspaceId) {
      return (await db.selectFrom('write_keys').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute()).map(toWriteKey);
    },
    async revokeWriteKey(workspaceId, id, at) {
      const r = await db.updateTable('write_keys').set({ revoked_at: at })
        .where('workspace_id', '=', workspaceId).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async insertApiToken(t, tokenHash) {
      await db.insertInto('api_tokens').values({
        id: t.id, workspace_id: t.workspaceId, name: t.name, token_hash: tokenHash, role: t.role, operator_id: t.operatorId,
        created_at: t.createdAt, expires_at: t.expiresAt, revoked_at: t.revokedAt,
      }).execute();
    },
    async findApiTokenByHash(tokenHash) {
      const r = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return r ? toToken(r) : null;
    },
    async listApiTokens(workspaceId) {
      return (await db.selectFrom('api_tokens').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute()).map(toToken);
    },
    async revokeApiToken(workspaceId, id, at) {
      const r = await db.updateTable('api_tokens').set({ revoked_at: at })
        .where('workspace_id', '=', workspaceId).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async insertOperator(o) {
      await db.insertInto('operators').values({
        id: o.id, workspace_id: o.workspaceId, email: o.email, name: o.name, role: o.role,
        password_hash: o.passwordHash, created_at: o.createdAt, disabled_at: o.disabledAt,
        teams: JSON.stringify(o.teams ?? []), capacity: o.capacity ?? 10, presence: o.presence ?? 'offline',
        avatar_url: o.avatarUrl ?? null,
      }).execute();
    },
    async findOperatorsByEmail(email) {
      return (await db.selectFrom('operators').selectAll().where('email', '=', email).execute()).map(toOperator);
    },
    async getOperator(workspaceId, id) {
      const r = await db.selectFrom('operators').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
      return r ? toOperator(r) : null;
    },
    async listOperators(workspaceId) {
      return (await db.selectFrom('operators').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute()).map(toOperator);
    },
    async updateOperatorProfile(workspaceId, id, patch) {
      const set = {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.avatarUrl !== undefined ? { avatar_url: patch.avatarUrl } : {}),
      };
      if (Object.keys(set).length === 0) {
        return (await db.selectFrom('operators').select('id').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst()) !== undefined;
      }
      const r = await db.updateTable('operators').set(set).where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
