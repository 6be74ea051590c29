import type { NormalizedEvent } from '../events/normalized-event.js';
import { secondaryIdentifiers } from './identifiers.js';
import type { IdentityView } from './identity-view.js';

export type IdentityOp =
  | { op: 'create'; customerId: string }
  | { op: 'merge'; winnerId: string; loserId: string; reason: string };

export interface Resolution { customerId: string; ops: IdentityOp[] }

/**
 * Decides which customer an event belongs to and what it proves about identity, updating the
 * view. The rules, strongest signal first (docs/identity-and-profile.md explains them for users):
 *  - a userId (set by the shop's own login) is strong; anonymousId is a device/browser;
 *  - identify(anonymousId, userId) joins the anonymous profile to the known one — a merge when
 *    both exist and the anonymous one has no other userId (a shared device is re-pointed, not merged);
 *  - alias(previousId → userId) is an explicit statement and always merges;
 *  - email/phone/external ids only count as verified when the event carries a userId; an
 *    unverified claim (typed by an anonymous visitor) is kept but never merges profiles, and a
 *    verified owner takes such a claim over without merging.
 */
export function resolveEvent(view: IdentityView, e: NormalizedEvent, newCustomerId: () => string): Resolution {
  const ops: IdentityOp[] = [];
  const create = (): string => {
    const id = newCustomerId();
    view.customer(id);
    ops.push({ op: 'create', customerId: id });
    return id;
  };
  const merge = (loserId: string, winnerId: string, reason: string): void => {
    view.customer(loserId).mergedInto = winnerId;
    const winner = view.customer(winnerId);
    winner.userId ??= view.customer(loserId).userId;
    ops.push({ op: 'merge', winnerId, loserId, reason });
  };
  const held = (kind: string, value: string): string | null => {
    const h = view.lookup(kind, value);
    return h ? view.root(h.customerId) : null;
  };

  let target: string;
  if (e.type === 'alias' && e.previousId && e.userId) {
    target = resolveAlias(view, e.previousId, e.userId, held, create, merge);
  } else if (e.userId) {
    const U = e.userId;
    const A = e.anonymousId;
    const cu = held('user', U);
    const ca = A ? held('anon', A) : null;
    if (cu) {
      target = cu;
      if (A && ca !== cu) {
        if (ca && view.customer(ca).userId === null) merge(ca, cu, 'identify: anonymous visitor logged in');
        else view.link('anon', A, cu, false);
      }
    } else if (ca && view.customer(ca).userId === null) {
      target = ca;
      view.link('user', U, ca, true);
      view.customer(ca).userId = U;
    } else {
      target = create();
      view.link('user', U, target, true);
      view.customer(target).userId = U;
      if (A) view.link('anon', A, target, false);
    }
  } else {
    const A = e.anonymousId ?? '';
    const ca = held('anon', A);
    if (ca) target = ca;
    else {
      target = create();
      view.link('anon', A, target, false);
    }
  }

  const strong = e.userId !== null;
  for (const k of secondaryIdentifiers(e)) {
    const h = view.lookup(k.kind, k.value);
    if (!h) {
      view.link(k.kind, k.value, target, strong);
      continue;
    }
    const owner = view.root(h.customerId);
    if (owner === target) {
      if (strong && !h.verified) view.link(k.kind, k.value, target, true);
    } else if (!strong) {
      // A weak claim never moves or merges anything: it stays in the visitor's traits only.
    } else if (!h.verified) {
      view.link(k.kind, k.value, target, true);
    } else if (view.customer(owner).userId === null) {
      merge(owner, target, `verified ${k.kind} matches`);
      view.link(k.kind, k.value, target, true);
    }
    // else: two known users claim one verified identifier — keep the first, never merge.
  }
  return { customerId: target, ops };
}

function resolveAlias(
  view: IdentityView,
  previousId: string,
  userId: string,
  held: (kind: string, value: string) => string | null,
  create: () => string,
  merge: (loserId: string, winnerId: string, reason: string) => void,
): string {
  const cp = held('user', previousId) ?? held('anon', previousId);
  const cu = held('user', userId);
  if (cp && cu) {
    if (cp !== cu) merge(cp, cu, 'alias');
    return cu;
  }
  if (cp) {
    view.link('user', userId, cp, true);
    const c = view.customer(cp);
    if (c.userId === null || c.userId === previousId) c.userId = userId;
    return cp;
  }
  if (cu) {
    view.link('anon', previousId, cu, false);
    return cu;
  }
  const id = create();
  view.link('user', userId, id, true);
  view.link('anon', previousId, id, false);
  view.customer(id).userId = userId;
  return id;
}
