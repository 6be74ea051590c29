import type { CustomerRecord } from '../../ports/store.js';

/**
 * Customers this process wrote in its recent flushes, kept parsed so the next flush need not
 * read and JSON-parse them again. Valid only while this process is the workspace's only writer:
 * every customer-changing transaction bumps the workspace's write sequence, and the cache is
 * used only when the sequence is the one this process left behind (else the workspace's entries
 * are dropped). A failed flush drops them too: its in-place changes never committed.
 */
export class CustomerCache {
  private readonly entries = new Map<string, CustomerRecord>();
  private readonly seqs = new Map<string, number>();

  constructor(private readonly max = 20_000) {}

  /** Whether entries of this workspace may be used by a flush that took sequence `seq`. */
  validFor(workspaceId: string, seq: number): boolean {
    if (this.seqs.get(workspaceId) === seq - 1) return true;
    this.dropWorkspace(workspaceId);
    return false;
  }

  get(id: string): CustomerRecord | undefined {
    const c = this.entries.get(id);
    if (c) {
      this.entries.delete(id);
      this.entries.set(id, c);
    }
    return c;
  }

  /** After a commit: what it wrote is now the truth, and `seq` is where this process left off. */
  committed(workspaceId: string, seq: number, rows: readonly CustomerRecord[]): void {
    this.seqs.set(workspaceId, seq);
    for (const r of rows) {
      this.entries.delete(r.id);
      this.entries.set(r.id, r);
    }
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  dropWorkspace(workspaceId: string): void {
    this.seqs.delete(workspaceId);
    for (const [id, c] of this.entries) if (c.workspaceId === workspaceId) this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }
}
