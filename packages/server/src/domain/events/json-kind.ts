import type { JsonObject } from './normalized-event.js';

/** What a parsed JSON value is, in the words our issue messages use ("got array"). */
export type JsonKind = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

export function jsonKind(value: unknown): JsonKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    default:
      // undefined, functions, bigints never come out of JSON.parse; "object" is close enough.
      return 'object';
  }
}

/** A JSON object (`{…}`), not null and not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
