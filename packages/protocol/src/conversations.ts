/**
 * Conversations: the shapes the REST API, the realtime protocol and webhooks share.
 * Times are epoch milliseconds; ids carry their kind as a prefix (`cnv_…`, `msg_…`).
 */

export const CONVERSATION_STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Channels built now; email and social channels slot in behind the same port later. */
export const CHANNELS = ['webchat', 'api'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export const AUTHOR_TYPES = ['customer', 'operator', 'system'] as const;
export type AuthorType = (typeof AUTHOR_TYPES)[number];

/** `text` is seen by everyone; a `note` is internal (operators only, never sent to the customer). */
export const MESSAGE_KINDS = ['text', 'note'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** How a conversation stands against its service-level targets. */
export const SLA_STATES = ['none', 'ok', 'at_risk', 'breached'] as const;
export type SlaState = (typeof SLA_STATES)[number];

export const PRESENCES = ['online', 'away', 'offline'] as const;
export type Presence = (typeof PRESENCES)[number];

export const CONVERSATION_LIMITS = {
  /** Characters of one message's text (Markdown source). */
  messageChars: 10_000,
  clientMessageIdLength: 100,
  labelLength: 50,
  labels: 20,
  teamLength: 50,
  /** Bytes of one attachment. */
  attachmentBytes: 10 * 1024 * 1024,
  attachmentsPerMessage: 10,
  /** Uploads a visitor may hold that no message has carried yet (stops a write key being used as free storage). */
  unsentUploads: 20,
  fileNameLength: 200,
  csatCommentChars: 2_000,
  /** Characters of an email address a visitor leaves (RFC 5321's path limit). */
  contactEmailChars: 254,
  snippetBodyChars: 5_000,
  snippetShortcutLength: 40,
  /** Rows per page of any list. */
  pageSize: 100,
} as const;

/** Attachment types accepted; the type is sniffed from the bytes, never taken from the client. */
export const ATTACHMENT_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

export interface AttachmentRef {
  id: string;
  fileName: string;
  contentType: AttachmentType;
  size: number;
}

export interface Author {
  type: AuthorType;
  /** Operator id for operators, customer id for customers (operators' view only), null for system. */
  id: string | null;
  /** Display name: the operator's name (operators answer as people), the customer's name, or null. */
  name: string | null;
}

export interface Message {
  id: string;
  conversationId: string;
  /**
   * Gap-free, starting at 1, over the messages the customer sees. An internal note carries the
   * seq of the message it follows (so several messages can share a seq, but only one text).
   */
  seq: number;
  kind: MessageKind;
  author: Author;
  /** Markdown source (safe subset: emphasis, code, links, lists; no HTML, no images). */
  text: string;
  attachments: AttachmentRef[];
  channel: ChannelName;
  /** The sender's own id for the message, if it gave one (retries with it are answered with this message). */
  clientMessageId: string | null;
  createdAt: number;
}

export interface SlaSummary {
  policyId: string | null;
  state: SlaState;
  /** The earliest target still running, or null. */
  dueAt: number | null;
  /** Which target `dueAt` belongs to. */
  target: 'first_response' | 'next_response' | 'resolution' | null;
  firstResponseDueAt: number | null;
  nextResponseDueAt: number | null;
  resolutionDueAt: number | null;
  breaches: ('first_response' | 'next_response' | 'resolution')[];
}

export interface Csat { score: number; comment: string | null; at: number }

export interface Conversation {
  id: string;
  customerId: string;
  channel: ChannelName;
  status: ConversationStatus;
  snoozedUntil: number | null;
  assigneeId: string | null;
  team: string | null;
  priority: Priority;
  labels: string[];
  /** Seq of the latest message (0 for none). */
  lastSeq: number;
  lastMessageAt: number | null;
  /** First 140 characters of the latest visible message. */
  preview: string | null;
  /** When the customer started waiting for an answer (null when nobody is waiting). */
  waitingSince: number | null;
  firstResponseAt: number | null;
  resolvedAt: number | null;
  sla: SlaSummary;
  csat: Csat | null;
  createdAt: number;
  updatedAt: number;
}

/** Counts maintained on every change (never COUNT(*) per request). */
export interface ConversationCounts {
  byStatus: Record<ConversationStatus, number>;
  /** For the status asked about (default open): the caller's, nobody's, and per-team. */
  mine: number;
  unassigned: number;
  byTeam: Record<string, number>;
}

export interface ConversationPage {
  conversations: Conversation[];
  /** Pass as `cursor` for the next page; null at the end. */
  nextCursor: string | null;
  counts: ConversationCounts;
}

export interface BusinessHours {
  /** IANA zone the hours are in, e.g. `Asia/Tokyo`. */
  timeZone: string;
  /** Per weekday (0 = Sunday … 6 = Saturday): open intervals as `HH:MM` pairs; missing day = closed. */
  week: Partial<Record<'0' | '1' | '2' | '3' | '4' | '5' | '6', [string, string][]>>;
}

export interface SlaPolicy {
  id: string;
  name: string;
  /** Applies to this channel only (null = any). */
  channel: ChannelName | null;
  /** Applies to this priority only (null = any). */
  priority: Priority | null;
  firstResponseMinutes: number;
  nextResponseMinutes: number | null;
  resolutionMinutes: number | null;
  /** Null: the clock runs around the clock. */
  businessHours: BusinessHours | null;
  createdAt: number;
}

export interface Snippet {
  id: string;
  shortcut: string;
  title: string;
  /** Markdown with `{{first_name}}`, `{{greeting}}`, `{{last_order_number}}`, `{{operator_name}}`. */
  body: string;
  createdAt: number;
  updatedAt: number;
}

export const WEBHOOK_EVENTS = [
  'conversation.created',
  'conversation.updated',
  'message.created',
  'sla.warning',
  'sla.breached',
  'csat.received',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
