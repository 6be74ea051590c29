import type { PlaybookDefinition } from './definition.js';

/*
 * Realistic playbooks for tests: the three the docs walk through.
 */

/** A customer lingers on the payment step: a hint, then an invitation to chat, then staff. */
export const stuckAtPayment: PlaybookDefinition = {
  key: 'stuck-at-payment',
  name: 'Stuck at payment',
  description: 'The customer has been on the payment step for a while without paying.',
  purpose: 'service',
  priority: 80,
  trigger: { dwell: { page: { path: { glob: '/checkout/payment*' } }, seconds: 90 } },
  conditions: [
    { fact: 'cart.value', op: 'gt', value: 0 },
    { fact: 'local.hour', op: 'between', value: [8, 22] },
    { not: { fact: 'traits.role', op: 'eq', value: 'staff' } },
  ],
  steps: [
    { action: 'hint', title: 'Payment trouble?', body: 'Card declined? PayPal and bank transfer work too.', link: '/help/payment' },
    { after: '2m', action: 'invite', message: 'Can we help you finish your order? We reply within a minute.' },
    { after: '5m', action: 'alert', priority: 'high', note: 'Customer stuck at payment for 8 minutes' },
  ],
  etiquette: { cooldown: '1d', maxPerDay: 1, about: ['payment'] },
};

/** Checkout started, no order within two hours: a gentle reminder, then the shop's mailer. */
export const checkoutWithoutOrder: PlaybookDefinition = {
  key: 'checkout-without-order',
  name: 'Checkout without order',
  purpose: 'service',
  trigger: {
    absence: {
      after: { type: 'track', event: 'Checkout Started' },
      missing: { type: 'track', event: { oneOf: ['Order Completed', 'Order Cancelled'] } },
      within: '2h',
    },
  },
  conditions: [
    { fact: 'cart.value', op: 'gte', value: 30 },
    { any: [{ fact: 'channels.email', op: 'eq', value: true }, { fact: 'consent.marketing', op: 'eq', value: true }] },
  ],
  steps: [
    { id: 'remind', action: 'hint', body: 'Your cart is saved. Questions about sizes or delivery? Ask us.' },
    { id: 'mail', after: '1d', action: 'webhook', url: 'https://hooks.example.com/abandoned-checkout', reachesCustomer: true },
  ],
  etiquette: { cooldown: '7d' },
};

/** Three days before a regular's birthday, staff write a card; later the customer is tagged. */
export const birthdayCard: PlaybookDefinition = {
  key: 'birthday-card',
  name: 'Birthday card for regulars',
  purpose: 'marketing',
  enabled: true,
  trigger: { date: { moment: 'birthday', daysBefore: 3, hour: 10 } },
  conditions: [
    { fact: 'orders.count', op: 'gte', value: 3 },
    { fact: 'location.country', op: 'in', value: ['JP', 'FR', 'DE'] },
  ],
  steps: [
    { action: 'task', title: 'Write a birthday card', team: 'care', due: '2d', note: 'Handwritten, with a tea sample' },
    { after: '7d', action: 'tag', trait: 'birthday_card_sent', value: true },
  ],
};
