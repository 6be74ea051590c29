/**
 * Customer names for lists. The inbox page carries only customer ids, so names are fetched
 * lazily (a few at a time, cached), and rows render first with what they have.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from './api';
import type { CustomerView } from './types';

export function displayName(c: CustomerView | null | undefined): string | null {
  if (!c) return null;
  const tr = c.profile?.traits ?? {};
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  const full = [str(tr.firstName) ?? str(tr.first_name), str(tr.lastName) ?? str(tr.last_name)].filter(Boolean).join(' ');
  return str(tr.name) ?? (full || null) ?? str(tr.email) ?? c.identities.find((i) => i.kind === 'email')?.value ?? c.userId ?? null;
}

const cache = new Map<string, CustomerView | null>();
const pending = new Map<string, Promise<CustomerView | null>>();
const waiting: (() => void)[] = [];
let active = 0;
const MAX_PARALLEL = 4;

async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (active >= MAX_PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  active++;
  try {
    return await fn();
  } finally {
    active--;
    waiting.shift()?.();
  }
}

export function fetchCustomer(id: string, fresh = false): Promise<CustomerView | null> {
  if (!fresh && cache.has(id)) return Promise.resolve(cache.get(id)!);
  const inflight = pending.get(id);
  if (inflight && !fresh) return inflight;
  const p = slot(() => api.get<CustomerView>(`/api/v1/customers/${encodeURIComponent(id)}`))
    .then((c) => { cache.set(id, c); return c; })
    // A name is a nicety in a list row: without one the row says "anonymous". Only "no such
    // customer" is remembered; a failed read (a 5xx, the network) is tried again next time.
    .catch((err: unknown) => { if (err instanceof ApiError && err.status === 404) cache.set(id, null); return null; })
    .finally(() => pending.delete(id));
  pending.set(id, p);
  return p;
}

export function cachedCustomer(id: string): CustomerView | null | undefined { return cache.get(id); }
export function rememberCustomer(c: CustomerView): void { cache.set(c.id, c); }

/** A customer's display name, filled in when it arrives. */
export function useCustomerName(id: string | null | undefined): string | null {
  const [name, setName] = useState<string | null>(id ? displayName(cache.get(id)) : null);
  useEffect(() => {
    if (!id) return;
    let alive = true;
    setName(displayName(cache.get(id)));
    void fetchCustomer(id).then((c) => { if (alive) setName(displayName(c)); });
    return () => { alive = false; };
  }, [id]);
  return name;
}
