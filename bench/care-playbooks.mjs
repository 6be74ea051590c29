// 100 realistic playbooks for the rule-evaluation benchmarks (bench/care-eval.mjs), generated
// deterministically from a seed, and the SAME rules written for json-rules-engine.
//
// Mix (of 100): ~40 `on` a named track event (exact name, sometimes a oneOf list, sometimes also
// a page-path prefix), ~30 `on` a page view with a path pattern (exact, prefix or glob), ~18
// `repetition` (N matching events within a window) and ~12 `threshold` (cart.value rising above
// an amount). Each has 2–4 conditions over customer facts (cart.value, cart.itemCount,
// orders.count, journey.stage, traits.*, page.path matches, device.type, local.hour between
// (sometimes wrapping past midnight), language, session.pageCount, …); one in eight groups two
// of them in an `any`. Event names and paths are the workload's (bench/workload.mjs), plus names
// a shop's library listens for that this workload never sends (Payment Failed, Order Shipped…).
// Every playbook has ONE step (hint, invite, alert, task or a customer-facing webhook), so no
// three-cups ladder state interferes with "which rules matched".
//
// json-rules-engine translation (one Rule per playbook, rule event type = playbook key):
//   trigger        → leaf conditions with priority 10 (evaluated first; JRE short-circuits a
//                    failed priority group, the documented way to make it cheap)
//   repetition     → + fact `rep.<key>.hits` ≥ count − 1 (priority 5): how many earlier matching
//                    events are in the window — state the APPLICATION keeps for JRE
//   threshold      → cart.value > above AND fact `prev.cart.value` ≤ above (priority 5)
//   conditions     → priority 1; eq/ne/gt/gte/lt/lte/in → JRE built-ins; exists → notEqual null;
//                    matches/between → custom operators (prefix, glob as a cached RegExp, between
//                    with wrap-around for local.hour).
import { prng } from './workload.mjs';

const WORKLOAD_TRACKS = [
  ['Product Viewed', 5], ['Product Added', 5], ['Cart Viewed', 4], ['Checkout Started', 4],
  ['Payment Info Entered', 3], ['Order Completed', 4], ['Product Removed', 2],
];
const OTHER_TRACKS = [
  ['Payment Failed', 1], ['Order Refunded', 1], ['Product Out Of Stock', 1], ['Coupon Denied', 1],
  ['Order Shipped', 1], ['Signed Up', 1], ['Product Reviewed', 1],
];
const PAGE_PATTERNS = [
  '/', '/search', '/pages/shipping', '/collections/sale',
  { prefix: '/products/' }, { prefix: '/collections/' }, { prefix: '/pages/' }, { prefix: '/blogs/' },
  { glob: '/collections/*' }, { glob: '/products/p000*' }, { glob: '**/sale' }, { glob: '/pages/*' }, { glob: '/blogs/**' },
  { oneOf: ['/pages/shipping', '/pages/about'] },
];
const REPETITION_ON = [
  { type: 'track', event: 'Product Viewed' },
  { type: 'track', event: 'Cart Viewed' },
  { type: 'track', event: 'Product Removed' },
  { type: 'page', page: { path: { glob: '/collections/*' } } },
  { type: 'page', page: { path: '/pages/shipping' } },
  { type: 'page', page: { path: { prefix: '/products/' } } },
];
const WITHIN = ['10m', '30m', '1h', '1d'];

