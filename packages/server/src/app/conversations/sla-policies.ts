import type { ChannelName, Priority } from '@omotenashi/protocol';
import type { Clock } from '../../ports/clock.js';
import type { SlaPolicyRecord } from '../../ports/conversation-store.js';
import type { Store } from '../../ports/store.js';
import { DEFAULT_SLA, type SlaPolicyLike } from '../../domain/conversations/sla.js';

export interface ChosenPolicy { id: string | null; policy: SlaPolicyLike }

/**
 * The policy that applies to a conversation: the most specific one matching its channel and
 * priority (both > priority > channel > neither), else the default (first response within 24
 * hours). Policies are cached briefly per workspace.
 */
export class SlaPolicies {
  private readonly cache = new Map<string, { rows: SlaPolicyRecord[]; until: number }>();

  constructor(private readonly store: Store, private readonly clock: Clock) {}

  async list(workspaceId: string): Promise<SlaPolicyRecord[]> {
    const now = this.clock.now();
    const hit = this.cache.get(workspaceId);
    if (hit && hit.until > now) return hit.rows;
    const rows = await this.store.listSlaPolicies(workspaceId);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(workspaceId, { rows, until: now + 5_000 });
    return rows;
  }

  forget(workspaceId: string): void {
    this.cache.delete(workspaceId);
  }

  async choose(workspaceId: string, channel: ChannelName, priority: Priority): Promise<ChosenPolicy> {
    return choosePolicy(await this.list(workspaceId), channel, priority);
  }
}

export function choosePolicy(rows: SlaPolicyRecord[], channel: ChannelName, priority: Priority): ChosenPolicy {
  let best: SlaPolicyRecord | null = null;
  let bestScore = -1;
  for (const p of rows) {
    if (p.channel !== null && p.channel !== channel) continue;
    if (p.priority !== null && p.priority !== priority) continue;
    const score = (p.priority !== null ? 2 : 0) + (p.channel !== null ? 1 : 0);
    if (score > bestScore) [best, bestScore] = [p, score];
  }
  return best ? { id: best.id, policy: best } : { id: null, policy: DEFAULT_SLA };
}
