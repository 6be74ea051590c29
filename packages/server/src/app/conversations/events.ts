import type { Presence, SlaState } from '@omotenashi/protocol';
import type { ConversationRecord, MessageRecord, SlaTargetName } from '../../ports/conversation-store.js';

/**
 * What the conversation layer publishes on the Bus after a commit. The realtime transport
 * routes these to visitor and operator sockets; it never reads storage itself.
 */
export const TOPICS = {
  conversation: 'conversation',
  typing: 'typing',
  read: 'read',
  presence: 'presence',
  sla: 'sla',
} as const;

export type ConversationChange =
  | { kind: 'created'; workspaceId: string; conversation: ConversationRecord }
  | { kind: 'updated'; workspaceId: string; conversation: ConversationRecord; changes: string[] }
  | { kind: 'message'; workspaceId: string; conversation: ConversationRecord; message: MessageRecord };

export interface TypingSignal {
  workspaceId: string; customerId: string; conversationId: string; typing: boolean;
  author: 'customer' | 'operator'; operatorId: string | null; name: string | null;
}
export interface ReadSignal { workspaceId: string; customerId: string; conversationId: string; seq: number; by: 'customer' | 'operator' }
export interface PresenceSignal { workspaceId: string; operatorId: string; presence: Presence }
export interface SlaSignal { workspaceId: string; conversation: ConversationRecord; target: SlaTargetName; kind: 'warning' | 'breached'; state: SlaState }
