import { describe, expect, it } from 'vitest';
import { emptyProfile } from '../profile/empty-profile.js';
import type { Profile } from '../profile/profile.js';
import { suggestForCustomer, type SuggestionInput } from './customer-suggestions.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-11-22T12:00:00Z');

const input = (over: Partial<SuggestionInput> = {}, profile: (p: Profile) => void = () => undefined): SuggestionInput => {
  const p = emptyProfile(NOW - 30 * DAY);
  profile(p);
  return { profile: p, playbooks: [], decisions: [], touches: [], conversations: [], queueItems: [], tasks: [], now: NOW, ...over };
};

describe('suggestions for a customer', () => {
  it('has nothing to suggest for a quiet profile', () => {
    expect(suggestForCustomer(input())).toEqual([]);
  });

  it('notes a birthday coming up when nothing was sent, and not once a touch went out', () => {
    const birthday = (p: Profile) => {
      p.traits = { first_name: 'Ana' };
      p.moments = [{ kind: 'birthday', trait: 'birthday', date: '1990-11-27', yearly: true }];
    };
    const [s] = suggestForCustomer(input({}, birthday));
    expect(s).toMatchObject({ kind: 'moment', priority: 3, action: { type: 'task', title: 'Send a birthday note' }, ref: { date: '2026-11-27', daysUntil: 5 } });
    expect(s!.text).toBe("Ana's birthday is in 5 days (2026-11-27), and nothing has been sent yet.");
    expect(suggestForCustomer(input({ touches: [{ createdAt: NOW - DAY }] }, birthday))).toEqual([]);
    // Made into a task (whatever its state), it is in a person's hands: not suggested again.
    expect(s!.key).toBe('moment:birthday:2026-11-27');
    expect(suggestForCustomer(input({ tasks: [{ context: { suggestionKey: 'moment:birthday:2026-11-27' } }] }, birthday))).toEqual([]);
    expect(suggestForCustomer(input({ tasks: [{ context: { suggestionKey: 'moment:birthday:2025-11-27' } }, { context: null }] }, birthday))).toHaveLength(1);
    // Too far ahead: nothing yet.
    expect(suggestForCustomer(input({}, (p) => { p.moments = [{ kind: 'birthday', trait: 'birthday', date: '1990-12-25', yearly: true }]; }))).toEqual([]);
  });

  it('suggests an invitation for an open cart while they are on the site, a task once they left', () => {
    const cart = (activeAgo: number) => (p: Profile) => {
      p.cart = { items: [{ productId: 'p1', sku: null, name: 'Tea', price: 12.5, quantity: 2 }], value: 25, currency: 'EUR', updatedAt: NOW - 2 * HOUR, checkoutStartedAt: null, paymentInfoAt: null };
      p.session.lastActivityAt = NOW - activeAgo;
    };
    const [onSite] = suggestForCustomer(input({}, cart(MIN)));
    expect(onSite).toMatchObject({ kind: 'open_cart', priority: 1, action: { type: 'invite' } });
    expect(onSite!.text).toBe('A cart of 2 items (25.00 EUR) left 2 h ago, with no conversation about it.');
    expect(suggestForCustomer(input({}, cart(3 * HOUR)))[0]).toMatchObject({ action: { type: 'task' }, priority: 2 });
    // Already talking to us: nothing to add.
    expect(suggestForCustomer(input({ conversations: [{ id: 'c1', status: 'open', csatScore: null, csatAt: null, lastMessageAt: NOW }] }, cart(MIN)))).toEqual([]);
    // Just added (under 30 min): leave them shopping.
    expect(suggestForCustomer(input({}, (p) => { cart(MIN)(p); p.cart.updatedAt = NOW - 5 * MIN; }))).toEqual([]);
  });

  it('flags an order past its promised date that was not delivered', () => {
    const order = (deliveredAt: number | null) => (p: Profile) => {
      p.orders.recent = [{ orderId: 'A-1001', total: 40, currency: 'EUR', status: 'shipped', placedAt: NOW - 10 * DAY, promisedBy: NOW - 2 * DAY, shippedAt: NOW - 8 * DAY, deliveredAt, itemCount: 1 }];
    };
    const [late] = suggestForCustomer(input({}, order(null)));
    expect(late).toMatchObject({ kind: 'late_order', priority: 1, action: { type: 'snippet', query: 'delivery' }, ref: { orderId: 'A-1001' } });
    expect(late!.text).toBe('Order A-1001 was promised for 2026-11-20 and is 2 d late.');
    expect(suggestForCustomer(input({}, order(NOW - DAY)))).toEqual([]);
  });

  it('asks for a follow-up on a low score until someone writes or resolves its queue item', () => {
    const rated = { id: 'c1', status: 'resolved', csatScore: 2, csatAt: NOW - 3 * HOUR, lastMessageAt: NOW - 4 * HOUR };
    expect(suggestForCustomer(input({ conversations: [rated] }))[0]).toMatchObject({ kind: 'low_csat', priority: 1, ref: { conversationId: 'c1', score: 2 } });
    expect(suggestForCustomer(input({ conversations: [{ ...rated, csatScore: 3 }] }))).toEqual([]);
    expect(suggestForCustomer(input({ conversations: [{ ...rated, lastMessageAt: NOW - HOUR }] }))).toEqual([]);
    expect(suggestForCustomer(input({ conversations: [rated], queueItems: [{ status: 'resolved', context: { reason: 'low_csat', conversationId: 'c1' } }] }))).toEqual([]);
    expect(suggestForCustomer(input({ conversations: [rated], queueItems: [{ status: 'open', context: { reason: 'low_csat', conversationId: 'c1' } }] }))).toHaveLength(1);
  });

  it('explains held-back playbooks: a task when the hold passes with time, nothing to do when the customer said no', () => {
    const playbooks = [{ key: 'stuck', name: 'Stuck at payment', enabled: true }, { key: 'off', name: 'Disabled one', enabled: false }];
    const decisions = [
      { playbookKey: 'stuck', outcome: 'held_back', reason: 'paying', at: NOW - 2 * HOUR, detail: 'on /checkout/payment' },
      { playbookKey: 'stuck', outcome: 'held_back', reason: 'cooldown', at: NOW - 3 * HOUR, detail: null },
      { playbookKey: 'off', outcome: 'held_back', reason: 'paying', at: NOW - HOUR, detail: null },
    ];
    const out = suggestForCustomer(input({ playbooks, decisions }));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: 'held_back', priority: 2, action: { type: 'task', title: 'Follow up by hand: Stuck at payment' }, ref: { playbookKey: 'stuck', reason: 'paying' } });
    expect(out[0]!.text).toBe('Stuck at payment was held back 2 h ago (paying: on /checkout/payment); it may still be worth it by hand.');
    const declined = suggestForCustomer(input({ playbooks, decisions: [{ playbookKey: 'stuck', outcome: 'held_back', reason: 'declined', at: NOW - HOUR, detail: null }] }));
    expect(declined[0]).toMatchObject({ action: null, priority: 3 });
    // Fired since the hold, or the hold is more than a week old: nothing.
    expect(suggestForCustomer(input({ playbooks, decisions: [{ playbookKey: 'stuck', outcome: 'fired', reason: null, at: NOW - MIN, detail: null }, decisions[0]!] }))).toEqual([]);
    expect(suggestForCustomer(input({ playbooks, decisions: [{ ...decisions[0]!, at: NOW - 8 * DAY }] }))).toEqual([]);
  });

  it('puts the most pressing first', () => {
    const out = suggestForCustomer(input({
      playbooks: [{ key: 'stuck', name: 'Stuck', enabled: true }],
      decisions: [{ playbookKey: 'stuck', outcome: 'held_back', reason: 'quiet_hours', at: NOW - HOUR, detail: null }],
      conversations: [{ id: 'c1', status: 'resolved', csatScore: 1, csatAt: NOW - HOUR, lastMessageAt: NOW - 2 * HOUR }],
    }, (p) => { p.moments = [{ kind: 'anniversary', trait: 'anniversary', date: '2020-11-30', yearly: true }]; }));
    expect(out.map((s) => [s.kind, s.priority])).toEqual([['low_csat', 1], ['held_back', 2], ['moment', 3]]);
  });
});
