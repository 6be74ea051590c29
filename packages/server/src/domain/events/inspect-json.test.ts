import type { Issue } from '@omotenashi/protocol';
import { describe, expect, it } from 'vitest';
import { inspectJson } from './inspect-json.js';

function inspect(value: unknown, base = '', max = 20): { path: string; code: string }[] {
  const issues: Issue[] = [];
  inspectJson(value, base, issues, max);
  for (const issue of issues) expect(issue.message.length).toBeGreaterThan(0);
  return issues.map(({ path, code }) => ({ path, code }));
}

/** `levels` nested objects: nest(1) = { a: 'leaf' }, nest(2) = { a: { a: 'leaf' } }. */
function nest(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

describe('inspectJson', () => {
  it('finds nothing in ordinary data', () => {
    const value = {
      type: 'track',
      properties: { items: [{ name: 'Tea', price: 12.5, tags: ['green', null, true] }], 'Order ID': 'o-1' },
      context: { locale: 'ja-JP', page: { title: 'おもてなし 😀' } },
    };
    expect(inspect(value)).toEqual([]);
  });

  it('allows 16 levels of nesting below the root and refuses the 17th', () => {
    expect(inspect({ properties: nest(16) })).toEqual([]);
    expect(inspect({ properties: nest(17) })).toEqual([
      { path: `properties${'.a'.repeat(16)}`, code: 'too_deep' },
    ]);
  });

  it('counts arrays as nesting levels and reports the first container past the limit', () => {
    let value: unknown = [];
    for (let i = 0; i < 17; i++) value = [value];
    expect(inspect({ list: value })).toEqual([{ path: `list${'[0]'.repeat(16)}`, code: 'too_deep' }]);
  });

  it('does not recurse into very deep input (no stack overflow)', () => {
    let value: unknown = 1;
    for (let i = 0; i < 100_000; i++) value = { a: value };
    expect(inspect(value)).toHaveLength(1);
  });

  it('allows 2000 keys in total and refuses 2001, counting nested objects', () => {
    const wide = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    expect(inspect({ a: wide(1999) })).toEqual([]); // 1 + 1999
    expect(inspect({ a: wide(1999), b: 1 }, 'batch[3]')).toEqual([{ path: 'batch[3]', code: 'too_many' }]);
    expect(inspect({ a: { b: wide(1998) }, c: 1 })).toEqual([{ path: '', code: 'too_many' }]);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the key %s', (key) => {
    const value = JSON.parse(`{"properties":{"ok":1,"${key}":{"polluted":true}}}`) as unknown;
    expect(inspect(value, 'batch[0]')).toEqual([{ path: `batch[0].properties.${key}`, code: 'forbidden_key' }]);
  });

  it('reports NUL bytes in values and keys, with readable paths', () => {
    expect(inspect({ properties: { note: 'a\u0000b' } })).toEqual([{ path: 'properties.note', code: 'nul_byte' }]);
    expect(inspect({ properties: { 'a\u0000b': 1 } })).toEqual([
      { path: 'properties["a\\u0000b"]', code: 'nul_byte' },
    ]);
    expect(inspect({ properties: { items: [{}, {}, { name: '\u0000' }] } }, 'batch[3]')).toEqual([
      { path: 'batch[3].properties.items[2].name', code: 'nul_byte' },
    ]);
  });

  it('reports lone surrogates in values and keys', () => {
    expect(inspect({ a: ['ok', 'x\ud800'] })).toEqual([{ path: 'a[1]', code: 'lone_surrogate' }]);
    expect(inspect({ a: { '\udc00': 'v' } })).toEqual([{ path: 'a["\\udc00"]', code: 'lone_surrogate' }]);
    expect(inspect({ a: '😀' })).toEqual([]);
  });

  it('reports a string with both problems twice', () => {
    expect(inspect({ s: '\u0000\ud800' })).toEqual([
      { path: 's', code: 'nul_byte' },
      { path: 's', code: 'lone_surrogate' },
    ]);
  });

  it('quotes odd keys and shortens very long ones in paths', () => {
    const longKey = `${'k'.repeat(100)}\u0000`;
    const [issue] = inspect({ 'Order ID': { [longKey]: 1 } });
    expect(issue).toEqual({ path: `["Order ID"]["${'k'.repeat(64)}…"]`, code: 'nul_byte' });
  });

  it('stops after the issue budget', () => {
    const value = { list: Array.from({ length: 1000 }, () => '\u0000') };
    expect(inspect(value, '', 20)).toHaveLength(20);
    const issues: Issue[] = Array.from({ length: 5 }, () => ({ path: 'x', code: 'required' as const, message: 'm' }));
    inspectJson(value, '', issues, 7);
    expect(issues).toHaveLength(7);
  });

  it('ignores numbers, booleans and null', () => {
    expect(inspect([0, -1.5, true, false, null])).toEqual([]);
    expect(inspect(null)).toEqual([]);
  });
});
