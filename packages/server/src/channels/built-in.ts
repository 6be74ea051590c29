import type { ChannelName } from '@omotenashi/protocol';
import type { Channel } from '../ports/channel.js';

/**
 * Web chat: the widget's WebSocket. Messages reach the visitor through the Bus and the
 * realtime layer (which resumes from the last seen seq), so delivery here is immediate.
 * Nothing arrives over HTTP webhooks, so inbound verification refuses everything.
 */
export const webchatChannel: Channel = {
  name: 'webchat',
  capabilities: { realtime: true, typing: true, readReceipts: true, attachments: true, replyWindowMs: null },
  verifyInbound: () => false,
  parseInbound: () => [],
  deliver: async () => 'sent',
};

/**
 * The api channel: mobile apps and custom front ends that start conversations through
 * `POST /api/v1/conversations` and hear replies from the `message.created` webhook (or the
 * realtime client). The outbox delivers the webhook; the channel itself has nothing to send.
 */
export const apiChannel: Channel = {
  name: 'api',
  capabilities: { realtime: false, typing: false, readReceipts: true, attachments: true, replyWindowMs: null },
  verifyInbound: () => false,
  parseInbound: () => [],
  deliver: async () => 'sent',
};

export const BUILT_IN_CHANNELS: Record<ChannelName, Channel> = { webchat: webchatChannel, api: apiChannel };
