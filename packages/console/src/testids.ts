/**
 * Stable hooks for the browser tests (data-testid values), as documentation: nothing imports this
 * file. Keep the list in step with the views; tests rely on these names, never on classes or text.
 *
 * login-email, login-password, login-submit, login-error,
 * nav-inbox, nav-visitors, nav-queue, nav-playbooks, nav-dashboard, logout,
 * presence-toggle, lang-switch, shortcuts-help, profile-open, profile-dialog, profile-save, profile-error,
 * inbox-list, inbox-counts, conversation-row (data-conversation-id, data-status), inbox-filter-<name>
 *   (mine, unassigned, all, status, channel, priority, sla-at-risk, team), inbox-load-more, inbox-empty,
 * conversation, thread, message (data-author-type, data-kind, data-message-id), message-attachment,
 * composer, composer-send, note-toggle, snippet-picker, snippet-option, attach-file, composer-error,
 * resolve, reopen, assign, status-select, priority-select, sla-timer (data-sla-state),
 * customer-page (a page of this visit), customer-panel, customer-name, customer-identifiers, customer-local-time, customer-pages,
 * customer-cart, customer-orders, customer-journey, customer-moments, customer-consent,
 * customer-conversations, past-csat, csat, customer-decisions, decision (data-outcome), customer-suggestions,
 *   suggestion (data-kind), suggestion-invite, suggestion-snippet,
 * live-visitors, visitor-row (data-customer-id), invite-visitor, invite-message, invite-send, invite-result,
 * queue, queue-item (data-item-id), queue-claim, queue-resolve, tasks, task-item, task-claim, task-resolve,
 * playbooks, playbook-row (data-playbook-key), playbook-new, playbook-toggle, playbook-editor,
 * playbook-save, playbook-message, playbook-simulate, playbook-issues, playbook-issue (data-path, data-line, data-col),
 * playbook-simulation, playbook-format (buttons data-format=yaml|json),
 * playbook-versions, etiquette-form, etiquette-save,
 * dashboard, dashboard-days, chart-<name> (funnel, held-back, first-response, sla-attainment,
 *   satisfaction, waits)
 */
export {};
