import type { Issue, IssueCode } from '@omotenashi/protocol';

/** Most issues reported for one playbook: enough to fix it in one pass, bounded for the response. */
export const MAX_PLAYBOOK_ISSUES = 50;

/** Collects issues up to the bound; later ones are dropped (callers may stop early on `full`). */
export class IssueList {
  readonly issues: Issue[] = [];

  get full(): boolean {
    return this.issues.length >= MAX_PLAYBOOK_ISSUES;
  }

  add(path: string, code: IssueCode, message: string): void {
    if (!this.full) this.issues.push({ path, code, message });
  }
}

/** "steps[1]" + "after" → "steps[1].after"; a numeric key becomes an index. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number' || /^\d+$/.test(key)) return `${parent}[${key}]`;
  const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  if (name !== key) return `${parent}[${name}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** How a path is named in a message: the root is "the playbook". */
export function label(path: string): string {
  return path === '' ? 'the playbook' : path;
}

/** "text", "a number", "a list"… for "…, got a number". */
export function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
