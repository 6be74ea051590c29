import type {
  AttachmentRef, AuthorType, BusinessHours, ChannelName, ConversationStatus, MessageKind, Presence, Priority, SlaState,
} from '@omotenashi/protocol';

export type SlaTargetName = 'first_response' | 'next_response' | 'resolution';
/** One running target: when it is breached, and when to warn that it soon will be. */
export interface SlaTarget { dueAt: number; warnAt: number }
/** What the service-level monitor remembers of a conversation (stored as JSON beside it). */
export interface SlaTrack {
  first_response: SlaTarget | null;
  next_response: SlaTarget | null;
  resolution: SlaTarget | null;
  /** Targets already warned about / breached in their current run, so each alert goes out once. */
  warned: SlaTargetName[];
  breaches: SlaTargetName[];
}

export interface ConversationRecord {
  id: string; workspaceId: string; customerId: string; channel: ChannelName; status: ConversationStatus;
  snoozedUntil: number | null; assigneeId: string | null; team: string | null; priority: Priority; labels: string[];
  lastSeq: number; lastMessageAt: number | null; preview: string | null; waitingSince: number | null;
  firstResponseAt: number | null; resolvedAt: number | null;
  slaPolicyId: string | null; slaState: SlaState;
  /** When the SLA monitor must next look at this conversation (null: nothing running). */
  slaCheckAt: number | null;
  sla: SlaTrack;
  csatScore: number | null; csatComment: string | null; csatAt: number | null;
  customerReadSeq: number; operatorReadSeq: number;
  /** Sort key of the inbox: the latest message, or creation. */
  activityAt: number;
  createdAt: number; updatedAt: number;
}

export interface MessageRecord {
  id: string; workspaceId: string; conversationId: string; customerId: string; seq: number; kind: MessageKind;
  authorType: AuthorType; authorId: string | null; authorName: string | null; text: string; attachments: AttachmentRef[];
  channel: ChannelName;
  /** Who sent it, for idempotency: `customer:<customerId>`, `operator:<operatorId>`, `token:<tokenId>`, `system`. */
  senderKey: string;
  clientMessageId: string | null; createdAt: number;
}

export interface AttachmentRecord {
  id: string; workspaceId: string; customerId: string; conversationId: string | null; messageId: string | null;
  uploaderType: 'customer' | 'operator'; uploaderId: string; fileName: string; contentType: string; size: number; createdAt: number;
}

export interface SlaPolicyRecord {
  id: string; workspaceId: string; name: string; channel: ChannelName | null; priority: Priority | null;
  firstResponseMinutes: number; nextResponseMinutes: number | null; resolutionMinutes: number | null;
  businessHours: BusinessHours | null; createdAt: number;
}

export interface SnippetRecord { id: string; workspaceId: string; shortcut: string; title: string; body: string; createdAt: number; updatedAt: number }
export interface WebhookSubscriptionRecord { id: string; workspaceId: string; url: string; events: string[]; createdAt: number }

/** Filters of the inbox list; every one optional. `assigneeId: null` means unassigned. */
export interface ConversationFilter {
  status?: ConversationStatus;
  assigneeId?: string | null;
  team?: string;
  channel?: ChannelName;
  priority?: Priority;
  slaState?: SlaState;
}
export interface ConversationCursor { activityAt: number; id: string }
/** A position in a conversation's messages, notes included (they share their message's seq). */
export interface MessageCursor { seq: number; createdAt: number; id: string }

export type ConversationPatch = Partial<Omit<ConversationRecord, 'id' | 'workspaceId' | 'customerId' | 'createdAt'>>;

/**
 * Storage of conversations. Every method takes the workspace id and scopes by it. Writes that
 * belong together (message + conversation + counters) are done by the caller in one
 * `store.transaction`.
 */
export interface ConversationStoreOps {
  insertConversation(c: ConversationRecord): Promise<void>;
  getConversation(workspaceId: string, id: string): Promise<ConversationRecord | null>;
  /**
   * Reads a conversation for change inside a transaction: on PostgreSQL the row is locked
   * (`FOR UPDATE`) until the transaction ends; SQLite transactions are serial already.
   */
  lockConversation(workspaceId: string, id: string): Promise<ConversationRecord | null>;
  updateConversation(workspaceId: string, id: string, patch: ConversationPatch): Promise<void>;
  /** Newest activity first, keyset-paged after `after`. */
  listConversations(workspaceId: string, filter: ConversationFilter, page: { after: ConversationCursor | null; limit: number }): Promise<ConversationRecord[]>;
  /** The customer's conversations, newest first. */
  conversationsOfCustomers(workspaceId: string, customerIds: string[], limit: number): Promise<ConversationRecord[]>;

