/**
 * Per-customer memory of the care loop, stored beside the profile (one document, written in
 * the same upsert, so evaluation adds no extra reads or writes on the ingestion hot path).
 * Everything is bounded: old touches and hits are dropped as they age out of any window.
 */
export interface PlaybookMemory {
  /** repetition: times of recent matching events (at most `count`). */
  hits?: number[];
  /** sequence: when the first event last matched. */
  firstAt?: number;
  /** threshold: the fact's value after the previous event (to see a crossing). */
  lastValue?: number;
  /** date: the moment date the pending timer was computed for. */
  dateFor?: string;
  /** A dwell/absence/date/ladder timer is pending under this key. */
  timerKey?: string;
  /** The active three-cups ladder. */
  ladder?: { runId: string; step: number; startedAt: number };
  lastFiredAt?: number;
  /** The customer declined (dismissed) this playbook's touch. */
  declinedAt?: number;
  acceptedAt?: number;
}

/** One proactive touch on the etiquette ledger. */
export interface Touch {
  at: number;
  playbook: string;
  purpose: 'service' | 'marketing';
  channel: 'onsite' | 'away' | 'staff';
}

export interface CareState {
  playbooks: Record<string, PlaybookMemory>;
  /** The etiquette ledger: recent touches (bounded to the last 7 days, at most 100). */
  touches: Touch[];
  /** Last time the customer dismissed any touch (workspace-wide cool-down). */
  dismissedAt?: number;
  /** "Don't interrupt" states, each until a time. */
  typingUntil?: number;
  inConversationUntil?: number;
}

export function emptyCareState(): CareState {
  return { playbooks: {}, touches: [] };
}
