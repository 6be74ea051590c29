import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';

export type DatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export interface Config {
  port: number;
  host: string;
  database: DatabaseTarget;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Public base URL printed at start and used in links. */
  publicUrl: string;
  /** Optional MaxMind-format city database supplied by the user (else the bundled DB-IP lite). */
  geoipMmdb: string | null;
  /** How long a messageId is remembered for de-duplication. */
  dedupeWindowDays: number;
  /** SQLite durability: FULL fsyncs every commit (default), NORMAL survives a process crash only. */
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /** Seed a demo workspace when the database has none. */
  demo: boolean;
  /**
   * Which peers may tell us the client's address and scheme (X-Forwarded-For/-Proto): true (any),
   * false (none), or addresses, CIDR ranges and proxy-addr's names (loopback, linklocal, uniquelocal).
   */
  trustProxy: boolean | string[];
}

/**
 * By default only proxies on this machine or a private network are believed: a reverse proxy in
 * front is trusted, while a client on the internet cannot choose its own X-Forwarded-For (which
 * the login lock, geolocation and the Secure cookie decision rely on).
 */
export const DEFAULT_TRUSTED_PROXIES = ['loopback', 'linklocal', 'uniquelocal'];

export class ConfigError extends Error {
  constructor(readonly setting: string, message: string) {
    super(`Invalid setting ${setting}: ${message}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type Source = Record<string, string | undefined>;

/**
 * Reads configuration from the environment, falling back to an optional JSON file
 * (`OMOTENASHI_CONFIG`, or ./omotenashi.config.json when present) whose keys are the same
 * names as the environment variables. Every setting is validated here so a bad one stops the
 * server at start with a message naming it and the expected form.
 */
export function loadConfig(env: Source = process.env, cwd: string = process.cwd()): Config {
  const file = readConfigFile(env, cwd);
  const get = (name: string): string | undefined => {
    const v = env[name] ?? file[name];
    return v === undefined || v === '' ? undefined : v;
  };

  const port = parseIntSetting('PORT', get('PORT'), 3000, 0, 65535);
  const host = get('HOST') ?? '127.0.0.1';
  return {
    port,
    host,
    database: parseDatabaseUrl(get('DATABASE_URL'), cwd),
    logLevel: parseEnum('LOG_LEVEL', get('LOG_LEVEL'), LOG_LEVELS, 'info'),
    publicUrl: parsePublicUrl(get('PUBLIC_URL'), host, port),
    geoipMmdb: parseFilePath('GEOIP_MMDB', get('GEOIP_MMDB'), cwd),
    dedupeWindowDays: parseIntSetting('DEDUPE_WINDOW_DAYS', get('DEDUPE_WINDOW_DAYS'), 7, 1, 365),
    sqliteSynchronous: parseEnum('SQLITE_SYNCHRONOUS', get('SQLITE_SYNCHRONOUS')?.toUpperCase(), ['FULL', 'NORMAL'] as const, 'FULL'),
    demo: parseBool('DEMO', get('DEMO'), true),
    trustProxy: parseTrustProxy(get('TRUST_PROXY')),
  };
}

function parseTrustProxy(value: string | undefined): boolean | string[] {
  if (value === undefined) return DEFAULT_TRUSTED_PROXIES;
  const v = value.trim().toLowerCase();
  if (['true', 'false'].includes(v)) return v === 'true';
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    const [addr, bits, extra] = item.split('/');
    const named = DEFAULT_TRUSTED_PROXIES.includes(item);
    const version = isIP(addr ?? '');
    const maxBits = version === 6 ? 128 : 32;
    const okBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (!named && (version === 0 || !okBits || extra !== undefined)) {
      throw new ConfigError('TRUST_PROXY', `expected true, false, or a comma-separated list of addresses, CIDR ranges (10.0.0.0/8) and loopback, linklocal, uniquelocal; "${item}" is none of these`);
    }
  }
  if (items.length === 0) throw new ConfigError('TRUST_PROXY', 'expected true, false, or a comma-separated list of proxy addresses');
  return items;
}

function readConfigFile(env: Source, cwd: string): Source {
  const explicit = env['OMOTENASHI_CONFIG'];
  const path = explicit ? resolve(cwd, explicit) : resolve(cwd, 'omotenashi.config.json');
  if (!existsSync(path)) {
    if (explicit) throw new ConfigError('OMOTENASHI_CONFIG', `file ${path} does not exist`);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError('OMOTENASHI_CONFIG', `${path} is not valid JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('OMOTENASHI_CONFIG', `${path} must hold a JSON object like {"PORT": "3000"}`);
  }
  const out: Source = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else throw new ConfigError(k, `in ${path} must be a string, number or boolean`);
  }
  return out;
}

export function parseDatabaseUrl(value: string | undefined, cwd: string): DatabaseTarget {
  if (value === undefined) return { kind: 'sqlite', path: resolve(cwd, 'data', 'omotenashi.sqlite') };
  if (/^postgres(ql)?:\/\//.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new ConfigError('DATABASE_URL', `"${value}" is not a valid URL; expected postgres://user@host:5432/db`);
    }
    return { kind: 'postgres', url: value };
  }
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length);
    if (path === '') throw new ConfigError('DATABASE_URL', 'expected sqlite:PATH, e.g. sqlite:./data/omotenashi.sqlite, got an empty path');
    return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(cwd, path) };
  }
  throw new ConfigError('DATABASE_URL', `"${value}" is not supported; expected postgres://… or sqlite:PATH`);
}

function parseIntSetting(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim())) throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got ${n}`);
  return n;
}

function parseEnum<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(name, `expected one of ${allowed.join(', ')}, got "${value}"`);
}

function parseBool(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const v = value.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(name, `expected true or false, got "${value}"`);
}

function parseFilePath(name: string, value: string | undefined, cwd: string): string | null {
  if (value === undefined) return null;
  const path = resolve(cwd, value);
  if (!existsSync(path)) throw new ConfigError(name, `expected the path of an existing file, but ${path} does not exist`);
  return path;
}

function parsePublicUrl(value: string | undefined, host: string, port: number): string {
  if (value === undefined) {
    const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
    return `http://${shownHost}:${port}`;
  }
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new ConfigError('PUBLIC_URL', `expected an http(s) URL like https://care.example.com, got "${value}"`);
  }
  return value.replace(/\/$/, '');
}
