import type { ActionKind, Step } from '../playbooks/definition.js';
import type { Touch } from '../playbooks/care-state.js';

/**
 * Where a touch lands, which decides the rules it answers to:
 * - onsite: shown while the customer is on the site (hint, invite), so it can interrupt them;
 * - away: reaches them off the site (a webhook that emails, texts or pushes), so it can wake
 *   them at night and needs their channel preferences;
 * - staff: internal work about the customer (alert, task, tag, a plain webhook); it never
 *   reaches the customer, so caps, quiet hours and don't-interrupt do not apply, but it is
 *   still recorded and still cools down (a person should not be paged every minute).
 */
export type Channel = Touch['channel'];

export const CHANNELS = ['onsite', 'away', 'staff'] as const satisfies readonly Channel[];

/** The channel of an action; `step` tells whether a webhook reaches the customer. */
export function channelOf(action: ActionKind, step?: Step): Channel {
  // Every kind is listed: a new ActionKind fails to compile here until it is classified.
  switch (action) {
    case 'hint':
    case 'invite':
      return 'onsite';
    case 'webhook':
      return step !== undefined && step.action === 'webhook' && step.reachesCustomer === true ? 'away' : 'staff';
    case 'alert':
    case 'task':
    case 'tag':
      return 'staff';
  }
}

/** Whether a touch on this channel reaches the customer (and so counts towards the caps). */
export function isCustomerFacing(channel: Channel): boolean {
  return channel !== 'staff';
}
