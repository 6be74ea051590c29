import { OmotenashiError, notFound } from '../../errors.js';
import type { IdGenerator } from '../../platform/ids.js';
import type { Clock } from '../../ports/clock.js';
import type { CareItemRecord, CareItemStatus, Store } from '../../ports/store.js';

export type QueueKind = 'care_items' | 'tasks';

/** A task a person writes down by hand (from a suggestion, or for anything only people can do). */
export interface ManualTask {
  customerId: string;
  title: string;
  note: string | null;
  team: string | null;
  owner: string | null;
  dueAt: number | null;
  /** The suggestion it was made from (GET /customers/:id/suggestions `key`), so it is not suggested again. */
  suggestionKey: string | null;
}

/**
 * The "needs you now" queue and staff tasks: list, claim, resolve. A claim only succeeds on an
 * open item, so two operators can never both take the same person.
 */
export class CareQueue {
  constructor(private readonly store: Store, private readonly clock: Clock, private readonly ids: IdGenerator) {}

  /** Adds a staff task by hand. The customer is the caller's to check (it must be of this workspace). */
  async createTask(workspaceId: string, t: ManualTask, by: string): Promise<CareItemRecord> {
    const record: CareItemRecord = {
      id: this.ids.next('task'), workspaceId, customerId: t.customerId, decisionId: null, playbookKey: null,
      title: t.title, priority: 'normal', status: 'open', claimedBy: null, claimedAt: null, resolvedAt: null, resolution: null,
      createdAt: this.clock.now(), team: t.team, owner: t.owner, dueAt: t.dueAt,
      context: { source: 'manual', createdBy: by, note: t.note, ...(t.suggestionKey ? { suggestionKey: t.suggestionKey } : {}) },
    };
    await this.store.insertCareItems('tasks', [record]);
    return record;
  }

  list(kind: QueueKind, workspaceId: string, opts: { status?: CareItemStatus; customerId?: string; limit?: number }): Promise<CareItemRecord[]> {
    return this.store.listCareItems(kind, workspaceId, { ...opts, limit: opts.limit ?? 50 });
  }

  async claim(kind: QueueKind, workspaceId: string, id: string, by: string): Promise<CareItemRecord> {
    if (!(await this.store.updateCareItem(kind, workspaceId, id, ['open'], { status: 'claimed', by, at: this.clock.now() }))) {
      throw await this.whyNot(kind, workspaceId, id, 'claim');
    }
    return this.get(kind, workspaceId, id);
  }

  async resolve(kind: QueueKind, workspaceId: string, id: string, by: string, resolution: string | null): Promise<CareItemRecord> {
    if (!(await this.store.updateCareItem(kind, workspaceId, id, ['open', 'claimed'], { status: 'resolved', by, at: this.clock.now(), resolution }))) {
      throw await this.whyNot(kind, workspaceId, id, 'resolve');
    }
    return this.get(kind, workspaceId, id);
  }

  private async get(kind: QueueKind, workspaceId: string, id: string): Promise<CareItemRecord> {
    const item = await this.store.getCareItem(kind, workspaceId, id);
    if (!item) throw notFound(kind === 'tasks' ? 'task' : 'queue item', id);
    return item;
  }

  private async whyNot(kind: QueueKind, workspaceId: string, id: string, verb: string): Promise<OmotenashiError> {
    const item = await this.store.getCareItem(kind, workspaceId, id);
    if (!item) return notFound(kind === 'tasks' ? 'task' : 'queue item', id);
    return new OmotenashiError('conflict', `cannot ${verb} ${id}: it is already ${item.status}${item.claimedBy ? ` by ${item.claimedBy}` : ''}`);
  }
}
