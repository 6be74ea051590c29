/**
 * Row types of every table. Times are epoch milliseconds in BIGINT columns; flags are 0/1
 * integers and documents are JSON text, so one schema serves SQLite and PostgreSQL alike.
 */
export interface Database {
  workspaces: { id: string; name: string; created_at: number; settings: string; ingest_seq: number };
  write_keys: {
    id: string;
    workspace_id: string;
    name: string;
    key_hash: string;
    key_hint: string;
    created_at: number;
    revoked_at: number | null;
  };
  api_tokens: {
    id: string;
    workspace_id: string;
    name: string;
    token_hash: string;
    role: string;
    operator_id: string | null;
    created_at: number;
    expires_at: number | null;
    revoked_at: number | null;
  };
  operators: {
    id: string;
    workspace_id: string;
    email: string;
    name: string;
    role: string;
    password_hash: string;
    created_at: number;
    disabled_at: number | null;
    /** JSON array of team names. */
    teams: string;
    /** Most open conversations auto-assignment gives this operator. */
    capacity: number;
    presence: string;
    /** Photo shown in invitations: absolute http(s) URL or a path on this server; null = initials. */
    avatar_url: string | null;
  };
  customers: {
    id: string;
    workspace_id: string;
    created_at: number;
    updated_at: number;
    merged_into: string | null;
    user_id: string | null;
    journey_stage: string;
    last_seen: number;
    profile: string;
    care: string;
  };
  identities: {
    workspace_id: string;
    kind: string;
    value: string;
    customer_id: string;
    verified: number;
    created_at: number;
  };
  events: {
    id: string;
    workspace_id: string;
    customer_id: string;
    type: string;
    name: string | null;
    message_id: string;
    timestamp: number;
    received_at: number;
    payload: string;
  };
  event_dedupe: { workspace_id: string; message_id: string; received_at: number };
  trait_changes: {
    id: string;
    workspace_id: string;
    customer_id: string;
    trait: string;
    value: string;
    at: number;
    event_id: string;
  };
  merges: {
    id: string;
    workspace_id: string;
    winner_id: string;
    loser_id: string;
    reason: string;
    event_id: string | null;
    at: number;
    details: string;
    undone_at: number | null;
  };
  suppressions: {
    id: string;
    workspace_id: string;
    identifier_hash: string;
    kind: string;
    created_at: number;
    suppressed_count: number;
    last_suppressed_at: number | null;
  };
  erasures: { id: string; workspace_id: string; customer_id: string; at: number; summary: string };
  playbooks: { workspace_id: string; key: string; id: string; current_version: number; enabled: number; updated_at: number };
  playbook_versions: { workspace_id: string; key: string; version: number; definition: string; created_at: number; created_by: string | null };
  decisions: {
    id: string; workspace_id: string; customer_id: string; playbook_key: string; playbook_version: number; step: number;
    action: string; outcome: string; reason: string | null; window_key: string; at: number; explanation: string;
  };
  timers: { id: string; workspace_id: string; customer_id: string; key: string; kind: string; playbook_key: string; due_at: number; payload: string };
  care_items: CareItemRow;
  tasks: CareItemRow & { team: string | null; owner: string | null; due_at: number | null };
  onsite_messages: {
    id: string; workspace_id: string; customer_id: string; decision_id: string; playbook_key: string; kind: string;
    content: string; created_at: number; response: string | null; responded_at: number | null;
  };
  conversations: {
    id: string; workspace_id: string; customer_id: string; channel: string; status: string; snoozed_until: number | null;
    assignee_id: string | null; team: string | null; priority: string; labels: string; last_seq: number; last_message_at: number | null;
    preview: string | null; waiting_since: number | null; first_response_at: number | null; resolved_at: number | null;
    sla_policy_id: string | null; sla_state: string; sla_check_at: number | null; sla: string;
    csat_score: number | null; csat_comment: string | null; csat_at: number | null;
    customer_read_seq: number; operator_read_seq: number; activity_at: number; created_at: number; updated_at: number;
  };
  messages: {
    id: string; workspace_id: string; conversation_id: string; customer_id: string; seq: number; kind: string;
    author_type: string; author_id: string | null; author_name: string | null; body: string; attachments: string; channel: string;
    sender_key: string; client_message_id: string | null; created_at: number;
  };
  conversation_counts: { workspace_id: string; key: string; n: number };
  attachments: {
    id: string; workspace_id: string; customer_id: string; conversation_id: string | null; message_id: string | null;
    uploader_type: string; uploader_id: string; file_name: string; content_type: string; size: number; data: Buffer; created_at: number;
  };
  sla_policies: {
    id: string; workspace_id: string; name: string; channel: string | null; priority: string | null; first_response_minutes: number;
    next_response_minutes: number | null; resolution_minutes: number | null; business_hours: string | null; created_at: number;
  };
  snippets: { id: string; workspace_id: string; shortcut: string; title: string; body: string; created_at: number; updated_at: number };
  webhook_subscriptions: { id: string; workspace_id: string; url: string; events: string; created_at: number };
  assignment_cursors: { workspace_id: string; team: string; last_operator_id: string };
  webhook_outbox: {
    id: string; workspace_id: string; decision_id: string; url: string; body: string; status: string; attempts: number;
    next_attempt_at: number; last_error: string | null; created_at: number; customer_id: string | null;
  };
}

export interface CareItemRow {
  id: string; workspace_id: string; customer_id: string; decision_id: string | null; playbook_key: string | null;
  title: string; priority: string; context: string; status: string; claimed_by: string | null; claimed_at: number | null;
  resolved_at: number | null; resolution: string | null; created_at: number;
}
