import { randomBytes } from 'node:crypto';
import type { Clock } from '../../ports/clock.js';
import type { Store } from '../../ports/store.js';

/** A workspace's conversation settings (stored in the workspace settings document). */
export interface ConversationSettings {
  /** Give new conversations to the next available operator (round-robin within `defaultTeam`, or everyone). */
  autoAssign: boolean;
  defaultTeam: string | null;
  /** When an operator's last connection closes, hand their open conversations to someone online. */
  reassignOnOffline: boolean;
  /** Visitors must prove a claimed userId (userHash or identity token); see docs/realtime-protocol.md. */
  requireIdentityVerification: boolean;
}

export const DEFAULT_CONVERSATION_SETTINGS: ConversationSettings = {
  autoAssign: false, defaultTeam: null, reassignOnOffline: false, requireIdentityVerification: false,
};

/** Reads conversation settings and the identity secret, cached briefly per workspace. */
export class ConversationSettingsReader {
  private readonly cache = new Map<string, { value: ConversationSettings & { identitySecret: string | null }; until: number }>();

  constructor(private readonly store: Store, private readonly clock: Clock) {}

  async get(workspaceId: string): Promise<ConversationSettings & { identitySecret: string | null }> {
    const now = this.clock.now();
    const hit = this.cache.get(workspaceId);
    if (hit && hit.until > now) return hit.value;
    const doc = await this.store.getWorkspaceSettings(workspaceId);
    const stored = (doc['conversations'] ?? {}) as Partial<ConversationSettings>;
    const value = {
      ...DEFAULT_CONVERSATION_SETTINGS, ...stored,
      identitySecret: typeof doc['identitySecret'] === 'string' ? doc['identitySecret'] : null,
    };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(workspaceId, { value, until: now + 5_000 });
    return value;
  }

  async set(workspaceId: string, patch: Partial<ConversationSettings>): Promise<ConversationSettings> {
    // Read-modify-write of the shared settings document in one transaction, so another key
    // written at the same time (a secret, the etiquette) is not lost.
    const next = await this.store.transaction(async (tx) => {
      const doc = await tx.getWorkspaceSettings(workspaceId);
      const merged = { ...DEFAULT_CONVERSATION_SETTINGS, ...((doc['conversations'] ?? {}) as Partial<ConversationSettings>), ...patch };
      await tx.setWorkspaceSettings(workspaceId, { ...doc, conversations: merged });
      return merged;
    });
    this.cache.delete(workspaceId);
    return next;
  }

  /** Creates (or replaces) the secret the shop's backend signs visitor identities with. */
  async rotateIdentitySecret(workspaceId: string): Promise<string> {
    const secret = `idsec_${randomBytes(24).toString('base64url')}`;
    await this.store.transaction(async (tx) => {
      const doc = await tx.getWorkspaceSettings(workspaceId);
      await tx.setWorkspaceSettings(workspaceId, { ...doc, identitySecret: secret });
    });
    this.cache.delete(workspaceId);
    return secret;
  }
}
