import type { IdentityKeyRef } from './identifiers.js';

export interface HeldIdentity { customerId: string; verified: boolean }
export interface CustomerRef { userId: string | null; mergedInto: string | null }

export const keyOf = (kind: string, value: string): string => `${kind}\u0000${value}`;

/**
 * The slice of the identity graph one ingestion flush needs, loaded up front and updated in
 * memory as events are resolved; the app writes back what changed (`dirty`) at the end.
 */
export class IdentityView {
  readonly identities = new Map<string, HeldIdentity & IdentityKeyRef>();
  readonly customers = new Map<string, CustomerRef>();
  readonly dirty = new Set<string>();

  lookup(kind: string, value: string): (HeldIdentity & IdentityKeyRef) | undefined {
    return this.identities.get(keyOf(kind, value));
  }

  /** Follows merges to the surviving customer. */
  root(customerId: string): string {
    let id = customerId;
    for (let i = 0; i < 64; i++) {
      const next = this.customers.get(id)?.mergedInto;
      if (!next) return id;
      id = next;
    }
    return id;
  }

  link(kind: string, value: string, customerId: string, verified: boolean): void {
    const k = keyOf(kind, value);
    this.identities.set(k, { kind, value, customerId, verified });
    this.dirty.add(k);
  }

  customer(id: string): CustomerRef {
    let c = this.customers.get(id);
    if (!c) {
      c = { userId: null, mergedInto: null };
      this.customers.set(id, c);
    }
    return c;
  }
}
