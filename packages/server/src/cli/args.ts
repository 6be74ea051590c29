import { CliError } from './cli-error.js';

export type Values = Record<string, string | boolean | undefined>;

/** A required string flag; a usage error (exit 2) naming the flag when it is missing or empty. */
export function requireFlag(v: Values, flag: string, usage: string): string {
  const value = v[flag];
  if (typeof value !== 'string' || value.trim() === '') throw new CliError(`--${flag} is required\nusage: omotenashi ${usage}`, 2);
  return value.trim();
}

export function optionalFlag(v: Values, flag: string): string | undefined {
  const value = v[flag];
  return typeof value === 'string' ? value : undefined;
}

/** Exactly `names.length` positional arguments, named in the message when one is missing. */
export function requirePositionals(positionals: string[], names: string[], usage: string): string[] {
  if (positionals.length < names.length) throw new CliError(`missing ${names[positionals.length]}\nusage: omotenashi ${usage}`, 2);
  if (positionals.length > names.length) throw new CliError(`unexpected argument ${JSON.stringify(positionals[names.length])}\nusage: omotenashi ${usage}`, 2);
  return positionals;
}

/** An integer flag within [min, max], or `fallback` when absent. */
export function intFlag(v: Values, flag: string, fallback: number, min: number, max: number): number;
export function intFlag(v: Values, flag: string, fallback: null, min: number, max: number): number | null;
export function intFlag(v: Values, flag: string, fallback: number | null, min: number, max: number): number | null {
  const raw = v[flag];
  if (typeof raw !== 'string') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new CliError(`--${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`, 2);
  const n = Number(raw.trim());
  if (n < min || n > max) throw new CliError(`--${flag} must be from ${min} to ${max}, got ${n}`, 2);
  return n;
}

export const isJson = (v: Values): boolean => v['json'] === true;

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** `--workspace ID` (or `-w ID`), which every workspace-scoped command takes. */
export const WORKSPACE_OPTION = { workspace: { type: 'string', short: 'w' } } as const;
