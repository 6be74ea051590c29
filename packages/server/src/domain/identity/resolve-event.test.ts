import type { EventType } from '@omotenashi/protocol';
import { describe, expect, it } from 'vitest';
import type { JsonObject, NormalizedEvent } from '../events/normalized-event.js';
import { IdentityView } from './identity-view.js';
import { resolveEvent } from './resolve-event.js';

function ev(type: EventType, ids: { userId?: string; anonymousId?: string; previousId?: string }, traits: JsonObject = {}, context: JsonObject = {}): NormalizedEvent {
  return {
    type, messageId: 'm', messageIdGiven: true, userId: ids.userId ?? null, anonymousId: ids.anonymousId ?? null,
    previousId: ids.previousId ?? null, groupId: null, event: type === 'track' ? 'Thing' : null, name: null,
    properties: {}, traits, context, timestamp: 0, receivedAt: 0, raw: '{}',
  };
}

function world() {
  const view = new IdentityView();
  let n = 0;
  const next = () => `cus_${++n}`;
  const resolve = (e: NormalizedEvent) => resolveEvent(view, e, next);
  return { view, resolve };
}

describe('identity resolution', () => {
  it('keeps one customer per anonymous browser until they log in', () => {
    const { resolve } = world();
    const a = resolve(ev('page', { anonymousId: 'A' }));
    const b = resolve(ev('page', { anonymousId: 'A' }));
    expect(a.ops).toEqual([{ op: 'create', customerId: 'cus_1' }]);
    expect(b).toEqual({ customerId: 'cus_1', ops: [] });
  });

  it('gives the anonymous profile its userId on first login (no merge needed)', () => {
    const { view, resolve } = world();
    resolve(ev('page', { anonymousId: 'A' }));
    const r = resolve(ev('identify', { anonymousId: 'A', userId: 'U' }));
    expect(r).toEqual({ customerId: 'cus_1', ops: [] });
    expect(view.customer('cus_1').userId).toBe('U');
    expect(view.lookup('user', 'U')?.verified).toBe(true);
  });

  it('merges a new device’s anonymous profile into the known customer on login', () => {
    const { view, resolve } = world();
    resolve(ev('identify', { userId: 'U' }));
    resolve(ev('page', { anonymousId: 'B' }));
    const r = resolve(ev('identify', { anonymousId: 'B', userId: 'U' }));
    expect(r.customerId).toBe('cus_1');
    expect(r.ops).toEqual([{ op: 'merge', winnerId: 'cus_1', loserId: 'cus_2', reason: expect.stringContaining('identify') }]);
    expect(view.root('cus_2')).toBe('cus_1');
    expect(resolve(ev('page', { anonymousId: 'B' })).customerId).toBe('cus_1');
  });

  it('re-points a shared device to the person who logs in, without merging two known people', () => {
    const { view, resolve } = world();
    resolve(ev('identify', { anonymousId: 'D', userId: 'alice' }));
    resolve(ev('identify', { userId: 'bob' }));
    const r = resolve(ev('identify', { anonymousId: 'D', userId: 'bob' }));
    expect(r).toEqual({ customerId: 'cus_2', ops: [] });
    expect(view.customer('cus_1').mergedInto).toBeNull();
    expect(resolve(ev('page', { anonymousId: 'D' })).customerId).toBe('cus_2');
  });

  it('merges on alias, the explicit statement that two ids are one person', () => {
    const { resolve } = world();
    resolve(ev('track', { userId: 'old-id' }));
    resolve(ev('track', { userId: 'new-id' }));
    const r = resolve(ev('alias', { previousId: 'old-id', userId: 'new-id' }));
    expect(r.ops).toEqual([{ op: 'merge', winnerId: 'cus_2', loserId: 'cus_1', reason: 'alias' }]);
  });

  it('keeps an email typed by an anonymous visitor unverified and never merges on it', () => {
    const { view, resolve } = world();
    resolve(ev('identify', { userId: 'U' }, { email: 'Ana@Example.com' }));
    const r = resolve(ev('identify', { anonymousId: 'X' }, { email: 'ana@example.com' }));
    expect(r.ops).toEqual([{ op: 'create', customerId: 'cus_2' }]);
    expect(view.lookup('email', 'ana@example.com')).toMatchObject({ customerId: 'cus_1', verified: true });
  });

  it('lets the verified owner take over an unverified claim without merging the claimant', () => {
    const { view, resolve } = world();
    resolve(ev('identify', { anonymousId: 'X' }, { email: 'kenji@example.com' }));
    expect(view.lookup('email', 'kenji@example.com')).toMatchObject({ customerId: 'cus_1', verified: false });
    const r = resolve(ev('identify', { userId: 'K' }, { email: 'kenji@example.com' }));
    expect(r.ops).toEqual([{ op: 'create', customerId: 'cus_2' }]);
    expect(view.lookup('email', 'kenji@example.com')).toMatchObject({ customerId: 'cus_2', verified: true });
    expect(view.customer('cus_1').mergedInto).toBeNull();
  });

  it('merges a profile known only by a verified identifier (e.g. from the till) into the logged-in customer', () => {
    const { view, resolve } = world();
    // A point-of-sale system identified the customer by userId and email; a later pure-email
    // record would be verified only if it came with a userId, so build it via the view.
    view.customer('cus_pos');
    view.link('ext:pos', 'till-77', 'cus_pos', true);
    const r = resolve(ev('identify', { userId: 'U' }, {}, { externalIds: [{ id: 'till-77', type: 'pos', collection: 'users', encoding: 'none' }] }));
    expect(r.ops).toContainEqual({ op: 'merge', winnerId: r.customerId, loserId: 'cus_pos', reason: 'verified ext:pos matches' });
  });

  it('never merges two known customers who claim the same verified email', () => {
    const { view, resolve } = world();
    resolve(ev('identify', { userId: 'U1' }, { email: 'shared@example.com' }));
    const r = resolve(ev('identify', { userId: 'U2' }, { email: 'shared@example.com' }));
    expect(r.ops).toEqual([{ op: 'create', customerId: 'cus_2' }]);
    expect(view.lookup('email', 'shared@example.com')?.customerId).toBe('cus_1');
  });
});
