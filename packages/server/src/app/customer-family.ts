import type { StoreOps } from '../ports/store.js';

/** A customer plus everyone merged into them (transitively): the ids one person's data lives under. */
export async function customerFamily(store: StoreOps, workspaceId: string, rootId: string): Promise<string[]> {
  const family = [rootId];
  let frontier = [rootId];
  for (let depth = 0; depth < 32 && frontier.length > 0; depth++) {
    frontier = (await store.mergedInto(workspaceId, frontier)).filter((id) => !family.includes(id));
    family.push(...frontier);
  }
  return family;
}
