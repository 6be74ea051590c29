import { OmotenashiError } from '../errors.js';
import { hashSecret } from '../platform/secrets.js';
import type { Clock } from '../ports/clock.js';
import type { ApiTokenRecord, Store } from '../ports/store.js';

interface Cached<T> { value: T; until: number }

/**
 * Resolves write keys and API tokens to their workspace. The ingestion hot path checks a write
 * key on every request, so answers are cached briefly; a revocation made through this process
 * is applied at once (`forget`), one made elsewhere within `ttlMs`.
 */
export class Credentials {
  private readonly writeKeys = new Map<string, Cached<string | null>>();
  /** Lookups in flight: when a cache entry expires under load, one query serves every waiter. */
  private readonly pendingKeys = new Map<string, Promise<string | null>>();
  private readonly tokens = new Map<string, Cached<ApiTokenRecord | null>>();

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly ttlMs = 5_000) {}

  /** The workspace id of a live write key. */
  async workspaceForWriteKey(writeKey: string | null): Promise<string> {
    if (!writeKey) throw new OmotenashiError('missing_write_key', 'no write key: send it as the HTTP Basic username or as "writeKey" in the body');
    const now = this.clock.now();
    const hash = hashSecret(writeKey);
    let hit = this.writeKeys.get(hash);
    if (!hit || hit.until < now) {
      let pending = this.pendingKeys.get(hash);
      if (!pending) {
        pending = this.store.findWriteKeyByHash(hash)
          .then((rec) => (rec && rec.revokedAt === null ? rec.workspaceId : null))
          .finally(() => this.pendingKeys.delete(hash));
        this.pendingKeys.set(hash, pending);
      }
      hit = { value: await pending, until: now + this.ttlMs };
      if (this.writeKeys.size > 10_000) this.writeKeys.clear();
      this.writeKeys.set(hash, hit);
    }
    if (!hit.value) throw new OmotenashiError('invalid_write_key', 'the write key is unknown or has been revoked');
    return hit.value;
  }

  async apiToken(token: string | null): Promise<ApiTokenRecord> {
    if (!token) throw new OmotenashiError('unauthorized', 'no API token: send "Authorization: Bearer <token>"');
    const now = this.clock.now();
    const hash = hashSecret(token);
    let hit = this.tokens.get(hash);
    if (!hit || hit.until < now) {
      hit = { value: await this.store.findApiTokenByHash(hash), until: now + this.ttlMs };
      if (this.tokens.size > 10_000) this.tokens.clear();
      this.tokens.set(hash, hit);
    }
    const t = hit.value;
    if (!t || t.revokedAt !== null || (t.expiresAt !== null && t.expiresAt <= now)) {
      throw new OmotenashiError('unauthorized', 'the API token is unknown, expired or revoked');
    }
    return t;
  }

  forgetAll(): void {
    this.writeKeys.clear();
    this.tokens.clear();
  }
}
