/**
 * Shapes the console reads. Conversation and message shapes come from the protocol package;
 * the rest mirror docs/api.md. Fields the console only displays are optional, because the
 * console must survive a server that adds or omits them.
 */
export type {
  Conversation, ConversationCounts, ConversationPage, Message, AttachmentRef, Presence,
} from '@omotenashi/protocol';
import type { Presence } from '@omotenashi/protocol';

export interface OperatorInfo {
  id: string;
  email: string;
  name: string;
  role: 'agent' | 'admin' | 'owner';
  workspaceId?: string;
  /** Photo shown to shoppers in invitations and in the top bar; null: initials. */
  avatarUrl?: string | null;
}

export interface OperatorRow extends OperatorInfo {
  presence?: Presence;
  teams?: string[];
  disabled?: boolean;
}

export interface PageVisit { url: string | null; path: string | null; title: string | null; name: string | null; at: number }

export interface CustomerView {
  id: string;
  userId: string | null;
  createdAt: string;
  identities: { kind: string; value: string; verified: boolean }[];
  profile: {
    traits?: Record<string, unknown>;
    firstSeen?: number;
    lastSeen?: number;
    session?: { count?: number; startedAt?: number | null; lastActivityAt?: number | null; pages?: PageVisit[]; currentPage?: PageVisit | null };
    recentProducts?: { productId: string; name: string | null; price: number | null; currency: string | null; at: number }[];
    cart?: { items?: { productId: string; name: string | null; price: number; quantity: number }[]; value?: number; currency?: string | null; checkoutStartedAt?: number | null };
    orders?: { count?: number; lifetimeValue?: number; currency?: string | null; recent?: { orderId: string; total: number; currency: string | null; status: string; placedAt: number; itemCount: number }[] };
    device?: { type?: string | null; browser?: string | null; os?: string | null };
    language?: string | null;
    location?: { country?: string | null; region?: string | null; city?: string | null; timezone?: string | null };
    journey?: { stage: string; since: number };
    consent?: { categories?: Record<string, boolean>; updatedAt?: number | null };
    channels?: Record<string, boolean>;
  };
  insights?: {
    localTime?: { timezone: string; iso: string; hour: number; minute: number; weekday: string; utcOffsetMinutes: number } | null;
    moments?: { kind: string; trait: string; date: string; nextOccurrence: string | null; daysUntil: number | null }[];
    sessionActive?: boolean;
    timeOnPageMs?: number | null;
  };
}

/** A playbook's decision about a customer, as GET /api/v1/customers/:id/decisions returns it. */
export type { DecisionView as Decision } from '@omotenashi/protocol';

export interface CareItem {
  id: string;
  customerId: string;
  decisionId: string | null;
  playbookKey: string | null;
  title: string;
  priority: string;
  status: 'open' | 'claimed' | 'resolved';
  claimedBy: string | null;
  claimedAt: string | null;
  resolvedAt: string | null;
  resolution: string | null;
  createdAt: string;
  context: {
    explanation?: { summary?: string };
    customer?: { name?: string | null; email?: string | null; currentPage?: string | null; cartValue?: number | null; cartCurrency?: string | null; orders?: number; journeyStage?: string | null; timezone?: string | null };
    reason?: string;
    conversationId?: string;
    score?: number;
    comment?: string | null;
    note?: string;
  };
  team?: string | null;
  owner?: string | null;
  dueAt?: string | null;
}

export interface PlaybookRow {
  id: string;
  key: string;
  version: number;
  enabled: boolean;
  updatedAt: string;
  definition: Record<string, unknown> & { name?: string; purpose?: string; description?: string };
  outcomes?: { fired: number; heldBack: number; byReason: Record<string, number> };
}

export interface SnippetSuggestion { id: string; shortcut: string; title: string; text: string; missing: string[] }

export interface Touch { id: string; kind: string; playbookKey: string; content: Record<string, unknown>; createdAt: string }
