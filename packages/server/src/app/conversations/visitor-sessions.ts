import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { VisitorHello } from '@omotenashi/protocol';
import { verifyIdentityToken, verifyUserHash } from '../../domain/conversations/identity-proof.js';
import { pendingTouches } from '../../domain/playbooks/pending-touches.js';
import { OmotenashiError } from '../../errors.js';
import type { IdGenerator } from '../../platform/ids.js';
import type { Clock } from '../../ports/clock.js';
import type { OnsiteMessageRecord, Store } from '../../ports/store.js';
import type { Credentials } from '../credentials.js';
import { customerFamily } from '../customer-family.js';
import type { IngestService } from '../ingest/ingest-service.js';
import { submitEvent } from '../ingest/submit-event.js';
import type { ConversationSettingsReader } from './conversation-settings.js';

/** Who is on the other end of a visitor connection, as far as the server can prove. */
export interface VisitorSession {
  workspaceId: string;
  /** The customer the connection acts as (the root of any merges). */
  customerId: string;
  /** That customer and everyone merged into them: the conversations the visitor may see. */
  family: string[];
  anonymousId: string;
  /** Set only when proven with a userHash or identity token. */
  userId: string | null;
  verified: boolean;
}

const SESSION_TTL_MS = 12 * 3_600_000;
/** Touches read per hello: far more than fire within the pending window (caps allow a few a day). */
const RECENT_TOUCHES = 20;

/**
 * Opens visitor sessions: checks the write key and any identity proof, and finds (or creates,
 * through the ingestion pipeline, so identity resolution stays in one place) the customer.
 * Without a proof a visitor is only their anonymousId: they cannot claim a userId, and where the
 * workspace requires verification, an anonymousId that belongs to an identified customer is
 * refused rather than trusted.
 */
export class VisitorSessions {
  private readonly linkSecrets = new Map<string, string>();

  constructor(
    private readonly deps: { store: Store; credentials: Credentials; settings: ConversationSettingsReader; ingest: IngestService; ids: IdGenerator; clock: Clock },
  ) {}

  async open(hello: VisitorHello): Promise<VisitorSession> {
    const workspaceId = await this.deps.credentials.workspaceForWriteKey(hello.writeKey);
    const settings = await this.deps.settings.get(workspaceId);
    const userId = this.provenUserId(hello, settings.identitySecret);
    const anonymousId = hello.anonymousId;

    let customerId = userId ? null : await this.deps.store.findCustomerIdByIdentity(workspaceId, { kind: 'anon', value: anonymousId });
    if (customerId === null) {
      // Identify through ingestion: it links anonymousId and a proven userId like any tracked identify.
      await this.ingestIdentify(workspaceId, anonymousId, userId);
      customerId = await this.deps.store.findCustomerIdByIdentity(workspaceId, userId ? { kind: 'user', value: userId } : { kind: 'anon', value: anonymousId });
      // Ingestion drops events naming an erased person: such a visitor gets no profile back.
      if (customerId === null) throw new OmotenashiError('forbidden', 'this visitor cannot be identified: their data was erased at their request');
    }
    let customer = await this.deps.store.getCustomer(workspaceId, customerId);
    for (let i = 0; customer?.mergedInto && i < 32; i++) customer = await this.deps.store.getCustomer(workspaceId, customer.mergedInto);
    if (!customer) throw new Error(`customer ${customerId} vanished while opening a visitor session`);
    if (!userId && customer.userId !== null && settings.requireIdentityVerification) {
      throw new OmotenashiError('identity_proof_required', 'this browser belongs to a signed-in customer: send userId with its userHash or an identityToken');
    }
    const family = await customerFamily(this.deps.store, workspaceId, customer.id);
    return { workspaceId, customerId: customer.id, family, anonymousId, userId, verified: userId !== null };
  }

