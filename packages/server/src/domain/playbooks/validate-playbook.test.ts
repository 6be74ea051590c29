import type { Issue } from '@omotenashi/protocol';
import { describe, expect, it } from 'vitest';
import { birthdayCard, checkoutWithoutOrder, stuckAtPayment } from './playbook-fixtures.test-helpers.js';
import { MAX_PLAYBOOK_ISSUES, validatePlaybook } from './validate-playbook.js';

const base = {
  key: 'stuck-at-payment',
  name: 'Stuck at payment',
  purpose: 'service',
  trigger: { dwell: { page: { path: { glob: '/checkout/payment*' } }, seconds: 90 } },
  steps: [{ action: 'hint', body: 'Need help?' }],
};

function issuesOf(input: unknown): Issue[] {
  const result = validatePlaybook(input);
  if (result.ok) throw new Error('expected the playbook to be refused');
  return result.issues;
}

describe('validatePlaybook: valid playbooks', () => {
  it.each([
    ['stuck at payment (dwell, 3 steps)', stuckAtPayment],
    ['checkout without order (absence)', checkoutWithoutOrder],
    ['birthday card (date, task)', birthdayCard],
  ])('accepts %s', (_name, playbook) => {
    expect(validatePlaybook(structuredClone(playbook))).toEqual({ ok: true, playbook });
  });

  it('accepts the minimal playbook', () => {
    expect(validatePlaybook(base).ok).toBe(true);
  });
});

