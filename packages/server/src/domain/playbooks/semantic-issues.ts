import { allowsWrapAround } from './condition-ops.js';
import type { Condition, EventMatch, FactCondition, PageMatch, PlaybookDefinition, StringPattern } from './definition.js';
import { formatDuration, parseDuration } from './duration.js';
import { compileEventFact, suggestEventFact } from './event-facts.js';
import { matchTypes } from './event-match.js';
import { factKind, suggestFact } from './facts.js';
import { childPath, jsonKind, type IssueList } from './issue-list.js';
import { validatePattern } from './pattern.js';

/*
 * The checks the schema cannot express, run on a structurally valid definition: durations that
 * parse, fact names from the closed set, patterns that are safe, operators given the kind of
 * value they compare with, and a step ladder that makes sense. Each message names the field.
 */

const DAY = 86_400_000;
/** Sequence and absence remember a pending event per customer; keep that memory short-lived. */
const MAX_PAIR_WINDOW_MS = 30 * DAY;
/** Repetition keeps up to `count` timestamps per customer. */
const MAX_REPETITION_WINDOW_MS = 90 * DAY;

const DURATION_HINT = 'write a number and a unit like 30s, 10m, 2h or 7d (units d, h, m, s, ms, largest first, at most 400d)';
const MOMENT = /^[A-Za-z0-9_-]+$/;

export function collectSemanticIssues(p: PlaybookDefinition, out: IssueList): void {
  checkTrigger(p.trigger, out);
  (p.conditions as Condition[] | undefined)?.forEach((c, i) => checkCondition(c, `conditions[${i}]`, out));
  checkSteps(p, out);
  const etiquette = p.etiquette;
  if (etiquette?.cooldown !== undefined) checkDuration(etiquette.cooldown, 'etiquette.cooldown', out);
  if (etiquette?.maxPerDay !== undefined && etiquette.maxPerWeek !== undefined && etiquette.maxPerDay > etiquette.maxPerWeek) {
    out.add('etiquette.maxPerDay', 'invalid_value', `etiquette.maxPerDay (${etiquette.maxPerDay}) cannot be more than etiquette.maxPerWeek (${etiquette.maxPerWeek})`);
  }
}

function checkDuration(text: string, path: string, out: IssueList, maxMs?: number): void {
  const ms = parseDuration(text);
  if (ms === null) out.add(path, 'invalid_value', `${path}: "${text}" is not a duration; ${DURATION_HINT}`);
  else if (maxMs !== undefined && ms > maxMs) {
    out.add(path, 'invalid_value', `${path} must be at most ${formatDuration(maxMs)}, got ${text}`);
  }
}

function checkPattern(p: StringPattern, path: string, out: IssueList): void {
  const problem = validatePattern(p);
  if (problem !== null) out.add(path, 'invalid_value', `${path}: ${problem}`);
}

function checkPage(page: PageMatch, path: string, out: IssueList): void {
  if (page.path !== undefined) checkPattern(page.path, `${path}.path`, out);
  if (page.url !== undefined) checkPattern(page.url, `${path}.url`, out);
}

function checkTrigger(t: PlaybookDefinition['trigger'], out: IssueList): void {
  if ('on' in t) checkEventMatch(t.on, 'trigger.on', out);
  else if ('dwell' in t) {
    const page = t.dwell.page;
    if (page.path === undefined && page.url === undefined) {
      out.add('trigger.dwell.page', 'required', 'trigger.dwell.page needs a path or a url: which page to dwell on');
    }
    checkPage(page, 'trigger.dwell.page', out);
  } else if ('repetition' in t) {
    checkEventMatch(t.repetition.on, 'trigger.repetition.on', out);
    checkDuration(t.repetition.within, 'trigger.repetition.within', out, MAX_REPETITION_WINDOW_MS);
  } else if ('sequence' in t) {
    checkEventMatch(t.sequence.first, 'trigger.sequence.first', out);
    checkEventMatch(t.sequence.then, 'trigger.sequence.then', out);
    checkDuration(t.sequence.within, 'trigger.sequence.within', out, MAX_PAIR_WINDOW_MS);
  } else if ('absence' in t) {
    checkEventMatch(t.absence.after, 'trigger.absence.after', out);
    checkEventMatch(t.absence.missing, 'trigger.absence.missing', out);
    checkDuration(t.absence.within, 'trigger.absence.within', out, MAX_PAIR_WINDOW_MS);
  } else if ('date' in t) {
    if (!MOMENT.test(t.date.moment)) {
      out.add('trigger.date.moment', 'invalid_value', 'trigger.date.moment must be a moment kind such as birthday, anniversary or a date trait name like reservation_date (letters, digits, _ and -)');
    }
  } else {
    const fact = t.threshold.fact;
    const kind = checkFactName(fact, 'trigger.threshold.fact', out);
    if (kind !== null && kind !== 'number') {
      out.add('trigger.threshold.fact', 'invalid_value', `trigger.threshold.fact: "${fact}" is not a number fact; a threshold needs one such as cart.value, orders.count or page.secondsOnPage`);
    }
  }
}

