import { describe, expect, it } from 'vitest';
import { ACTIONS } from '../playbooks/definition.js';
import { channelOf, isCustomerFacing } from './channel.js';

describe('channelOf', () => {
  it('puts hints and invites on site, internal work with staff', () => {
    expect(ACTIONS.map((a) => [a, channelOf(a)])).toEqual([
      ['hint', 'onsite'],
      ['invite', 'onsite'],
      ['alert', 'staff'],
      ['task', 'staff'],
      ['webhook', 'staff'],
      ['tag', 'staff'],
    ]);
  });

  it('treats a webhook that reaches the customer as away', () => {
    expect(channelOf('webhook', { action: 'webhook', url: 'https://example.com/hook', reachesCustomer: true })).toBe('away');
    expect(channelOf('webhook', { action: 'webhook', url: 'https://example.com/hook', reachesCustomer: false })).toBe('staff');
    expect(channelOf('webhook', { action: 'webhook', url: 'https://example.com/hook' })).toBe('staff');
  });

  it('counts only onsite and away as customer-facing', () => {
    expect([isCustomerFacing('onsite'), isCustomerFacing('away'), isCustomerFacing('staff')]).toEqual([true, true, false]);
  });
});
