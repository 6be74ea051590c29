import type { Customers } from '../app/customers.js';

export type CustomerView = Awaited<ReturnType<Customers['view']>>;

const at = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
const money = (n: number, currency: string | null): string => `${Number.isInteger(n) ? n : n.toFixed(2)}${currency ? ` ${currency}` : ''}`;

function offset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function inDays(d: number): string {
  return d === 0 ? 'today' : d === 1 ? 'tomorrow' : `in ${d} days`;
}

/** What a support agent wants to read about a customer, as `label  value` lines. */
export function customerLines(c: CustomerView): [string, string][] {
  const p = c.profile;
  const traits = p.traits as Record<string, unknown>;
  const rows: [string, string][] = [['id', c.id], ['userId', c.userId ?? '-']];
  const name = typeof traits['name'] === 'string' ? traits['name'] : [traits['firstName'], traits['lastName']].filter((x) => typeof x === 'string').join(' ');
  if (name) rows.push(['name', name]);
  rows.push(['identities', c.identities.map((i) => `${i.kind} ${i.value}${i.verified ? ' (verified)' : ''}`).join(', ') || '-']);
  rows.push(['seen', `${at(p.firstSeen)} … ${at(p.lastSeen)} (${plural(p.eventCount, 'event')}, ${plural(p.session.count, 'session')}${c.insights.sessionActive ? ', active now' : ''})`]);
  const lt = c.insights.localTime;
  rows.push(['local time', lt ? `${lt.iso.replace('T', ' ')} ${lt.weekday.charAt(0).toUpperCase()}${lt.weekday.slice(1)} (${lt.timezone}, ${offset(lt.utcOffsetMinutes)})` : 'unknown (no time zone yet)']);
  const place = [p.location.city, p.location.region, p.location.country].filter(Boolean).join(', ');
  if (place) rows.push(['location', place]);
  if (p.language) rows.push(['language', p.language]);
  rows.push(['journey', `${p.journey.stage} since ${at(p.journey.since)}`]);
  const birthday = c.insights.moments.find((m) => m.kind === 'birthday');
  if (birthday) rows.push(['birthday', `${birthday.date}${birthday.nextOccurrence && birthday.daysUntil !== null ? `, next ${birthday.nextOccurrence} (${inDays(birthday.daysUntil)})` : ''}`]);
  for (const m of c.insights.moments) {
    if (m === birthday) continue;
    rows.push([m.kind, `${m.date}${m.nextOccurrence && m.daysUntil !== null ? `, next ${m.nextOccurrence} (${inDays(m.daysUntil)})` : ''}`]);
  }
  const cart = p.cart;
  if (cart.items.length > 0) {
    const items = cart.items.map((i) => `${i.quantity}× ${i.name ?? i.productId}`).join(', ');
    rows.push(['cart', `${money(cart.value, cart.currency)}: ${items}${cart.checkoutStartedAt ? ` (checkout started ${at(cart.checkoutStartedAt)})` : ''}`]);
  } else {
    rows.push(['cart', 'empty']);
  }
  const o = p.orders;
  if (o.count > 0) {
    rows.push(['orders', `${o.count}, lifetime value ${money(o.lifetimeValue, o.currency)}`]);
    const last = o.recent[0];
    if (last) rows.push(['last order', `${last.orderId} ${last.status} ${money(last.total, last.currency)} at ${at(last.placedAt)}${last.promisedBy ? `, promised by ${at(last.promisedBy)}` : ''}`]);
  } else {
    rows.push(['orders', 'none']);
  }
  if (p.recentProducts.length > 0) rows.push(['recent products', p.recentProducts.slice(0, 5).map((r) => r.name ?? r.productId).join(', ')]);
  const page = p.session.currentPage ?? p.recentPages[0];
  if (page) rows.push(['last page', `${page.title ?? page.name ?? page.path ?? page.url ?? '-'} (${at(page.at)})`]);
  if (c.mergedFrom.length > 0) rows.push(['merged from', c.mergedFrom.join(', ')]);
  return rows;
}

export function formatCustomer(c: CustomerView): string {
  const rows = customerLines(c);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}\n`).join('');
}