  /** The userId the hello proves, or null when it claims none. A claim without a valid proof is refused. */
  private provenUserId(hello: VisitorHello, secret: string | null): string | null {
    const claimed = hello.userId ?? null;
    if (claimed === null && !hello.identityToken) return null;
    if (!hello.userHash && !hello.identityToken) {
      throw new OmotenashiError('identity_proof_required', 'userId needs a proof: userHash (HMAC-SHA256 of the userId with the workspace identity secret) or identityToken');
    }
    if (secret === null) {
      throw new OmotenashiError('invalid_identity_proof', 'this workspace has no identity secret yet: create one (POST /api/v1/settings/identity-secret) and sign userIds with it');
    }
    if (hello.identityToken) {
      const r = verifyIdentityToken(secret, hello.identityToken, this.deps.clock.now());
      if (!r.ok) throw new OmotenashiError('invalid_identity_proof', `identityToken refused: ${r.reason.replace(/_/g, ' ')}`);
      if (claimed !== null && claimed !== r.userId) throw new OmotenashiError('invalid_identity_proof', 'identityToken is for another userId');
      return r.userId;
    }
    if (claimed === null || !verifyUserHash(secret, claimed, hello.userHash ?? '')) {
      throw new OmotenashiError('invalid_identity_proof', 'userHash does not match userId');
    }
    return claimed;
  }

  private ingestIdentify(workspaceId: string, anonymousId: string, userId: string | null): Promise<void> {
    return submitEvent(this.deps, workspaceId, { type: 'identify', anonymousId, ...(userId ? { userId } : {}) });
  }


  /** Tells the care loop the customer is talking to us (etiquette holds other touches meanwhile). */
  noteConversationActivity(s: VisitorSession, conversationId: string): Promise<void> {
    return submitEvent(this.deps, s.workspaceId, { type: 'track', event: 'Omotenashi Conversation Message', ...this.who(s), properties: { conversationId } });
  }

  /**
   * The address a visitor left to be answered by email: an identify with `traits.email`, as a
   * shop's own identify call would send it. Without a proven userId it is a weak claim, so it
   * is kept on this profile and never merges it with another customer's.
   */
  leaveContact(s: VisitorSession, email: string): Promise<void> {
    return submitEvent(this.deps, s.workspaceId, { type: 'identify', ...this.who(s), traits: { email } });
  }

  /**
   * The visitor's answer to an invitation or hint, recorded as the event the care loop reads
   * (it ends the ladder; a dismissal starts the cool-down). The playbook is looked up when the
   * connection that answers did not deliver the touch (it came before a reconnect).
   */
  async respondToTouch(s: VisitorSession, touchId: string, knownPlaybook: string | null, response: 'accepted' | 'dismissed'): Promise<void> {
    // Stored on the touch itself (first answer wins, only the visitor's own touch), and recorded
    // as an event as before: playbooks and etiquette read the answer from the timeline.
    const touch = await this.deps.store.recordTouchResponse(s.workspaceId, s.family.length ? s.family : [s.customerId], touchId, response, this.deps.clock.now());
    const playbook = knownPlaybook ?? touch?.playbookKey ?? null;
    await submitEvent(this.deps, s.workspaceId, {
      type: 'track', event: response === 'accepted' ? 'Omotenashi Touch Accepted' : 'Omotenashi Touch Dismissed', ...this.who(s),
      properties: { touchId, ...(playbook ? { playbook } : {}) },
    });
  }

  /**
   * The customer's touches that are still waiting for an answer (see pendingTouches): sent after
   * the welcome, so a touch that fired while the visitor had no socket open is not lost. Touches
   * go to the customer the session acts as, as live ones do (the bus routes them by that id).
   */
  async pendingTouches(s: VisitorSession): Promise<OnsiteMessageRecord[]> {
    const rows = await this.deps.store.listOnsiteMessages(s.workspaceId, s.customerId, RECENT_TOUCHES);
    return pendingTouches(rows, this.deps.clock.now());
  }