function checkEventMatch(m: EventMatch, path: string, out: IssueList): void {
  if (m.event !== undefined) {
    checkPattern(m.event, `${path}.event`, out);
    const types = matchTypes(m);
    if (types !== null && !types.includes('track')) {
      out.add(`${path}.event`, 'invalid_value', `${path}.event names a track event, but ${path}.type does not include track, so it could never match`);
    }
  }
  if (m.page !== undefined) checkPage(m.page, `${path}.page`, out);
  m.where?.forEach((c, i) => {
    const at = `${path}.where[${i}]`;
    if (compileEventFact(c.fact) === null) {
      const suggestion = suggestEventFact(c.fact);
      const hint = suggestion === null ? 'where facts are about the event: type, name, page.path, page.url, page.title or properties.<path>' : `did you mean ${suggestion}?`;
      out.add(`${at}.fact`, 'invalid_value', `${at}.fact: unknown event fact "${c.fact}"; ${hint}`);
    }
    checkOperator(c, at, out);
  });
}

/** Reports an unknown fact (with a suggestion) and returns the kind of a known one. */
function checkFactName(fact: string, path: string, out: IssueList): ReturnType<typeof factKind> {
  const kind = factKind(fact);
  if (kind === null) {
    const suggestion = suggestFact(fact);
    const hint = suggestion === null ? 'see docs/playbooks.md for the list of facts' : `did you mean ${suggestion}?`;
    out.add(path, 'invalid_value', `${path}: unknown fact "${fact}"; ${hint}`);
  }
  return kind;
}

function checkCondition(c: Condition, path: string, out: IssueList): void {
  if ('fact' in c) {
    checkFactName(c.fact, childPath(path, 'fact'), out);
    checkOperator(c, path, out);
  } else if ('not' in c) checkCondition(c.not, `${path}.not`, out);
  else if ('any' in c) c.any.forEach((x, i) => checkCondition(x, `${path}.any[${i}]`, out));
  else c.all.forEach((x, i) => checkCondition(x, `${path}.all[${i}]`, out));
}

const isScalar = (v: unknown): boolean => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** Whether `value` suits `op`; one issue on `<path>.value` when it does not. */
function checkOperator(c: FactCondition, path: string, out: IssueList): void {
  const at = `${path}.value`;
  const { op, value } = c;
  const bad = (message: string): void => out.add(at, 'invalid_value', `${at}: ${message}`);
  if (value === undefined && op !== 'exists' && op !== 'notExists') {
    out.add(at, 'required', `${at} is required for ${op}`);
    return;
  }
  switch (op) {
    case 'exists':
    case 'notExists':
      if (value !== undefined) bad(`${op} takes no value; remove it`);
      return;
    case 'eq':
    case 'ne':
      if (!isScalar(value)) bad(`${op} compares with one text, number, true/false or null, got ${jsonKind(value)}; use ${op === 'eq' ? 'in' : 'notIn'} for a list or matches for a pattern`);
      return;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (typeof value !== 'number') bad(`${op} needs a number, got ${JSON.stringify(value)}`);
      return;
    case 'in':
    case 'notIn':
      if (!Array.isArray(value)) bad(`${op} needs a list of values, e.g. [a, b], got ${jsonKind(value)}`);
      else if (value.length === 0) bad(`${op} needs at least one value`);
      return;
    case 'contains':
      if (value === null || !isScalar(value)) bad(`contains needs one text or number to look for, got ${jsonKind(value)}`);
      return;
    case 'matches': {
      if (Array.isArray(value) || !(typeof value === 'string' || (typeof value === 'object' && value !== null))) {
        bad(`matches needs a pattern: text, { prefix }, { glob } or { oneOf }, got ${jsonKind(value)}`);
        return;
      }
      const problem = validatePattern(value);
      if (problem !== null) bad(problem);
      return;
    }
    case 'between': {
      if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'number' || typeof value[1] !== 'number') {
        bad(`between needs a list of two numbers [low, high], got ${JSON.stringify(value)}`);
      } else if (value[0] > value[1] && !allowsWrapAround(c.fact)) {
        bad(`between needs low <= high, got [${value[0]}, ${value[1]}] (only local.hour wraps around, e.g. [21, 6])`);
      }
      return;
    }
  }
}

function checkSteps(p: PlaybookDefinition, out: IssueList): void {
  const ids = new Map<string, number>();
  p.steps.forEach((step, i) => {
    const at = `steps[${i}]`;
    if (i === 0 && step.after !== undefined) {
      out.add(`${at}.after`, 'invalid_value', `${at}.after: the first step comes with the trigger; remove after (later steps use it to wait)`);
    } else if (i > 0 && step.after === undefined) {
      out.add(`${at}.after`, 'required', `${at}.after is required: how long to wait after the previous step, e.g. 1d`);
    } else if (step.after !== undefined) checkDuration(step.after, `${at}.after`, out);
    if (step.id !== undefined) {
      const earlier = ids.get(step.id);
      if (earlier !== undefined) out.add(`${at}.id`, 'invalid_value', `${at}.id "${step.id}" is already used by steps[${earlier}]`);
      else ids.set(step.id, i);
    }
    if (step.action === 'task') checkDuration(step.due, `${at}.due`, out);
    if (step.action === 'webhook' && !isHttpUrl(step.url)) {
      out.add(`${at}.url`, 'invalid_value', `${at}.url must be an http:// or https:// URL`);
    }
  });
}

/** An absolute http(s) URL with a host (webhook receivers). */
export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}
