/**
 * The dashboard's reports as the server returns them: GET /api/v1/reports/playbooks and
 * GET /api/v1/reports/conversations. The server builds them; the console draws them.
 */

export const FUNNEL_STAGES = ['fired', 'shown', 'dismissed', 'engaged', 'resolved', 'purchased'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/** One playbook's funnel over the period, and its held-back decisions by reason code. */
export type PlaybookReportRow = { playbookKey: string; name: string; heldBack: Record<string, number> } & Record<FunnelStage, number>;

export interface PlaybooksReport {
  days: number;
  /** An order counts as "purchased" for a playbook within this many days of its decision. */
  purchaseWindowDays: number;
  /** Most fired first. */
  playbooks: PlaybookReportRow[];
  heldBackByReason: Record<string, number>;
}

export const SLA_TARGETS = ['first_response', 'next_response', 'resolution'] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];

export interface ResponseTimeSummary { responses: number; medianMs: number | null; p90Ms: number | null }
export interface ResponseTimeBucket { label: string; fromMinutes: number; toMinutes: number | null; count: number }

export interface ConversationsReport {
  days: number;
  firstResponse: ResponseTimeSummary & {
    /** The default first-response target (normal priority, any channel). */
    targetMinutes: number;
    targetPolicyId: string | null;
    buckets: ResponseTimeBucket[];
    /** UTC days (YYYY-MM-DD), oldest first. */
    byDay: (ResponseTimeSummary & { day: string })[];
  };
  sla: {
    targets: Record<SlaTarget, { met: number; breached: number; attainment: number | null }>;
    byDay: ({ day: string } & Record<SlaTarget, { met: number; breached: number }>)[];
  };
  satisfaction: {
    responses: number;
    average: number | null;
    distribution: Record<1 | 2 | 3 | 4 | 5, number>;
    byDay: { day: string; responses: number; average: number | null }[];
  };
  waitingNow: {
    count: number;
    longestWaitMs: number | null;
    longest: { id: string; customerId: string; channel: string; assigneeId: string | null; team: string | null; priority: string; preview: string | null; waitingSince: number | null; waitedMs: number }[];
  };
}