/** Condition makers: each returns a FactCondition (or an `any` of two). Keyed by fact family. */
const CONDITIONS = [
  ['cart.value', (r) => r.pick([
    { fact: 'cart.value', op: r.pick(['gt', 'gte']), value: r.pick([5000, 10000, 20000, 30000]) },
    { fact: 'cart.value', op: 'lt', value: r.pick([1000, 2000]) },
    { fact: 'cart.value', op: 'between', value: r.pick([[3000, 8000], [10000, 50000], [1, 2000]]) },
  ])],
  ['cart.itemCount', (r) => ({ fact: 'cart.itemCount', op: 'gte', value: r.pick([2, 3, 5]) })],
  ['orders.count', (r) => r.pick([{ fact: 'orders.count', op: 'eq', value: 0 }, { fact: 'orders.count', op: 'gte', value: 1 }, { fact: 'orders.count', op: 'gte', value: 2 }, { fact: 'orders.count', op: 'eq', value: 1 }])],
  ['journey.stage', (r) => r.pick([
    { fact: 'journey.stage', op: 'eq', value: r.pick(['considering', 'buying', 'after_care']) },
    { fact: 'journey.stage', op: 'in', value: ['buying', 'awaiting_delivery'] },
    { fact: 'journey.stage', op: 'notIn', value: ['browsing', 'after_care'] },
  ])],
  ['traits', (r) => r.pick([
    { fact: 'traits.email', op: 'exists' },
    { fact: 'traits.birthday', op: 'exists' },
    { fact: 'traits.orders_count', op: 'gte', value: r.pick([1, 2]) },
    { fact: 'traits.phone', op: 'exists' },
    { fact: 'traits.vip', op: 'eq', value: true },
  ])],
  ['page.path', (r) => ({ fact: 'page.path', op: 'matches', value: r.pick([{ prefix: '/products/' }, { prefix: '/collections/' }, { glob: '/collections/*' }, { glob: '/products/p00*' }, { prefix: '/pages/' }]) })],
  ['device.type', (r) => r.pick([
    { fact: 'device.type', op: 'eq', value: r.pick(['mobile', 'desktop', 'tablet']) },
    { fact: 'device.type', op: 'in', value: ['desktop', 'tablet'] },
  ])],
  ['local.hour', (r) => ({ fact: 'local.hour', op: 'between', value: r.pick([[9, 12], [12, 14], [21, 6], [18, 2], [10, 17], [6, 9]]) })],
  ['language', (r) => ({ fact: 'language', op: 'in', value: r.pick([['en-US', 'en-GB'], ['ko-KR'], ['de-DE', 'fr-FR'], ['zh-TW']]) })],
  ['session.pageCount', (r) => ({ fact: 'session.pageCount', op: 'gte', value: r.pick([5, 8, 10]) })],
  ['customer.eventCount', (r) => ({ fact: 'customer.eventCount', op: r.pick(['gte', 'lt']), value: r.pick([20, 50, 100]) })],
  ['recent.productCount', (r) => ({ fact: 'recent.productCount', op: 'gte', value: r.pick([5, 8, 12]) })],
];

function chooser(seed) {
  const rand = prng(seed);
  const r = {
    rand,
    int: (n) => (rand() * n) | 0,
    pick: (arr) => arr[(rand() * arr.length) | 0],
    weighted: (items) => {
      let total = 0;
      for (const it of items) total += it[1];
      let x = rand() * total;
      for (const it of items) if ((x -= it[1]) < 0) return it[0];
      return items[items.length - 1][0];
    },
  };
  return r;
}

function conditionsFor(r, n) {
  const families = [...CONDITIONS];
  const out = [];
  while (out.length < n && families.length > 0) {
    const [, make] = families.splice(r.int(families.length), 1)[0];
    out.push(make(r));
  }
  // One playbook in eight groups its last two conditions in an `any`.
  if (out.length >= 3 && r.rand() < 0.125) out.push({ any: [out.pop(), out.pop()] });
  return out;
}

function stepFor(r, i) {
  switch (r.weighted([['hint', 4], ['invite', 2], ['alert', 2], ['task', 2], ['webhook', 1]])) {
    case 'hint': return { action: 'hint', title: `Hint ${i}`, body: `A helpful note from playbook ${i}.` };
    case 'invite': return { action: 'invite', message: `May we help? (playbook ${i})` };
    case 'alert': return { action: 'alert', priority: r.pick(['low', 'normal', 'high']), note: `playbook ${i} needs a person` };
    case 'task': return { action: 'task', title: `Follow up (playbook ${i})`, team: 'care', due: '1d' };
    default: return { action: 'webhook', url: 'https://hooks.example.jp/omotenashi', reachesCustomer: true };
  }
}

