import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';

/**
 * Real-browser tests: Debian's Chromium driven by playwright-core (nothing is downloaded).
 * Where Chromium is missing the suites are skipped with one line — except in CI (CI=true), where
 * .ci/run installs it and a missing browser is a failure.
 */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'packages/server/dist/main.js');

export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env['CI'] === 'true') throw new Error(`Chromium is required in CI but ${CHROMIUM_PATH} does not exist (.ci/run installs it with apt-get)`);
  return false;
}

let noticeShown = false;
/** `describe` when a browser is available, otherwise a skipped suite and a one-line notice. */
export function describeBrowser(name: string, fn: () => void): void {
  if (chromiumAvailable()) {
    describe(name, fn);
    return;
  }
  if (!noticeShown) {
    noticeShown = true;
    process.stderr.write(`[browser] ${CHROMIUM_PATH} not found: real-browser suites skipped (apt-get install chromium)\n`);
  }
  describe.skip(name, fn);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** Where screenshots land: test-artifacts/screenshots (ignored by git); the best are copied to docs/ by hand. */
export const SCREENSHOT_DIR = join(ROOT, 'test-artifacts/screenshots');

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

export interface RunningServer {
  /** http://127.0.0.1:PORT */
  base: string;
  workspaceId: string;
  writeKey: string;
  apiToken: string;
  operator: { email: string; password: string };
  /** Everything the server printed so far. */
  output(): string;
  /** Admin API call with the demo workspace's owner token; throws on a non-2xx answer. */
  api<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Starts the built server exactly as `npm start` does (on a fresh SQLite file, demo seeded) and
 * reads the demo workspace's secrets from what it prints.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'omotenashi-browser-'));
  const child: ChildProcess = spawn(process.execPath, [MAIN, 'serve'], {
    cwd: dir,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: `sqlite:${join(dir, 'omotenashi.sqlite')}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 30_000;
  while (!/Operator\s+\S+ \/ \S+/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`server did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const pick = (re: RegExp, what: string): string => {
    const m = re.exec(out)?.[1];
    if (!m) throw new Error(`server output has no ${what}:\n${out}`);
    return m;
  };
  const base = pick(/Tracking API\s+(http:\/\/\S+?)\/v1\/batch/, 'base URL');
  const apiToken = pick(/Admin token\s+(\S+)/, 'admin token');
  const server: RunningServer = {
    base,
    workspaceId: pick(/Demo workspace\s+(\S+)/, 'workspace'),
    writeKey: pick(/Write key\s+(\S+)/, 'write key'),
    apiToken,
    operator: { email: pick(/Operator\s+(\S+) \//, 'operator email'), password: pick(/Operator\s+\S+ \/ (\S+)/, 'operator password') },
    output: () => out,
    async api(method, path, body) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${apiToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    stop: () => new Promise<void>((res) => {
      if (child.exitCode !== null) {
        rmSync(dir, { recursive: true, force: true });
        res();
        return;
      }
      child.once('exit', () => {
        rmSync(dir, { recursive: true, force: true });
        res();
      });
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    }),
  };
  return server;
}

/**
 * One server and one browser for a suite: both started before its first test (in parallel), both
 * stopped after its last. `ready` receives them (assign them to the suite's variables there).
 */
export function withServerAndBrowser(ready: (server: RunningServer, browser: Browser) => void | Promise<void>): void {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    await ready(server, browser);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
}

/** Polls `probe` until it returns something truthy; fails with `what` after `timeoutMs`. */
export async function until<T>(probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, what: string, timeoutMs = 10_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message.split('\n')[0]})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until the locator's first match is visible; the message says what a person should see. */
export async function visible(locator: Locator, what: string, timeoutMs = 10_000): Promise<Locator> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch (e) {
    throw new Error(`${what} did not become visible within ${timeoutMs} ms: ${(e as Error).message.split('\n')[0]}`);
  }
  return locator.first();
}
