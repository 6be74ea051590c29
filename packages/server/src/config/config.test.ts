import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const cwd = mkdtempSync(join(tmpdir(), 'omotenashi-config-'));

describe('configuration', () => {
  it('defaults to port 3000 and a SQLite file under ./data', () => {
    const c = loadConfig({}, cwd);
    expect(c.port).toBe(3000);
    expect(c.database).toEqual({ kind: 'sqlite', path: join(cwd, 'data', 'omotenashi.sqlite') });
    expect(c.sqliteSynchronous).toBe('FULL');
  });

  it('believes only proxies on this machine or a private network unless told otherwise', () => {
    expect(loadConfig({}, cwd).trustProxy).toEqual(['loopback', 'linklocal', 'uniquelocal']);
    expect(loadConfig({ TRUST_PROXY: 'false' }, cwd).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'TRUE' }, cwd).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 203.0.113.7,loopback, ::1, fd00::/8' }, cwd).trustProxy)
      .toEqual(['10.0.0.0/8', '203.0.113.7', 'loopback', '::1', 'fd00::/8']);
  });

  it('accepts postgres:// and sqlite: URLs', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:5432/db' }, cwd).database.kind).toBe('postgres');
    expect(loadConfig({ DATABASE_URL: 'sqlite:./x.db' }, cwd).database).toEqual({ kind: 'sqlite', path: join(cwd, 'x.db') });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT', 'whole number'],
    [{ PORT: '65536' }, 'PORT', 'whole number'],
    [{ PORT: '-1' }, 'PORT', 'whole number'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', 'postgres://… or sqlite:PATH'],
    [{ DATABASE_URL: 'sqlite:' }, 'DATABASE_URL', 'sqlite:PATH'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', 'one of'],
    [{ GEOIP_MMDB: '/nope/city.mmdb' }, 'GEOIP_MMDB', 'does not exist'],
    [{ DEDUPE_WINDOW_DAYS: '0' }, 'DEDUPE_WINDOW_DAYS', 'from 1 to 365'],
    [{ PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL', 'http(s) URL'],
    [{ DEMO: 'maybe' }, 'DEMO', 'true or false'],
    [{ TRUST_PROXY: 'my-proxy' }, 'TRUST_PROXY', '"my-proxy" is none of these'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY', 'CIDR ranges'],
    [{ TRUST_PROXY: '10.0.0.1, 300.1.1.1' }, 'TRUST_PROXY', '"300.1.1.1"'],
    [{ TRUST_PROXY: ',' }, 'TRUST_PROXY', 'proxy addresses'],
  ])('refuses %o naming the setting and the expected form', (env, setting, expected) => {
    try {
      loadConfig(env, cwd);
      expect.unreachable('should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).setting).toBe(setting);
      expect((err as Error).message).toContain(setting);
      expect((err as Error).message).toContain(expected);
    }
  });

  it('reads an optional JSON config file; the environment wins over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omotenashi-config-'));
    writeFileSync(join(dir, 'omotenashi.config.json'), JSON.stringify({ PORT: 4100, LOG_LEVEL: 'warn' }));
    expect(loadConfig({}, dir)).toMatchObject({ port: 4100, logLevel: 'warn' });
    expect(loadConfig({ PORT: '4200' }, dir).port).toBe(4200);
    writeFileSync(join(dir, 'broken.json'), '{nope');
    expect(() => loadConfig({ OMOTENASHI_CONFIG: 'broken.json' }, dir)).toThrow(/OMOTENASHI_CONFIG.*not valid JSON/);
  });
});
