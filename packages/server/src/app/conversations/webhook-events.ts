import type { WebhookEvent } from '@omotenashi/protocol';
import type { Clock } from '../../ports/clock.js';
import type { WebhookSubscriptionRecord } from '../../ports/conversation-store.js';
import type { CareStoreOps, Store } from '../../ports/store.js';
import type { IdGenerator } from '../../platform/ids.js';

/** Every conversation event names its conversation (and so its customer, for erasure). */
export type WebhookData = { conversation: { customerId: string } } & Record<string, unknown>;

/**
 * Conversation webhook events go through the care loop's outbox (leased, signed, retried with
 * backoff): one row per subscription, written in the same transaction as the change, so a
 * receiver hears about exactly what was committed.
 */
export class ConversationWebhooks {
  private readonly cache = new Map<string, { subs: WebhookSubscriptionRecord[]; until: number }>();

  constructor(private readonly store: Store, private readonly ids: IdGenerator, private readonly clock: Clock, private readonly ttlMs = 5_000) {}

  /** Subscriptions are read on every change: cached briefly, and forgotten when changed here. */
  async subscriptions(workspaceId: string): Promise<WebhookSubscriptionRecord[]> {
    const now = this.clock.now();
    const hit = this.cache.get(workspaceId);
    if (hit && hit.until > now) return hit.subs;
    const subs = await this.store.listWebhookSubscriptions(workspaceId);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(workspaceId, { subs, until: now + this.ttlMs });
    return subs;
  }

  forget(workspaceId: string): void {
    this.cache.delete(workspaceId);
  }

  /**
   * Queues `event` for every subscriber of it, inside the caller's transaction. The body is
   * built only when someone subscribes: most workspaces have no receivers, and this runs on
   * every message.
   */
  async enqueue(tx: CareStoreOps, workspaceId: string, subs: WebhookSubscriptionRecord[], event: WebhookEvent, build: () => WebhookData): Promise<void> {
    const targets = subs.filter((s) => s.events.includes(event));
    if (targets.length === 0) return;
    const data = build();
    const now = this.clock.now();
    const eventId = this.ids.next('delivery');
    const body = JSON.stringify({ id: eventId, type: event, createdAt: new Date(now).toISOString(), workspaceId, data });
    await tx.insertOutbox(targets.map((s) => ({
      id: this.ids.next('delivery'), workspaceId, decisionId: `${s.id}:${eventId}`, url: s.url, body,
      status: 'pending' as const, attempts: 0, nextAttemptAt: now, lastError: null, createdAt: now, customerId: data.conversation.customerId,
    })));
  }
}
