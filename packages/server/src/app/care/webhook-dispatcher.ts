import { createHmac, randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';
import { PollingLoop } from '../../platform/polling-loop.js';
import type { Clock } from '../../ports/clock.js';
import type { OutboxRecord, Store } from '../../ports/store.js';

/** Addresses a webhook may never reach unless explicitly allowed: loopback, private, link-local. */
const PRIVATE = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [['::1', 128], ['::', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) PRIVATE.addSubnet(net, bits, 'ipv6');

export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return PRIVATE.check(ip, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    return mapped ? PRIVATE.check(mapped[1]!, 'ipv4') : PRIVATE.check(ip, 'ipv6');
  }
  return true;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` — the receiver recomputes and compares. */
export function signWebhook(secret: string, body: string, at: number): string {
  const t = Math.floor(at / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

export const MAX_ATTEMPTS = 8;
/** How long a sender holds a delivery; longer than the request timeout. */
const LEASE_MS = 60_000;

/**
 * Delivers the webhook outbox: signed POSTs with retries and exponential backoff. The address
 * is resolved once and the connection pinned to it, so a DNS answer cannot swap a public host
 * for a private one between the check and the request.
 */
export class WebhookDispatcher {
  private readonly loop: PollingLoop;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly opts: { allowPrivate: boolean; timeoutMs?: number; pollMs?: number; onError?: (err: unknown) => void } = { allowPrivate: false },
  ) {
    // A failed delivery is recorded on its row; the loop's onError hears of its own failures (the database).
    this.loop = new PollingLoop(() => this.deliverDue(), { pollMs: opts.pollMs ?? 1_000, onError: opts.onError });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private readonly secrets = new Map<string, Promise<string>>();

  /** The workspace's signing secret, created on first use (one creation per process at a time). */
  secretFor(workspaceId: string): Promise<string> {
    let p = this.secrets.get(workspaceId);
    if (!p) {
      p = this.loadOrCreateSecret(workspaceId);
      this.secrets.set(workspaceId, p);
      p.catch(() => this.secrets.delete(workspaceId));
    }
    return p;
  }

  async rotateSecret(workspaceId: string): Promise<string> {
    const settings = await this.store.getWorkspaceSettings(workspaceId);
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    await this.store.setWorkspaceSettings(workspaceId, { ...settings, webhookSecret: secret });
    this.secrets.set(workspaceId, Promise.resolve(secret));
    return secret;
  }

  private async loadOrCreateSecret(workspaceId: string): Promise<string> {
    const settings = await this.store.getWorkspaceSettings(workspaceId);
    const existing = settings['webhookSecret'];
    if (typeof existing === 'string') return existing;
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    await this.store.setWorkspaceSettings(workspaceId, { ...settings, webhookSecret: secret });
    return secret;
  }

  async deliverDue(): Promise<number> {
    const due = await this.store.dueOutbox(this.clock.now(), 50);
    for (const o of due) await this.deliver(o);
    return due.length;
  }

  private async deliver(o: OutboxRecord): Promise<void> {
    const now = this.clock.now();
    // Lease it first: another process (or a manual run) polling the same outbox skips it.
    if (!(await this.store.claimOutbox(o.id, now, now + LEASE_MS))) return;
    const attempts = o.attempts + 1;
    try {
      const secret = await this.secretFor(o.workspaceId);
      await this.post(o.url, o.body, { 'omotenashi-signature': signWebhook(secret, o.body, this.clock.now()), 'omotenashi-delivery': o.id });
      await this.store.updateOutbox(o.id, { status: 'delivered', attempts, lastError: null });
    } catch (err) {
      const final = attempts >= MAX_ATTEMPTS || (err as { permanent?: boolean }).permanent === true;
      await this.store.updateOutbox(o.id, {
        status: final ? 'failed' : 'pending', attempts, lastError: (err as Error).message.slice(0, 500),
        nextAttemptAt: this.clock.now() + 30_000 * 2 ** (attempts - 1),
      });
    }
  }

  private async post(url: string, body: string, headers: Record<string, string>): Promise<void> {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw Object.assign(new Error(`refused: ${u.protocol} is not http(s)`), { permanent: true });
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const address = isIP(host) ? host : (await lookup(host)).address;
    if (!this.opts.allowPrivate && isPrivateAddress(address)) {
      throw Object.assign(new Error(`refused: ${host} resolves to the private or loopback address ${address}`), { permanent: true });
    }
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    await new Promise<void>((resolve, reject) => {
      const req = send(u, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Omotenashi-Webhooks/1', ...headers },
        timeout: this.opts.timeoutMs ?? 10_000,
        // Pinned to the checked address. Node 20 asks for every address (`all: true`, for
        // happy-eyeballs) unless the family is fixed: answer in the form that was asked for.
        lookup: (_h, o, cb) => (o.all ? cb(null, [{ address, family: isIP(address) }]) : cb(null, address, isIP(address))),
        servername: isIP(host) ? undefined : host,
      }, (res) => {
        res.resume();
        res.on('end', () => ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300 ? resolve() : reject(new Error(`receiver answered ${res.statusCode}`))));
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end(body);
    });
  }
}