  insertMessage(m: MessageRecord): Promise<void>;
  getMessage(workspaceId: string, id: string): Promise<MessageRecord | null>;
  findMessageByClientId(workspaceId: string, senderKey: string, clientMessageId: string): Promise<MessageRecord | null>;
  /** Messages with seq > afterSeq, in order; notes only when `includeNotes`. */
  listMessages(workspaceId: string, conversationId: string, opts: { afterSeq: number; after?: MessageCursor | null; limit: number; includeNotes: boolean }): Promise<MessageRecord[]>;
  /**
   * One continuous thread across the customers' conversations and channels, newest first,
   * keyset-paged on (createdAt, id) before the cursor.
   */
  customerThread(workspaceId: string, customerIds: string[], opts: { before: { createdAt: number; id: string } | null; limit: number; includeNotes: boolean }): Promise<MessageRecord[]>;

  /** Adds the deltas to the workspace's counters (creating them at 0). */
  adjustCounts(workspaceId: string, deltas: Record<string, number>): Promise<void>;
  /** Counters by key; missing keys are absent (read as 0). `prefix` returns every key starting with it. */
  getCounts(workspaceId: string, query: { keys?: string[]; prefix?: string }): Promise<Record<string, number>>;

  /**
   * Open conversations whose customer wrote last (waitingSince set): how many, and the `limit`
   * that have waited longest, oldest first. Seeks an index on (workspace, status, waitingSince).
   */
  waitingConversations(workspaceId: string, limit: number): Promise<{ count: number; longest: ConversationRecord[] }>;

  /** Conversations whose SLA check time has come, oldest first (any workspace). */
  slaDue(before: number, limit: number): Promise<ConversationRecord[]>;

  insertAttachment(a: AttachmentRecord, data: Buffer): Promise<void>;
  getAttachment(workspaceId: string, id: string): Promise<AttachmentRecord | null>;
  getAttachmentData(workspaceId: string, id: string): Promise<Buffer | null>;
  /** Uploads of this uploader that no message carries yet. */
  countUnsentAttachments(workspaceId: string, uploaderId: string): Promise<number>;
  /** Binds uploaded, unsent attachments to a message; returns how many were bound. */
  bindAttachments(workspaceId: string, ids: string[], conversationId: string, messageId: string): Promise<number>;

  insertSlaPolicy(p: SlaPolicyRecord): Promise<void>;
  listSlaPolicies(workspaceId: string): Promise<SlaPolicyRecord[]>;
  getSlaPolicy(workspaceId: string, id: string): Promise<SlaPolicyRecord | null>;
  deleteSlaPolicy(workspaceId: string, id: string): Promise<boolean>;

  insertSnippet(s: SnippetRecord): Promise<void>;
  updateSnippet(workspaceId: string, id: string, patch: Partial<Pick<SnippetRecord, 'shortcut' | 'title' | 'body' | 'updatedAt'>>): Promise<boolean>;
  listSnippets(workspaceId: string): Promise<SnippetRecord[]>;
  deleteSnippet(workspaceId: string, id: string): Promise<boolean>;

  insertWebhookSubscription(s: WebhookSubscriptionRecord): Promise<void>;
  listWebhookSubscriptions(workspaceId: string): Promise<WebhookSubscriptionRecord[]>;
  deleteWebhookSubscription(workspaceId: string, id: string): Promise<boolean>;

  setOperatorRouting(workspaceId: string, operatorId: string, patch: { teams?: string[]; capacity?: number; presence?: Presence }): Promise<boolean>;
  /** The team's round-robin position; call inside the assigning transaction (it locks the row on PostgreSQL). */
  getAssignmentCursor(workspaceId: string, team: string): Promise<string | null>;
  setAssignmentCursor(workspaceId: string, team: string, operatorId: string): Promise<void>;
}
