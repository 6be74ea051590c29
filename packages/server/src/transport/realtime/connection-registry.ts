import type { OperatorConnection } from './operator-connection.js';
import type { VisitorConnection } from './visitor-connection.js';

/**
 * Live connections by who they are: visitors by (workspace, customer) — under every id of
 * their merged family — and operators by workspace. The Bus router looks people up here.
 */
export class ConnectionRegistry {
  private readonly visitors = new Map<string, Set<VisitorConnection>>();
  private readonly operators = new Map<string, Set<OperatorConnection>>();
  readonly all = new Set<VisitorConnection | OperatorConnection>();

  track(c: VisitorConnection | OperatorConnection): void {
    this.all.add(c);
  }

  addVisitor(c: VisitorConnection): void {
    for (const id of c.session!.family) {
      const key = `${c.session!.workspaceId}:${id}`;
      let set = this.visitors.get(key);
      if (!set) this.visitors.set(key, (set = new Set()));
      set.add(c);
    }
  }

  removeVisitor(c: VisitorConnection): void {
    this.all.delete(c);
    if (!c.session) return;
    for (const id of c.session.family) {
      const key = `${c.session.workspaceId}:${id}`;
      const set = this.visitors.get(key);
      set?.delete(c);
      if (set?.size === 0) this.visitors.delete(key);
    }
  }

  visitorsOf(workspaceId: string, customerId: string): Iterable<VisitorConnection> {
    return this.visitors.get(`${workspaceId}:${customerId}`) ?? [];
  }

  addOperator(c: OperatorConnection): void {
    let set = this.operators.get(c.workspaceId!);
    if (!set) this.operators.set(c.workspaceId!, (set = new Set()));
    set.add(c);
  }

  removeOperator(c: OperatorConnection): void {
    this.all.delete(c);
    if (!c.workspaceId) return;
    const set = this.operators.get(c.workspaceId);
    set?.delete(c);
    if (set?.size === 0) this.operators.delete(c.workspaceId);
  }

  operatorsOf(workspaceId: string): Iterable<OperatorConnection> {
    return this.operators.get(workspaceId) ?? [];
  }

  /** Whether any operator socket of the workspace is connected here (cheap: one map look-up). */
  hasOperators(workspaceId: string): boolean {
    return this.operators.has(workspaceId);
  }

  /** Operators connected and online in this process (a distributed Bus would share this). */
  operatorsOnline(workspaceId: string): number {
    let n = 0;
    for (const o of this.operatorsOf(workspaceId)) if (o.presence === 'online') n++;
    return n;
  }

  /** Live sockets by kind (for the metrics scrape; walks the set, so not for hot paths). */
  counts(): { visitor: number; operator: number } {
    let visitor = 0;
    for (const c of this.all) if ('deliver' in c) visitor++;
    return { visitor, operator: this.all.size - visitor };
  }
}
