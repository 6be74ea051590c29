import { existsSync, readFileSync } from 'node:fs';
import { loadConfig, type Config } from '../../config/config.js';
import { demoCredentialsFile, type DemoCredentials } from '../../demo-seed.js';
import { ShopperBoard } from '../../demo/simulate/board.js';
import { preflight, runDemoSimulation, type ShopperReport } from '../../demo/simulate/run.js';
import { SCRIPT_NAMES, type ScriptName } from '../../demo/simulate/scripts.js';
import { intFlag, isJson, optionalFlag, requirePositionals } from '../args.js';
import { CliError } from '../cli-error.js';
import type { Command } from './command.js';

const USAGE = 'demo simulate [--url URL] [--write-key K] [--token T] [--speed N] [--only NAME] [--json]';

/**
 * The demo's secrets: the flags, else the file `npm start` wrote (demo-credentials.json beside the
 * SQLite database, ./data by default), found from the same settings (DATABASE_URL, .env) it used.
 */
function credentials(v: Record<string, string | boolean | undefined>, config: () => Config): { writeKey: string; token: string } {
  let writeKey = optionalFlag(v, 'write-key');
  let token = optionalFlag(v, 'token');
  if (writeKey === undefined || token === undefined) {
    const file = demoCredentialsFile(config());
    if (!existsSync(file)) {
      throw new CliError(`no demo credentials: ${file} does not exist. Start the server with "npm start" (it seeds the demo and writes that file) with the same DATABASE_URL, or pass --write-key and --token`, 2);
    }
    let saved: Partial<DemoCredentials>;
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoCredentials>;
    } catch (err) {
      throw new CliError(`${file} is not valid JSON (${(err as Error).message}); pass --write-key and --token`, 2);
    }
    writeKey ??= saved.writeKey;
    token ??= saved.apiToken;
  }
  if (!writeKey?.startsWith('wk_')) throw new CliError(`--write-key must be the demo workspace's write key (wk_…)\nusage: omotenashi ${USAGE}`, 2);
  if (!token?.startsWith('ot_')) throw new CliError(`--token must be the demo workspace's admin token (ot_…)\nusage: omotenashi ${USAGE}`, 2);
  return { writeKey, token };
}

/** --url, else where `npm start` with the same settings listens (PUBLIC_URL, or HOST and PORT). */
function baseUrl(v: Record<string, string | boolean | undefined>, config: () => Config): string {
  const raw = optionalFlag(v, 'url') ?? config().publicUrl;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new CliError(`--url must be an http:// or https:// URL like http://127.0.0.1:3000, got ${JSON.stringify(raw)}`, 2);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new CliError(`--url must be an http:// or https:// URL, got ${JSON.stringify(raw)}`, 2);
  return u.origin;
}

function only(v: Record<string, string | boolean | undefined>): ScriptName | null {
  const name = optionalFlag(v, 'only');
  if (name === undefined) return null;
  if (!(SCRIPT_NAMES as readonly string[]).includes(name)) throw new CliError(`--only must be one of ${SCRIPT_NAMES.join(', ')}, got ${JSON.stringify(name)}`, 2);
  return name as ScriptName;
}

/** What each shopper ended with, for people: the outcome, then the decisions the server recorded. */
export function formatReports(reports: ShopperReport[]): string {
  const out: string[] = [''];
  for (const r of reports) {
    const mark = r.ok ? (r.outcome === 'fired' ? '✓' : '○') : '✗';
    out.push(`${mark} ${r.title} (${r.who}) — ${r.ok ? (r.outcome === 'fired' ? 'fired' : 'held back') : 'FAILED'}`);
    if (!r.ok) {
      out.push(`    ${r.error}`);
      continue;
    }
    out.push(`    ${r.headline}`);
    for (const i of r.received) out.push(`    received ${i.kind.padEnd(6)} ${i.text.length > 70 ? `${i.text.slice(0, 69)}…` : i.text}`);
    for (const d of r.decisions) out.push(`    decision ${d.outcome === 'fired' ? 'fired    ' : 'held back'} ${d.summary}`);
    for (const t of r.tasks) out.push(`    task     ${t.title} (due ${t.dueAt})`);
    out.push(`    customer ${r.customerId}`);
  }
  return `${out.join('\n')}\n`;
}

export const demoSimulate: Command = {
  name: ['demo', 'simulate'],
  usage: USAGE,
  summary: 'play five scripted shoppers against the running demo (HTTP + WebSockets) and show what the playbooks did',
  options: {
    url: { type: 'string' }, 'write-key': { type: 'string' }, token: { type: 'string' },
    speed: { type: 'string' }, only: { type: 'string' },
  },
  async run(v, positionals) {
    requirePositionals(positionals, [], USAGE);
    // The settings are read only when a flag is missing, and once.
    let loaded: Config | null = null;
    const config = (): Config => (loaded ??= loadConfig());
    // Every flag is checked before the server is contacted.
    const target = { url: baseUrl(v, config), ...credentials(v, config) };
    const speed = intFlag(v, 'speed', 1, 1, 100);
    const script = only(v);
    const json = isJson(v);
    const problem = await preflight(target);
    if (problem !== null) throw new CliError(problem, 1);
    // With --json, stdout is the report alone; the progress goes to stderr as plain lines.
    const progressOut = json ? process.stderr : process.stdout;
    const board = new ShopperBoard(progressOut, !json && process.stdout.isTTY === true);
    if (!json) process.stdout.write(`Playing shoppers against ${target.url}/demo/ (watch them in the console: ${target.url}/console/)\n\n`);
    let reports: ShopperReport[];
    try {
      reports = await runDemoSimulation({ target, speed, only: script, board });
    } finally {
      board.stop();
    }
    if (json) process.stdout.write(`${JSON.stringify({ url: target.url, shoppers: reports }, null, 2)}\n`);
    else process.stdout.write(formatReports(reports));
    const failed = reports.filter((r) => !r.ok);
    if (failed.length > 0) throw new CliError(`${failed.length} of ${reports.length} shoppers failed: ${failed.map((f) => `${f.name} (${f.ok ? '' : f.error})`).join('; ')}`, 1);
  },
};
