import type { ChannelName } from '@omotenashi/protocol';
import type { ConversationRecord, MessageRecord } from './conversation-store.js';

/** What a channel can do; the inbox adapts (e.g. no typing indicator on email). */
export interface ChannelCapabilities {
  realtime: boolean;
  typing: boolean;
  readReceipts: boolean;
  attachments: boolean;
  /** How long after the customer's last message a reply may be sent (social channels), or null. */
  replyWindowMs: number | null;
}

export interface InboundMessage {
  /** How the channel names the customer (email address, phone, page-scoped id…). */
  from: { kind: string; value: string };
  text: string;
  externalId: string;
  at: number;
}

export type DeliveryStatus = 'sent' | 'delivered' | 'failed';

/**
 * One messaging channel. webchat and api are built in; email and social channels implement
 * the same port (verify and parse what their provider posts to us, send replies out) without
 * touching the conversation core.
 */
export interface Channel {
  readonly name: ChannelName;
  readonly capabilities: ChannelCapabilities;
  /** Checks an inbound request really comes from the provider (signature, token). */
  verifyInbound(headers: Record<string, string | string[] | undefined>, rawBody: Buffer): boolean;
  parseInbound(rawBody: Buffer): InboundMessage[];
  /** Sends an operator's message to the customer; called after the message is committed. */
  deliver(conversation: ConversationRecord, message: MessageRecord): Promise<DeliveryStatus>;
}
