import { randomBytes } from 'node:crypto';
import { hint } from '../../app/tenancy.js';
import { DEMO_NOTE } from '../demo-playbooks.js';
import type { ShopperBoard } from './board.js';
import { SCRIPTS, type ScriptName, type ScriptResult } from './scripts.js';
import { ScriptError, Shopper, type Target } from './shopper.js';

export interface DemoSimulateOptions {
  target: Target;
  /** Divides the shoppers' own pauses; the server's timers (demo pace) are unchanged. */
  speed: number;
  only: ScriptName | null;
  board: ShopperBoard;
}

export type ShopperReport = { name: ScriptName; who: string; title: string } & (
  | ({ ok: true } & ScriptResult)
  | { ok: false; outcome: 'failed'; headline: string; error: string }
);

/** One shopper may take this long, whatever it waits for: a whole run stays within ~2 minutes. */
const SCRIPT_LIMIT_MS = 110_000;

/**
 * Plays the scripted shoppers at once (starts a little staggered, as real visitors arrive), each
 * with its own visitor socket and ids unique to this run. A shopper that fails reports why; the
 * others carry on.
 */
export async function runDemoSimulation(o: DemoSimulateOptions): Promise<ShopperReport[]> {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const scripts = SCRIPTS.filter((s) => o.only === null || s.name === o.only);
  for (const s of scripts) o.board.add(s.name, `${s.title} (${s.who})`);
  return Promise.all(scripts.map(async (script, i): Promise<ShopperReport> => {
    const head = { name: script.name, who: script.who, title: script.title };
    const shopper = new Shopper({ target: o.target, anonymousId: `sim-${runId}-${script.name}`, timezone: script.timezone, locale: script.locale, speed: o.speed });
    let limit: NodeJS.Timeout | undefined;
    try {
      await shopper.pause(i * 1200);
      o.board.update(script.name, 'running', 'opening the shop');
      await shopper.connect();
      const result = await Promise.race([
        script.run({ shopper, runId, say: (text) => o.board.update(script.name, 'running', text) }),
        new Promise<never>((_, reject) => {
          limit = setTimeout(() => reject(new ScriptError(`did not finish within ${SCRIPT_LIMIT_MS / 1000} s`)), SCRIPT_LIMIT_MS);
        }),
      ]);
      o.board.update(script.name, result.outcome, result.headline);
      return { ...head, ok: true, ...result };
    } catch (err) {
      const message = err instanceof ScriptError ? err.message : `unexpected error: ${(err as Error).message ?? String(err)}`;
      o.board.update(script.name, 'failed', message);
      return { ...head, ok: false, outcome: 'failed', headline: message, error: message };
    } finally {
      clearTimeout(limit);
      shopper.close();
    }
  }));
}

/**
 * Checks the server is there and the credentials work before any shopper starts, and that they are
 * the demo workspace's: the shoppers add customers, orders and a conversation, which must never
 * land in a real shop's workspace. The demo is recognised by its demo-pace playbooks (their
 * descriptions carry DEMO_NOTE; elsewhere the scripts would wait days anyway), and the write key
 * must be one of that same workspace's keys (the token alone says nothing about the key).
 */
export async function preflight(target: Target): Promise<string | null> {
  let ready: Response;
  try {
    ready = await fetch(`${target.url}/readyz`);
  } catch (err) {
    return `cannot reach the server at ${target.url} (${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}); start it with "npm start" or pass --url`;
  }
  if (!ready.ok) return `the server at ${target.url} is not ready (${ready.status})`;
  const admin = (path: string) => fetch(`${target.url}${path}`, { headers: { authorization: `Bearer ${target.token}` } });
  const res = await admin('/api/v1/playbooks');
  if (res.status === 401 || res.status === 403) return 'the admin API refused the token: pass the demo workspace\'s admin token with --token';
  if (!res.ok) return `GET /api/v1/playbooks answered ${res.status}`;
  const { items } = await res.json() as { items: { key: string; enabled: boolean; definition: { description?: unknown } }[] };
  const needed = ['stuck-at-payment', 'birthday-week', 'late-delivery', 'returns-help-visits'];
  const missing = needed.filter((k) => !items.some((p) => p.key === k && p.enabled));
  if (missing.length > 0) return `the workspace does not run ${missing.join(', ')}: run the simulation against the demo workspace that "npm start" seeds`;
  const atLibraryPace = needed.filter((k) => !items.some((p) => p.key === k && typeof p.definition.description === 'string' && p.definition.description.includes(DEMO_NOTE)));
  if (atLibraryPace.length > 0) {
    return `the token's workspace runs ${atLibraryPace.join(', ')} at the library's pace, so it is not the demo workspace "npm start" seeds; the simulated shoppers would add customers to it, so nothing was sent: pass the demo workspace's --token and --write-key`;
  }
  const keys = await admin('/api/v1/write-keys');
  if (!keys.ok) return `GET /api/v1/write-keys answered ${keys.status}: the demo workspace's owner token can list its write keys`;
  const { items: writeKeys } = await keys.json() as { items: { hint: string; revokedAt: string | null }[] };
  if (!writeKeys.some((k) => k.revokedAt === null && k.hint === hint(target.writeKey))) {
    return 'the write key is not an active key of the token\'s workspace (the demo workspace); nothing was sent: pass the demo workspace\'s --write-key';
  }
  return null;
}