/** `count` playbook definitions (validated by the caller with the server's validatePlaybook). */
export function generatePlaybooks({ count = 100, seed = 20240501 } = {}) {
  const r = chooser(seed ^ 0x5eed);
  const list = [];
  for (let i = 1; i <= count; i++) {
    const key = `bench-pb-${String(i).padStart(3, '0')}`;
    const kind = r.weighted([['track', 40], ['page', 30], ['repetition', 18], ['threshold', 12]]);
    let trigger;
    let label;
    if (kind === 'track') {
      const name = r.weighted(r.rand() < 0.8 ? WORKLOAD_TRACKS : OTHER_TRACKS);
      const on = { type: 'track', event: name };
      if (r.rand() < 0.15) {
        let other = r.weighted([...WORKLOAD_TRACKS, ...OTHER_TRACKS]);
        if (other === name) other = 'Payment Failed' === name ? 'Order Refunded' : 'Payment Failed';
        on.event = { oneOf: [name, other] };
      }
      if (r.rand() < 0.1) on.page = { path: { prefix: '/products/' } };
      trigger = { on };
      label = `on ${JSON.stringify(on.event)}`;
    } else if (kind === 'page') {
      const path = r.pick(PAGE_PATTERNS);
      trigger = { on: { type: 'page', page: { path } } };
      label = `on page ${JSON.stringify(path)}`;
    } else if (kind === 'repetition') {
      const on = structuredClone(r.pick(REPETITION_ON));
      trigger = { repetition: { on, count: 2 + r.int(4), within: r.pick(WITHIN) } };
      label = `repetition of ${JSON.stringify(on)}`;
    } else {
      const above = r.pick([3000, 5000, 8000, 10000, 15000, 20000, 30000, 50000]);
      trigger = { threshold: { fact: 'cart.value', above } };
      label = `cart.value above ${above}`;
    }
    const def = {
      key,
      name: `Bench playbook ${i} (${label})`.slice(0, 200),
      priority: 10 + r.int(81),
      purpose: r.rand() < 0.7 ? 'service' : 'marketing',
      trigger,
      conditions: conditionsFor(r, 2 + r.int(3)),
      steps: [stepFor(r, i)],
    };
    if (r.rand() < 0.15) def.etiquette = { maxPerDay: 1 };
    list.push(def);
  }
  return list;
}

// ---- json-rules-engine ------------------------------------------------------------------------