  /** How events name this visitor: their anonymousId, and a userId only when proven. */
  private who(s: VisitorSession): { anonymousId: string; userId?: string } {
    return { anonymousId: s.anonymousId, ...(s.userId ? { userId: s.userId } : {}) };
  }

  // ---- session tokens for the visitor's HTTP calls (attachments) ----------------------------

  async issueToken(s: VisitorSession): Promise<string> {
    const exp = this.deps.clock.now() + SESSION_TTL_MS;
    const body = `${s.workspaceId}.${s.customerId}.${exp}`;
    return `vst.${body}.${this.sign((await this.linkSecret(s.workspaceId))!, body)}`;
  }

  /** The workspace and customer a visitor token names, if it is genuine and unexpired. */
  async verifyToken(token: string): Promise<{ workspaceId: string; customerId: string; family: string[] }> {
    const parts = token.split('.');
    const bad = () => new OmotenashiError('unauthorized', 'the visitor token is invalid or expired; reconnect to get a new one');
    if (parts.length !== 5 || parts[0] !== 'vst') throw bad();
    const [, workspaceId, customerId, expRaw, sig] = parts as [string, string, string, string, string];
    if (!/^[\w-]{1,80}$/.test(workspaceId)) throw bad();
    const secret = await this.linkSecret(workspaceId, false);
    if (secret === null) throw bad();
    const expected = this.sign(secret, `${workspaceId}.${customerId}.${expRaw}`);
    const a = Buffer.from(sig);
    const b = Buffer.from(expected);
    if (a.length !== b.length || !timingSafeEqual(a, b) || Number(expRaw) <= this.deps.clock.now()) throw bad();
    return { workspaceId, customerId, family: await customerFamily(this.deps.store, workspaceId, customerId) };
  }

  /** A signed link token (satisfaction survey links): `<payload>.<signature>`. */
  async signLink(workspaceId: string, payload: string): Promise<string> {
    return `${payload}.${this.sign((await this.linkSecret(workspaceId))!, payload)}`;
  }

  async verifyLink(workspaceId: string, token: string): Promise<string | null> {
    const dot = token.lastIndexOf('.');
    if (dot < 1) return null;
    const payload = token.slice(0, dot);
    const secret = await this.linkSecret(workspaceId, false);
    if (secret === null) return null;
    const expected = Buffer.from(this.sign(secret, payload));
    const got = Buffer.from(token.slice(dot + 1));
    return got.length === expected.length && timingSafeEqual(got, expected) ? payload : null;
  }

  private sign(secret: string, body: string): string {
    return createHmac('sha256', secret).update(body).digest('base64url');
  }

  /**
   * A per-workspace server secret (kept in settings, so every process and restart agrees).
   * Only issuing creates it; verifying never does, so forged tokens naming made-up workspaces
   * cost one read and leave nothing behind.
   */
  private async linkSecret(workspaceId: string, create = true): Promise<string | null> {
    const hit = this.linkSecrets.get(workspaceId);
    if (hit) return hit;
    const doc = await this.deps.store.getWorkspaceSettings(workspaceId);
    if (typeof doc['linkSecret'] === 'string') {
      this.remember(workspaceId, doc['linkSecret']);
      return doc['linkSecret'];
    }
    if (!create || !(await this.deps.store.getWorkspace(workspaceId))) return null;
    const secret = randomBytes(32).toString('base64url');
    // Read-modify-write inside a transaction, so a concurrent settings change in this process is not lost.
    const stored = await this.deps.store.transaction(async (tx) => {
      const fresh = await tx.getWorkspaceSettings(workspaceId);
      if (typeof fresh['linkSecret'] === 'string') return fresh['linkSecret'];
      await tx.setWorkspaceSettings(workspaceId, { ...fresh, linkSecret: secret });
      return secret;
    });
    this.remember(workspaceId, stored);
    return stored;
  }

  private remember(workspaceId: string, secret: string): void {
    if (this.linkSecrets.size > 10_000) this.linkSecrets.clear();
    this.linkSecrets.set(workspaceId, secret);
  }
}
