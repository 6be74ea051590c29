import type { Presence } from '@omotenashi/protocol';
import type { Bus } from '../../ports/bus.js';
import type { Store } from '../../ports/store.js';
import type { ConversationSettingsReader } from './conversation-settings.js';
import type { Conversations } from './conversations.js';
import { TOPICS, type PresenceSignal } from './events.js';

/**
 * Operator presence: what the operator chose (online/away), and offline when their last
 * connection closes. Stored, so auto-assignment in any process sees it.
 */
export class OperatorPresence {
  private readonly connections = new Map<string, number>();
  /** Operators whose last connection closed, waiting out the grace period. */
  private readonly leaving = new Map<string, NodeJS.Timeout>();

  constructor(private readonly deps: {
    store: Store; bus: Bus; settings: ConversationSettingsReader; conversations: Conversations; onError?: (err: unknown) => void;
    /** How long after the last connection closes before the operator counts as offline (a reload reconnects well within it). */
    graceMs?: number;
  }) {}

  async set(workspaceId: string, operatorId: string, presence: Presence): Promise<void> {
    await this.deps.store.setOperatorRouting(workspaceId, operatorId, { presence });
    const signal: PresenceSignal = { workspaceId, operatorId, presence };
    this.deps.bus.publish(TOPICS.presence, signal);
    if (presence === 'offline') await this.handOver(workspaceId, operatorId);
  }

  async connected(workspaceId: string, operatorId: string, presence: Presence): Promise<void> {
    const key = `${workspaceId}:${operatorId}`;
    const pending = this.leaving.get(key);
    if (pending) {
      clearTimeout(pending);
      this.leaving.delete(key);
    }
    this.connections.set(key, (this.connections.get(key) ?? 0) + 1);
    await this.set(workspaceId, operatorId, presence);
  }

  /**
   * The last connection of an operator closing takes them offline — after a grace period, so
   * reloading the inbox does not hand their conversations away.
   */
  async disconnected(workspaceId: string, operatorId: string): Promise<void> {
    const key = `${workspaceId}:${operatorId}`;
    const left = (this.connections.get(key) ?? 1) - 1;
    if (left > 0) {
      this.connections.set(key, left);
      return;
    }
    this.connections.delete(key);
    const grace = this.deps.graceMs ?? 5_000;
    if (grace <= 0) return this.set(workspaceId, operatorId, 'offline');
    const timer = setTimeout(() => {
      this.leaving.delete(key);
      if (this.connections.has(key)) return;
      this.set(workspaceId, operatorId, 'offline').catch((err: unknown) => this.deps.onError?.(err));
    }, grace);
    timer.unref();
    this.leaving.set(key, timer);
  }

  /** Forgets pending departures (shutdown). */
  stop(): void {
    for (const t of this.leaving.values()) clearTimeout(t);
    this.leaving.clear();
  }

  /** With `reassignOnOffline`, an operator going offline hands their open conversations to someone online. */
  private async handOver(workspaceId: string, operatorId: string): Promise<void> {
    const settings = await this.deps.settings.get(workspaceId);
    if (!settings.reassignOnOffline) return;
    for (let round = 0; round < 20; round++) {
      const page = await this.deps.conversations.list(workspaceId, { status: 'open', assigneeId: operatorId, limit: 100 }, null);
      if (page.rows.length === 0) return;
      let moved = 0;
      for (const c of page.rows) {
        const after = await this.deps.conversations.assign(workspaceId, c.id, { assigneeId: 'auto' });
        if (after.assigneeId !== operatorId) moved++;
      }
      if (moved === 0) return;
    }
  }
}