/** Our glob (bench-relevant shapes) as an anchored RegExp, the way a JRE user would write it. */
export function globToRegExp(glob) {
  let re = '';
  let tail = '';
  let g = glob;
  if (g.endsWith('/**') && g.length > 3) {
    g = g.slice(0, -3);
    tail = '(?:/.*)?';
  }
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*' && g[i + 1] === '*') {
      const wholeSegment = (i === 0 || g[i - 1] === '/') && g[i + 2] === '/';
      if (wholeSegment) {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i++;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}${tail}$`);
}

const globCache = new Map();
const globRe = (g) => {
  let re = globCache.get(g);
  if (!re) globCache.set(g, (re = globToRegExp(g)));
  return re;
};
const isNum = (v) => typeof v === 'number' && !Number.isNaN(v);

/** Custom operators the translation needs (JRE has no prefix/glob/between). */
export const JRE_OPERATORS = [
  ['startsWith', (a, b) => typeof a === 'string' && a.startsWith(b)],
  ['globMatch', (a, b) => typeof a === 'string' && globRe(b).test(a)],
  ['between', (a, b) => isNum(a) && a >= b[0] && a <= b[1]],
  // local.hour [21, 6] = 21:00 to 06:59 (our `between` wraps for cyclic facts).
  ['betweenWrap', (a, b) => isNum(a) && (b[0] <= b[1] ? a >= b[0] && a <= b[1] : a >= b[0] || a <= b[1])],
];

const CYCLIC = new Set(['local.hour']);

/** A StringPattern test of `fact` as JRE leaf condition(s). */
function patternLeaf(fact, p, priority) {
  if (typeof p === 'string') return { fact, operator: 'equal', value: p, priority };
  if ('prefix' in p) return { fact, operator: 'startsWith', value: p.prefix, priority };
  if ('glob' in p) return { fact, operator: 'globMatch', value: p.glob, priority };
  return { fact, operator: 'in', value: p.oneOf, priority };
}

function conditionToJre(c, priority = 1) {
  if ('any' in c) return { any: c.any.map((x) => conditionToJre(x, priority)), priority };
  if ('all' in c) return { all: c.all.map((x) => conditionToJre(x, priority)), priority };
  if ('not' in c) return { not: conditionToJre(c.not, priority), priority };
  const { fact, op, value } = c;
  const leaf = (operator, v) => ({ fact, operator, value: v, priority });
  switch (op) {
    case 'eq': return leaf('equal', value);
    case 'ne': return leaf('notEqual', value);
    case 'gt': return leaf('greaterThan', value);
    case 'gte': return leaf('greaterThanInclusive', value);
    case 'lt': return leaf('lessThan', value);
    case 'lte': return leaf('lessThanInclusive', value);
    case 'in': return leaf('in', value);
    case 'notIn': return leaf('notIn', value);
    case 'exists': return leaf('notEqual', null); // facts are given as null when unknown
    case 'matches': return patternLeaf(fact, value, priority);
    case 'between': return leaf(CYCLIC.has(fact) ? 'betweenWrap' : 'between', value);
    default: throw new Error(`no JRE translation for op ${op}`);
  }
}

/** An EventMatch as JRE leaves over the facts event.type, event.name and event.page.path. */
function eventMatchToJre(m, priority) {
  const out = [];
  if (m.type !== undefined) {
    out.push(Array.isArray(m.type)
      ? { fact: 'event.type', operator: 'in', value: m.type, priority }
      : { fact: 'event.type', operator: 'equal', value: m.type, priority });
  }
  if (m.event !== undefined) out.push(patternLeaf('event.name', m.event, priority));
  if (m.page?.path !== undefined) out.push(patternLeaf('event.page.path', m.page.path, priority));
  if (m.page?.url !== undefined || m.where !== undefined) throw new Error('not used by the bench');
  return out;
}

/** One JRE rule per playbook; the rule's event type is the playbook key. */
export function toJreRule(def) {
  const all = [];
  const t = def.trigger;
  if (t.on) all.push(...eventMatchToJre(t.on, 10));
  else if (t.repetition) {
    all.push(...eventMatchToJre(t.repetition.on, 10));
    all.push({ fact: `rep.${def.key}.hits`, operator: 'greaterThanInclusive', value: t.repetition.count - 1, priority: 5 });
  } else if (t.threshold) {
    all.push({ fact: t.threshold.fact, operator: 'greaterThan', value: t.threshold.above, priority: 10 });
    all.push({ fact: `prev.${t.threshold.fact}`, operator: 'lessThanInclusive', value: t.threshold.above, priority: 5 });
  } else throw new Error(`trigger ${Object.keys(t)[0]} is not used by the bench`);
  for (const c of def.conditions ?? []) all.push(conditionToJre(c, 1));
  return { name: def.key, priority: def.priority ?? 50, conditions: { all }, event: { type: def.key } };
}

/** The fact names the JRE rules read (besides the per-playbook state facts). */
export function factNamesOf(defs) {
  const names = new Set(['event.type', 'event.name', 'event.page.path']);
  const visit = (c) => {
    if ('any' in c) c.any.forEach(visit);
    else if ('all' in c) c.all.forEach(visit);
    else if ('not' in c) visit(c.not);
    else names.add(c.fact);
  };
  for (const d of defs) {
    for (const c of d.conditions ?? []) visit(c);
    if (d.trigger.threshold) names.add(d.trigger.threshold.fact);
  }
  return [...names];
}
