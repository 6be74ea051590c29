import { OmotenashiError, notFound } from '../errors.js';
import { applyEvent } from '../domain/profile/apply-event.js';
import { emptyProfile } from '../domain/profile/empty-profile.js';
import type { Profile } from '../domain/profile/profile.js';
import type { Clock } from '../ports/clock.js';
import type { GeoLookup } from '../ports/geo.js';
import type { EventCursor, Store, StoreOps } from '../ports/store.js';
import { customerFamily } from './customer-family.js';
import { rehydrate } from './rehydrate.js';

/** Undoing a merge: the two people become two profiles again, each rebuilt from its own events. */
export class Merges {
  constructor(private readonly store: Store, private readonly clock: Clock, private readonly geo: GeoLookup | null) {}

  async list(workspaceId: string, customerIds: string[]) {
    return this.store.listMerges(workspaceId, customerIds);
  }

  async undo(workspaceId: string, mergeId: string): Promise<{ winnerId: string; loserId: string }> {
    return this.store.transaction(async (tx) => {
      await tx.lockWorkspaceForIngest(workspaceId); // serialise with ingestion; invalidates caches
      const m = await tx.getMerge(workspaceId, mergeId);
      if (!m) throw notFound('merge', mergeId);
      if (m.undoneAt !== null) throw new OmotenashiError('conflict', `merge ${mergeId} was already undone`);
      const loser = await tx.getCustomer(workspaceId, m.loserId);
      const winner = await tx.getCustomer(workspaceId, m.winnerId);
      if (!loser || !winner) throw new OmotenashiError('conflict', `merge ${mergeId} can no longer be undone: one of its customers was erased`);
      const now = this.clock.now();
      await tx.moveIdentities(workspaceId, m.details.movedIdentities, loser.id);
      loser.mergedInto = null;
      await tx.upsertCustomers([loser]);
      for (const c of [loser, winner]) {
        const family = await customerFamily(tx, workspaceId, c.id);
        c.profile = await this.replay(tx, workspaceId, family, c.profile);
        const users = (await tx.identitiesOf(workspaceId, [c.id])).filter((i) => i.kind === 'user');
        c.userId = users[0]?.value ?? null;
        c.updatedAt = now;
      }
      await tx.upsertCustomers([loser, winner]);
      await tx.markMergeUndone(workspaceId, mergeId, now);
      return { winnerId: winner.id, loserId: loser.id };
    });
  }

  /** Folds every stored event of `family` from scratch, oldest first. */
  private async replay(tx: StoreOps, workspaceId: string, family: string[], fallback: Profile): Promise<Profile> {
    let profile: Profile | null = null;
    let cursor: EventCursor | null = null;
    for (;;) {
      const page = await tx.listEvents(workspaceId, family, { before: cursor, limit: 1000, ascending: true });
      for (const r of page) {
        const e = rehydrate(r);
        const p: Profile = profile ?? emptyProfile(e.timestamp);
        profile = p;
        const ip = typeof e.context['ip'] === 'string' ? e.context['ip'] : null;
        applyEvent(p, e, { geo: ip && ip !== p.lastIp && this.geo ? this.geo.lookup(ip) : null });
      }
      if (page.length < 1000) break;
      const last = page[page.length - 1]!;
      cursor = { timestamp: last.timestamp, id: last.id };
    }
    return profile ?? fallback;
  }
}