describe('validatePlaybook: refusals name the field and the problem', () => {
  const cases: [string, unknown, Issue][] = [
    ['not an object', 'stuck', { path: '', code: 'invalid_type', message: 'the playbook must be an object, got text' }],
    ['no key', { ...base, key: undefined }, { path: 'key', code: 'required', message: 'key is required' }],
    ['no trigger', { ...base, trigger: undefined }, { path: 'trigger', code: 'required', message: 'trigger is required' }],
    [
      'a key with capitals and spaces',
      { ...base, key: 'Stuck At Payment' },
      { path: 'key', code: 'invalid_value', message: 'key must be 2 to 63 lowercase letters, digits and dashes, not starting with a dash (e.g. stuck-at-payment)' },
    ],
    ['an empty name', { ...base, name: '' }, { path: 'name', code: 'empty', message: 'name must not be empty' }],
    [
      'an unknown top-level field',
      { ...base, trigers: {} },
      { path: 'trigers', code: 'invalid_value', message: 'trigers is not a known field (expected key, name, description, enabled, priority, purpose, trigger, conditions, steps or etiquette)' },
    ],
    ['an unknown purpose', { ...base, purpose: 'sales' }, { path: 'purpose', code: 'invalid_value', message: 'purpose must be one of service, marketing, got "sales"' }],
    ['a priority out of range', { ...base, priority: 101 }, { path: 'priority', code: 'invalid_value', message: 'priority must be at most 100, got 101' }],
    ['a fractional priority', { ...base, priority: 2.5 }, { path: 'priority', code: 'invalid_value', message: 'priority must be a whole number, got 2.5' }],
    [
      'no trigger kind',
      { ...base, trigger: { dwel: { seconds: 90 } } },
      { path: 'trigger', code: 'invalid_value', message: 'trigger must have exactly one of on, dwell, repetition, sequence, absence, date, threshold' },
    ],
    [
      'two trigger kinds',
      { ...base, trigger: { on: {}, dwell: { page: { path: '/x' }, seconds: 30 } } },
      { path: 'trigger', code: 'invalid_value', message: 'trigger must have exactly one of on, dwell, repetition, sequence, absence, date, threshold; it has both on and dwell' },
    ],
    [
      'a dwell too long',
      { ...base, trigger: { dwell: { page: { path: '/x' }, seconds: 7200 } } },
      { path: 'trigger.dwell.seconds', code: 'invalid_value', message: 'trigger.dwell.seconds must be at most 3600, got 7200' },
    ],
    [
      'a dwell on no page in particular',
      { ...base, trigger: { dwell: { page: {}, seconds: 30 } } },
      { path: 'trigger.dwell.page', code: 'required', message: 'trigger.dwell.page needs a path or a url: which page to dwell on' },
    ],
    [
      'an unknown event type',
      { ...base, trigger: { on: { type: 'tracks' } } },
      { path: 'trigger.on.type', code: 'invalid_value', message: 'trigger.on.type must be one of track, identify, page, screen, group, alias (or a list of them), got "tracks"' },
    ],
    [
      'a pattern of the wrong shape',
      { ...base, trigger: { on: { event: { regex: '^Order' } } } },
      { path: 'trigger.on.event', code: 'invalid_value', message: 'trigger.on.event must be text or an object with exactly one of prefix, glob, oneOf' },
    ],
    [
      'a glob with too many wildcards',
      { ...base, trigger: { on: { page: { path: { glob: '/*'.repeat(21) } } } } },
      { path: 'trigger.on.page.path', code: 'invalid_value', message: 'trigger.on.page.path: glob has 21 wildcards; at most 20 are allowed' },
    ],
    [
      'an event name with page type',
      { ...base, trigger: { on: { type: 'page', event: 'Order Completed' } } },
      { path: 'trigger.on.event', code: 'invalid_value', message: 'trigger.on.event names a track event, but trigger.on.type does not include track, so it could never match' },
    ],
    [
      'an unknown step action',
      { ...base, steps: [base.steps[0], { after: '1h', action: 'email', message: 'hi' }] },
      { path: 'steps[1].action', code: 'invalid_value', message: 'steps[1].action must be one of hint, invite, alert, task, webhook, tag, got "email"' },
    ],
    [
      'a step without action',
      { ...base, steps: [{ body: 'x' }] },
      { path: 'steps[0].action', code: 'required', message: 'steps[0].action is required: one of hint, invite, alert, task, webhook, tag' },
    ],
    ['a task without due', { ...base, steps: [{ action: 'task', title: 'Call' }] }, { path: 'steps[0].due', code: 'required', message: 'steps[0].due is required' }],
    ['no steps', { ...base, steps: [] }, { path: 'steps', code: 'empty', message: 'steps must not be empty' }],
    [
      'too many steps',
      { ...base, steps: [base.steps[0], ...Array.from({ length: 5 }, () => ({ after: '1h', action: 'hint', body: 'x' }))] },
      { path: 'steps', code: 'too_many', message: 'steps must have at most 5 items, got 6' },
    ],
    [
      'a first step that waits',
      { ...base, steps: [{ after: '1m', action: 'hint', body: 'x' }] },
      { path: 'steps[0].after', code: 'invalid_value', message: 'steps[0].after: the first step comes with the trigger; remove after (later steps use it to wait)' },
    ],
    [
      'a later step that does not wait',
      { ...base, steps: [base.steps[0], { action: 'alert', priority: 'high' }] },
      { path: 'steps[1].after', code: 'required', message: 'steps[1].after is required: how long to wait after the previous step, e.g. 1d' },
    ],
    [
      'a duration in words',
      { ...base, steps: [base.steps[0], { after: '5 minutes', action: 'alert', priority: 'high' }] },
      {
        path: 'steps[1].after',
        code: 'invalid_value',
        message: 'steps[1].after: "5 minutes" is not a duration; write a number and a unit like 30s, 10m, 2h or 7d (units d, h, m, s, ms, largest first, at most 400d)',
      },
    ],
    [
      'a webhook that is not http',
      { ...base, steps: [{ action: 'webhook', url: 'ftp://files.example.com/x' }] },
      { path: 'steps[0].url', code: 'invalid_value', message: 'steps[0].url must be an http:// or https:// URL' },
    ],
    [
      'a duplicate step id',
      { ...base, steps: [{ id: 'a', action: 'hint', body: 'x' }, { id: 'a', after: '1h', action: 'hint', body: 'y' }] },
      { path: 'steps[1].id', code: 'invalid_value', message: 'steps[1].id "a" is already used by steps[0]' },
    ],
    [
      'a misspelt fact',
      { ...base, conditions: [{ fact: 'cart.valu', op: 'gt', value: 50 }] },
      { path: 'conditions[0].fact', code: 'invalid_value', message: 'conditions[0].fact: unknown fact "cart.valu"; did you mean cart.value?' },
    ],
    [
      'an unknown fact deep in a tree',
      { ...base, conditions: [{ any: [{ not: { fact: 'weather', op: 'exists' } }] }] },
      { path: 'conditions[0].any[0].not.fact', code: 'invalid_value', message: 'conditions[0].any[0].not.fact: unknown fact "weather"; see docs/playbooks.md for the list of facts' },
    ],
    [
      'an unknown operator',
      { ...base, conditions: [{ fact: 'cart.value', op: '>', value: 50 }] },
      {
        path: 'conditions[0].op',
        code: 'invalid_value',
        message: 'conditions[0].op must be one of eq, ne, gt, gte, lt, lte, in, notIn, contains, exists, notExists, matches, between, got ">"',
      },
    ],
    [
      'a condition that is neither a test nor a group',
      { ...base, conditions: [{ fact: 'cart.value', op: 'gt', value: 1, any: [] }] },
      { path: 'conditions[0]', code: 'invalid_value', message: 'conditions[0] must have exactly one of fact, any, all, not; it has both fact and any' },
    ],
    [
      'gt with text',
      { ...base, conditions: [{ fact: 'cart.value', op: 'gt', value: '50' }] },
      { path: 'conditions[0].value', code: 'invalid_value', message: 'conditions[0].value: gt needs a number, got "50"' },
    ],
    [
      'between with one bound',
      { ...base, conditions: [{ fact: 'local.hour', op: 'between', value: [21] }] },
      { path: 'conditions[0].value', code: 'invalid_value', message: 'conditions[0].value: between needs a list of two numbers [low, high], got [21]' },
    ],
    [
      'a reversed between on a fact that does not wrap',
      { ...base, conditions: [{ fact: 'cart.value', op: 'between', value: [100, 10] }] },
      { path: 'conditions[0].value', code: 'invalid_value', message: 'conditions[0].value: between needs low <= high, got [100, 10] (only local.hour wraps around, e.g. [21, 6])' },
    ],
    [
      'in without a list',
      { ...base, conditions: [{ fact: 'location.country', op: 'in', value: 'JP' }] },
      { path: 'conditions[0].value', code: 'invalid_value', message: 'conditions[0].value: in needs a list of values, e.g. [a, b], got text' },
    ],
    ['eq without a value', { ...base, conditions: [{ fact: 'journey.stage', op: 'eq' }] }, { path: 'conditions[0].value', code: 'required', message: 'conditions[0].value is required for eq' }],
    [
      'a condition value of the wrong shape',
      { ...base, conditions: [{ fact: 'traits.plan', op: 'in', value: ['gold', { tier: 1 }] }] },
      { path: 'conditions[0].value[1]', code: 'invalid_type', message: 'conditions[0].value[1] must be text, a number, true or false or null, got an object' },
    ],
    [
      'a where fact written like a condition fact',
      { ...base, trigger: { on: { event: 'Payment Failed', where: [{ fact: 'event.properties.reason', op: 'eq', value: 'declined' }] } } },
      { path: 'trigger.on.where[0].fact', code: 'invalid_value', message: 'trigger.on.where[0].fact: unknown event fact "event.properties.reason"; did you mean properties.reason?' },
    ],
    [
      'a threshold on text',
      { ...base, trigger: { threshold: { fact: 'journey.stage', above: 1 } } },
      {
        path: 'trigger.threshold.fact',
        code: 'invalid_value',
        message: 'trigger.threshold.fact: "journey.stage" is not a number fact; a threshold needs one such as cart.value, orders.count or page.secondsOnPage',
      },
    ],
    [
      'a sequence window too long',
      { ...base, trigger: { sequence: { first: { event: 'A' }, then: { event: 'B' }, within: '45d' } } },
      { path: 'trigger.sequence.within', code: 'invalid_value', message: 'trigger.sequence.within must be at most 30d, got 45d' },
    ],
    [
      'an absence window too long',
      { ...base, trigger: { absence: { after: { event: 'A' }, missing: { event: 'B' }, within: '31d' } } },
      { path: 'trigger.absence.within', code: 'invalid_value', message: 'trigger.absence.within must be at most 30d, got 31d' },
    ],
    [
      'a repetition window too long',
      { ...base, trigger: { repetition: { on: { event: 'Search' }, count: 3, within: '100d' } } },
      { path: 'trigger.repetition.within', code: 'invalid_value', message: 'trigger.repetition.within must be at most 90d, got 100d' },
    ],
    [
      'a moment kind with spaces',
      { ...base, trigger: { date: { moment: 'my birthday', daysBefore: 1 } } },
      {
        path: 'trigger.date.moment',
        code: 'invalid_value',
        message: 'trigger.date.moment must be a moment kind such as birthday, anniversary or a date trait name like reservation_date (letters, digits, _ and -)',
      },
    ],
    [
      'an etiquette cool-down in years',
      { ...base, etiquette: { cooldown: '1y' } },
      {
        path: 'etiquette.cooldown',
        code: 'invalid_value',
        message: 'etiquette.cooldown: "1y" is not a duration; write a number and a unit like 30s, 10m, 2h or 7d (units d, h, m, s, ms, largest first, at most 400d)',
      },
    ],
  ];

  it.each(cases)('%s', (_name, input, issue) => {
    expect(issuesOf(input)).toContainEqual(issue);
  });

  it('reports every problem at once', () => {
    const issues = issuesOf({
      ...base,
      conditions: [
        { fact: 'cart.valu', op: 'gt', value: 1 },
        { fact: 'orders.count', op: 'in', value: 3 },
      ],
      steps: [{ after: '1m', action: 'hint', body: 'x' }, { action: 'invite', message: 'y' }],
    });
    expect(issues.map((i) => i.path)).toEqual(['conditions[0].fact', 'conditions[1].value', 'steps[0].after', 'steps[1].after']);
  });

  it('reports each spot once even when TypeBox sees two problems there', () => {
    expect(issuesOf({ ...base, name: undefined })).toEqual([{ path: 'name', code: 'required', message: 'name is required' }]);
  });

  it('bounds the number of issues', () => {
    const conditions = Array.from({ length: 30 }, () => ({ fact: 'nope', op: 'eq', value: [1] }));
    expect(issuesOf({ ...base, conditions })).toHaveLength(MAX_PLAYBOOK_ISSUES);
  });
});
