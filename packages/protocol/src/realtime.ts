import type { Conversation, ConversationCounts, Message, Presence } from './conversations.js';

/**
 * The realtime protocol: JSON text frames over one WebSocket. Visitors connect to
 * `/v1/realtime`, operators to `/api/v1/realtime`. The first frame must be `hello`; the server
 * answers `welcome` or `error` and closes. See docs/realtime-protocol.md.
 */
export const REALTIME_PROTOCOL_VERSION = 1;

/** WebSocket close codes the server uses (4000–4999 are application codes). */
export const CLOSE_CODES = {
  /** The hello was refused (bad key, missing or invalid identity proof). Do not retry unchanged. */
  unauthorized: 4001,
  /** No hello within the deadline, or a frame that is not the protocol. */
  protocolError: 4002,
  /** The client did not keep up (too many frames buffered). Reconnect and resume. */
  tooSlow: 4008,
  /** The server is restarting. Reconnect and resume. */
  goingAway: 1001,
} as const;

// ---- visitor → server --------------------------------------------------------------------------

export interface VisitorHello {
  type: 'hello';
  v: 1;
  writeKey: string;
  anonymousId: string;
  /** Claimed only with a proof: `userHash` = hex HMAC-SHA256(userId) with the workspace's identity secret … */
  userId?: string;
  userHash?: string;
  /** … or a short-lived HS256 token `{ sub: userId, email?, exp }` signed with that secret. */
  identityToken?: string;
  /** Last seq seen per conversation: the server sends what came after (resume). */
  lastSeen?: Record<string, number>;
  /** Page the visitor is on (for the operator's context). */
  page?: { url: string; title?: string };
  locale?: string;
}

export interface VisitorSend {
  type: 'message';
  /** The client's own id: a retry with the same id is answered with the original message. */
  clientMessageId: string;
  /** Omitted: the visitor's open conversation, or a new one. */
  conversationId?: string;
  text: string;
  attachmentIds?: string[];
}

export interface TypingFrame { type: 'typing'; conversationId: string; typing: boolean }
export interface ReadFrame { type: 'read'; conversationId: string; seq: number }
export interface InvitationResponse { type: 'invitation.response'; touchId: string; response: 'accepted' | 'dismissed' }
export interface CsatFrame { type: 'csat'; conversationId: string; score: 1 | 2 | 3 | 4 | 5; comment?: string }
export interface PingFrame { type: 'ping'; id?: string }
/**
 * The address a visitor leaves to be answered by email (the offline form). Sent over the
 * socket, not through the tracker: it is the service the visitor asked for, so it does not wait
 * for analytics consent. Stored as an unverified email on the visitor's profile.
 */
export interface ContactFrame { type: 'contact'; email: string }

export type VisitorFrame = VisitorHello | VisitorSend | TypingFrame | ReadFrame | InvitationResponse | CsatFrame | ContactFrame | PingFrame;

// ---- server → visitor --------------------------------------------------------------------------

/** What a visitor may see of a conversation (no notes, no internal fields). */
export interface VisitorConversation {
  id: string;
  status: Conversation['status'];
  lastSeq: number;
  /** Seq the operators have read up to. */
  operatorReadSeq: number;
  csatRequested: boolean;
  createdAt: number;
}

export interface Welcome {
  type: 'welcome';
  v: 1;
  /** Opaque id of this connection (for logs). */
  sessionId: string;
  /** True when the visitor's claimed identity was proven. */
  verified: boolean;
  /**
   * Bearer token for this visitor's HTTP calls (attachment upload and download), valid for 12
   * hours. Send as `Authorization: Bearer …` to `/v1/attachments`.
   */
  sessionToken: string;
  conversations: VisitorConversation[];
  /** Someone is online to answer now (the widget shows "we reply by email within …" otherwise). */
  operatorsOnline: boolean;
  /** Target for a first answer when nobody is online, in minutes. */
  replyWithinMinutes: number;
  serverTime: number;
}

export interface Ack { type: 'ack'; clientMessageId: string; message: Message; duplicate: boolean }
export interface MessageFrame { type: 'message'; message: Message }
export interface ConversationFrame { type: 'conversation'; conversation: VisitorConversation }
export interface ServerTyping { type: 'typing'; conversationId: string; typing: boolean; name: string | null }
export interface ServerRead { type: 'read'; conversationId: string; seq: number }
/** Who an invitation comes from (the widget shows the name, and the photo or initials). */
export interface InvitationSender { name: string; avatarUrl: string | null }
export interface InvitationFrame {
  type: 'invitation';
  touchId: string;
  kind: 'hint' | 'invite';
  playbook: string;
  content: unknown;
  /** Invitations only: an operator online now, else any operator of the workspace; null when it has none. */
  from?: InvitationSender | null;
}
export interface PongFrame { type: 'pong'; id?: string; serverTime: number }
export interface ErrorFrame {
  type: 'error';
  code: string;
  message: string;
  /** The clientMessageId or frame type the error answers, if any. */
  ref?: string;
}

export type VisitorServerFrame = Welcome | Ack | MessageFrame | ConversationFrame | ServerTyping | ServerRead | InvitationFrame | PongFrame | ErrorFrame;

// ---- operator ↔ server -------------------------------------------------------------------------

export interface OperatorHello { type: 'hello'; v: 1; token: string; presence?: Presence }
export interface PresenceFrame { type: 'presence'; presence: Presence }
export type OperatorFrame = OperatorHello | PresenceFrame | TypingFrame | ReadFrame | PingFrame;

export interface OperatorWelcome {
  type: 'welcome';
  v: 1;
  sessionId: string;
  operatorId: string | null;
  workspaceId: string;
  counts: ConversationCounts;
  presence: Record<string, Presence>;
  serverTime: number;
}

/** Everything an inbox needs to stay live. */
export type InboxEvent =
  | { type: 'conversation.created'; conversation: Conversation }
  | { type: 'conversation.updated'; conversation: Conversation; changes: string[] }
  | { type: 'message.created'; conversation: Conversation; message: Message }
  | { type: 'counts'; counts: ConversationCounts }
  | { type: 'presence'; operatorId: string; presence: Presence }
  | { type: 'typing'; conversationId: string; typing: boolean; author: 'customer' | 'operator'; operatorId?: string }
  | { type: 'read'; conversationId: string; seq: number; by: 'customer' }
  | { type: 'sla.warning' | 'sla.breached'; conversation: Conversation; target: 'first_response' | 'next_response' | 'resolution' }
  | VisitorActivityFrame;

/**
 * A shopper of the workspace opened a page (their current page changed): at most one per
 * customer per second per connection, the latest page. `at` is when they opened it (epoch ms).
 */
export interface VisitorActivityFrame {
  type: 'visitor.activity';
  customerId: string;
  page: { path: string | null; title: string | null; url: string | null };
  at: number;
}

export type OperatorServerFrame = OperatorWelcome | InboxEvent | PongFrame | ErrorFrame;
