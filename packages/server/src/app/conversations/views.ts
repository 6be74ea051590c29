import type { Conversation, Message, VisitorConversation } from '@omotenashi/protocol';
import type { ConversationRecord, MessageRecord } from '../../ports/conversation-store.js';

/** The API shape of a conversation (operators' view). */
export function conversationView(c: ConversationRecord): Conversation {
  const running = (['first_response', 'next_response', 'resolution'] as const)
    .map((t) => ({ t, due: c.sla[t]?.dueAt ?? null }))
    .filter((x): x is { t: typeof x.t; due: number } => x.due !== null)
    .sort((a, b) => a.due - b.due)[0];
  return {
    id: c.id, customerId: c.customerId, channel: c.channel, status: c.status, snoozedUntil: c.snoozedUntil,
    assigneeId: c.assigneeId, team: c.team, priority: c.priority, labels: c.labels, lastSeq: c.lastSeq,
    lastMessageAt: c.lastMessageAt, preview: c.preview, waitingSince: c.waitingSince, firstResponseAt: c.firstResponseAt,
    resolvedAt: c.resolvedAt,
    sla: {
      policyId: c.slaPolicyId, state: c.slaState, dueAt: running?.due ?? null, target: running?.t ?? null,
      firstResponseDueAt: c.sla.first_response?.dueAt ?? null, nextResponseDueAt: c.sla.next_response?.dueAt ?? null,
      resolutionDueAt: c.sla.resolution?.dueAt ?? null, breaches: c.sla.breaches,
    },
    csat: c.csatScore === null ? null : { score: c.csatScore, comment: c.csatComment, at: c.csatAt ?? c.updatedAt },
    createdAt: c.createdAt, updatedAt: c.updatedAt,
  };
}

/** What a visitor may see of a conversation: no assignee, labels, SLA or notes. */
export function visitorConversationView(c: ConversationRecord): VisitorConversation {
  return {
    id: c.id, status: c.status, lastSeq: c.lastSeq, operatorReadSeq: c.operatorReadSeq,
    csatRequested: c.status === 'resolved' && c.csatScore === null, createdAt: c.createdAt,
  };
}

/**
 * A message as the given party sees it. Visitors never receive notes (the caller filters
 * them out) and never see customer ids.
 */
export function messageView(m: MessageRecord, viewer: 'operator' | 'visitor'): Message {
  return {
    id: m.id, conversationId: m.conversationId, seq: m.seq, kind: m.kind,
    author: { type: m.authorType, id: viewer === 'visitor' && m.authorType === 'customer' ? null : m.authorId, name: m.authorName },
    text: m.text, attachments: m.attachments, channel: m.channel, clientMessageId: m.clientMessageId, createdAt: m.createdAt,
  };
}
