/**
 * Stable hooks for the browser tests (data-testid values). Keep this list in step with the views:
 * tests rely on these names, never on classes or text.
 *
 * login-email, login-password, login-submit, login-error,
 * nav-inbox, nav-visitors, nav-queue, nav-playbooks, nav-dashboard, logout,
 * presence-toggle, lang-switch, shortcuts-help,
 * inbox-list, inbox-counts, conversation-row (data-conversation-id, data-status), inbox-filter-<name>
 *   (mine, unassigned, all, status, channel, priority, sla-at-risk, team), inbox-load-more, inbox-empty,
 * conversation, thread, message (data-author-type, data-kind, data-message-id), message-attachment,
 * composer, composer-send, note-toggle, snippet-picker, snippet-option, attach-file, composer-error,
 * resolve, reopen, assign, status-select, priority-select, sla-timer (data-sla-state),
 * customer-panel, customer-name, customer-identifiers, customer-local-time, customer-pages,
 * customer-cart, customer-orders, customer-journey, customer-moments, customer-consent,
 * customer-conversations, csat, customer-decisions, decision (data-outcome), customer-suggestions,
 * live-visitors, visitor-row (data-customer-id), invite-visitor, invite-message, invite-send, invite-result,
 * queue, queue-item (data-item-id), queue-claim, queue-resolve, tasks, task-item, task-claim, task-resolve,
 * playbooks, playbook-row (data-playbook-key), playbook-new, playbook-toggle, playbook-editor,
 * playbook-save, playbook-simulate, playbook-issues, playbook-issue (data-path, data-line, data-col),
 * playbook-simulation, playbook-format (buttons data-format=yaml|json),
 * playbook-versions, etiquette-form, etiquette-save,
 * dashboard, dashboard-days, chart-<name> (funnel, held-back, first-response, sla-attainment,
 *   satisfaction, waits)
 */
export const TEST_IDS = [
  'login-email', 'login-password', 'login-submit', 'login-error',
  'nav-inbox', 'nav-visitors', 'nav-queue', 'nav-playbooks', 'nav-dashboard', 'logout',
  'presence-toggle', 'lang-switch', 'shortcuts-help',
  'inbox-list', 'inbox-counts', 'conversation-row', 'inbox-load-more', 'inbox-empty',
  'inbox-filter-all', 'inbox-filter-mine', 'inbox-filter-unassigned', 'inbox-filter-team', 'inbox-filter-status',
  'inbox-filter-channel', 'inbox-filter-priority', 'inbox-filter-sla-at-risk',
  'conversation', 'thread', 'message', 'message-attachment',
  'composer', 'composer-send', 'note-toggle', 'snippet-picker', 'snippet-option', 'attach-file', 'composer-error',
  'resolve', 'reopen', 'assign', 'status-select', 'priority-select', 'sla-timer',
  'customer-panel', 'customer-name', 'customer-identifiers', 'customer-local-time', 'customer-pages',
  'customer-cart', 'customer-orders', 'customer-journey', 'customer-moments', 'customer-consent',
  'customer-conversations', 'csat', 'customer-decisions', 'decision', 'customer-suggestions',
  'live-visitors', 'visitor-row', 'invite-visitor', 'invite-message', 'invite-send', 'invite-result',
  'queue', 'queue-item', 'queue-claim', 'queue-resolve', 'tasks', 'task-item', 'task-claim', 'task-resolve',
  'playbooks', 'playbook-row', 'playbook-new', 'playbook-toggle', 'playbook-editor', 'playbook-save',
  'playbook-simulate', 'playbook-issues', 'playbook-issue', 'playbook-simulation', 'playbook-versions',
  'playbook-format',
  'etiquette-form', 'etiquette-save',
  'dashboard', 'dashboard-days',
  'chart-funnel', 'chart-held-back', 'chart-first-response', 'chart-sla-attainment', 'chart-satisfaction', 'chart-waits',
] as const;

export type TestId = (typeof TEST_IDS)[number];
