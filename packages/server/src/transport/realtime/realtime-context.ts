import type { InvitationFrame } from '@omotenashi/protocol';
import type { Credentials } from '../../app/credentials.js';
import type { Conversations } from '../../app/conversations/conversations.js';
import type { TypingSignal } from '../../app/conversations/events.js';
import type { OperatorPresence } from '../../app/conversations/presence.js';
import type { VisitorSession, VisitorSessions } from '../../app/conversations/visitor-sessions.js';
import type { IdGenerator } from '../../platform/ids.js';
import type { Clock } from '../../ports/clock.js';
import type { ConnectionRegistry } from './connection-registry.js';

/** What a connection may use: app services and the registry, never storage. */
export interface RealtimeContext {
  clock: Clock;
  ids: IdGenerator;
  registry: ConnectionRegistry;
  sessions: VisitorSessions;
  conversations: Conversations;
  credentials: Credentials;
  presence: OperatorPresence;
  onError(err: unknown): void;
  typing(signal: TypingSignal): void;
  /** Minutes within which the workspace promises a first answer (shown when nobody is online). */
  replyTarget(workspaceId: string): Promise<number>;
  respondToTouch(session: VisitorSession, touchId: string, playbook: string | null, response: 'accepted' | 'dismissed'): Promise<void>;
  /** The customer's touches still waiting for an answer, as frames (sent after the welcome). */
  pendingInvitations(session: VisitorSession): Promise<InvitationFrame[]>;
}
