/**
 * The inbox: filters, counts, one keyset page at a time ("load more" passes the cursor; there is
 * no offset anywhere), kept live by the operator socket. Beside it, the open conversation and
 * its customer.
 */
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { t, tMaybe } from '../lib/i18n';
import { href, linkClick, navigate } from '../lib/router';
import { socket } from '../lib/realtime';
import { ago, shortTime } from '../lib/format';
import { useCustomerName } from '../lib/customers';
import { goChord, isTyping } from '../lib/keys';
import { newer } from '../lib/newer';
import type { Conversation, ConversationCounts, ConversationPage } from '../lib/types';
import { AppContext, operatorName } from '../context';
import { ConversationView } from './conversation';
import { CustomerPanel } from './customer-panel';
import { SlaBadge } from '../components/sla';

export interface Filters {
  view: 'all' | 'mine' | 'unassigned';
  status: '' | 'open' | 'pending' | 'snoozed' | 'resolved';
  channel: '' | 'webchat' | 'api';
  priority: '' | 'urgent' | 'high' | 'normal' | 'low';
  team: string;
  slaAtRisk: boolean;
}

const DEFAULT_FILTERS: Filters = { view: 'all', status: 'open', channel: '', priority: '', team: '', slaAtRisk: false };
const FILTERS_KEY = 'omotenashi.console.inboxFilters';
const PAGE = 25;

function savedFilters(): Filters {
  try {
    const raw = localStorage.getItem(FILTERS_KEY);
    if (raw) return { ...DEFAULT_FILTERS, ...(JSON.parse(raw) as Partial<Filters>) };
  } catch { /* defaults */ }
  return DEFAULT_FILTERS;
}

function query(f: Filters) {
  return {
    status: f.status || undefined,
    assignee: f.view === 'mine' ? 'me' : f.view === 'unassigned' ? 'none' : undefined,
    channel: f.channel || undefined,
    priority: f.priority || undefined,
    team: f.team || undefined,
    sla: f.slaAtRisk ? 'at_risk' : undefined,
    limit: PAGE,
  };
}

/** Whether a conversation pushed by the socket belongs in the list as filtered. */
export function matches(c: Conversation, f: Filters, meId: string): boolean {
  if (f.status && c.status !== f.status) return false;
  if (f.view === 'mine' && c.assigneeId !== meId) return false;
  if (f.view === 'unassigned' && c.assigneeId !== null) return false;
  if (f.channel && c.channel !== f.channel) return false;
  if (f.priority && c.priority !== f.priority) return false;
  if (f.team && c.team !== f.team) return false;
  if (f.slaAtRisk && c.sla.state !== 'at_risk') return false;
  return true;
}

const activity = (c: Conversation) => c.lastMessageAt ?? c.createdAt;

export function Inbox({ conversationId }: { conversationId: string | null }) {
  const [customerId, setCustomerId] = useState<string | null>(null);
  const [panelOpen, setPanelOpen] = useState(false);
  useEffect(() => { if (!conversationId) setCustomerId(null); }, [conversationId]);
  return (
    <main class={`inbox-layout ${conversationId ? 'has-conversation' : ''} ${panelOpen ? 'panel-open' : ''}`} aria-label={t('nav.inbox')}>
      <InboxList selectedId={conversationId} />
      {conversationId
        ? <ConversationView key={conversationId} conversationId={conversationId} onCustomer={setCustomerId}
            onTogglePanel={() => setPanelOpen((o) => !o)} panelOpen={panelOpen} />
        : <section class="conversation-empty"><div><p class="big-icon" aria-hidden="true">✉</p><p>{t('inbox.pick')}</p><p class="muted small">{t('inbox.pickHint')}</p></div></section>}
      {conversationId && customerId && <CustomerPanel customerId={customerId} currentConversationId={conversationId} onClose={() => setPanelOpen(false)} />}
    </main>
  );
}

function InboxList({ selectedId }: { selectedId: string | null }) {
  const app = useContext(AppContext);
  const [filters, setFiltersState] = useState<Filters>(savedFilters);
  const [rows, setRows] = useState<Conversation[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [counts, setCounts] = useState<ConversationCounts | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const generation = useRef(0);

  const setFilters = (patch: Partial<Filters>) => {
    const next = { ...filters, ...patch };
    localStorage.setItem(FILTERS_KEY, JSON.stringify(next));
    setFiltersState(next);
  };

  const load = async (f: Filters, after: string | null) => {
    const gen = after ? generation.current : ++generation.current;
    setLoading(true);
    setError(null);
    try {
      const page = await api.get<ConversationPage>('/api/v1/conversations', { ...query(f), cursor: after ?? undefined });
      if (gen !== generation.current) return;
      setRows((old) => {
        // A page can be older than what a socket frame already brought for a row: keep the later state.
        const known = new Map(old.map((c) => [c.id, c]));
        if (!after) return page.conversations.map((c) => newer(known.get(c.id), c));
        return [...old, ...page.conversations.filter((c) => !known.has(c.id))];
      });
      setCursor(page.nextCursor);
      setCounts(page.counts);
    } catch (err) {
      if (gen === generation.current) setError(errorText(err));
    } finally {
      if (gen === generation.current) setLoading(false);
    }
  };

  useEffect(() => { void load(filters, null); }, [filters]);

  // Live: upsert what matches the filters, drop what no longer does, keep newest activity first.
  useEffect(() => socket.on((f) => {
    if (f.type === 'counts') { setCounts(f.counts); return; }
    if (f.type === 'welcome') { setCounts(f.counts); return; }
    if (f.type === 'reconnected') { void load(filtersRef.current, null); return; }
    if (f.type !== 'conversation.created' && f.type !== 'conversation.updated' && f.type !== 'message.created' && f.type !== 'sla.warning' && f.type !== 'sla.breached') return;
    setRows((old) => {
      const idx = old.findIndex((r) => r.id === f.conversation.id);
      const c = newer(old[idx], f.conversation);
      const fits = matches(c, filtersRef.current, app.me.id);
      if (!fits) return idx >= 0 && c.id !== selectedIdRef.current ? old.filter((r) => r.id !== c.id) : idx >= 0 ? old.map((r) => (r.id === c.id ? c : r)) : old;
      const without = idx >= 0 ? old.filter((r) => r.id !== c.id) : old;
      // A conversation older than the last loaded row belongs to a later page: leave it there.
      const last = without[without.length - 1];
      if (idx < 0 && last && cursorRef.current && activity(c) < activity(last)) return old;
      const next = [...without, c];
      next.sort((a, b) => activity(b) - activity(a) || (a.id < b.id ? 1 : -1));
      return next;
    });
  }), [app.me.id]);
  const selectedIdRef = useRef(selectedId);
  selectedIdRef.current = selectedId;
  const cursorRef = useRef(cursor);
  cursorRef.current = cursor;

  // j / k: next and previous conversation.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e) || e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key !== 'j' && e.key !== 'k') return;
      if (goChord(e) !== null) return;
      const list = rowsRef.current;
      if (!list.length) return;
      const i = list.findIndex((r) => r.id === selectedIdRef.current);
      const next = e.key === 'j' ? Math.min(list.length - 1, i + 1) : Math.max(0, i < 0 ? 0 : i - 1);
      e.preventDefault();
      navigate(`/inbox/${list[next]!.id}`);
      document.querySelector<HTMLElement>(`[data-conversation-id="${list[next]!.id}"]`)?.scrollIntoView({ block: 'nearest' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const teams = Array.from(new Set([...Object.keys(counts?.byTeam ?? {}), ...app.operators.flatMap((o) => o.teams ?? [])])).sort();
  const views: { v: Filters['view']; label: string; count: number | undefined }[] = [
    { v: 'all', label: t('inbox.all'), count: counts ? counts.byStatus[filters.status || 'open'] : undefined },
    { v: 'mine', label: t('inbox.mine'), count: counts?.mine },
    { v: 'unassigned', label: t('inbox.unassigned'), count: counts?.unassigned },
  ];

  return (
    <section class="inbox-list-pane" aria-label={t('inbox.listLabel')}>
      <div class="pane-head">
        <h1>{t('nav.inbox')}</h1>
        <div class="view-tabs" role="group" aria-label={t('inbox.viewLabel')} data-testid="inbox-counts">
          {views.map((x) => (
            <button key={x.v} type="button" class={`tab ${filters.view === x.v ? 'active' : ''}`} aria-pressed={filters.view === x.v}
              data-testid={`inbox-filter-${x.v}`} onClick={() => setFilters({ view: x.v })}>
              {x.label}{x.count !== undefined && <span class="count">{x.count}</span>}
            </button>
          ))}
        </div>
        <div class="filters">
          <label><span class="sr-only">{t('inbox.status')}</span>
            <select data-testid="inbox-filter-status" value={filters.status} onChange={(e) => setFilters({ status: e.currentTarget.value as Filters['status'] })}>
              <option value="">{t('inbox.anyStatus')}</option>
              {(['open', 'pending', 'snoozed', 'resolved'] as const).map((s) => (
                <option key={s} value={s}>{t(`status.${s}`)}{counts ? ` (${counts.byStatus[s]})` : ''}</option>
              ))}
            </select>
          </label>
          <label><span class="sr-only">{t('inbox.channel')}</span>
            <select data-testid="inbox-filter-channel" value={filters.channel} onChange={(e) => setFilters({ channel: e.currentTarget.value as Filters['channel'] })}>
              <option value="">{t('inbox.anyChannel')}</option>
              <option value="webchat">{t('channel.webchat')}</option>
              <option value="api">{t('channel.api')}</option>
            </select>
          </label>
          <label><span class="sr-only">{t('inbox.priority')}</span>
            <select data-testid="inbox-filter-priority" value={filters.priority} onChange={(e) => setFilters({ priority: e.currentTarget.value as Filters['priority'] })}>
              <option value="">{t('inbox.anyPriority')}</option>
              {(['urgent', 'high', 'normal', 'low'] as const).map((p) => <option key={p} value={p}>{t(`priority.${p}`)}</option>)}
            </select>
          </label>
          <label><span class="sr-only">{t('inbox.team')}</span>
            <select data-testid="inbox-filter-team" value={filters.team} onChange={(e) => setFilters({ team: e.currentTarget.value })}>
              <option value="">{t('inbox.anyTeam')}</option>
              {teams.map((tm) => <option key={tm} value={tm}>{tm}{counts?.byTeam[tm] !== undefined ? ` (${counts.byTeam[tm]})` : ''}</option>)}
            </select>
          </label>
          <button type="button" class={`chip ${filters.slaAtRisk ? 'on' : ''}`} aria-pressed={filters.slaAtRisk} data-testid="inbox-filter-sla-at-risk"
            onClick={() => setFilters({ slaAtRisk: !filters.slaAtRisk })}>{t('inbox.slaAtRisk')}</button>
        </div>
      </div>
      {error && <p class="error pad" role="alert">{error}</p>}
      <ul class="conversation-list" data-testid="inbox-list" aria-busy={loading} aria-label={t('inbox.listLabel')}>
        {rows.map((c) => <Row key={c.id} c={c} selected={c.id === selectedId} />)}
      </ul>
      {!loading && rows.length === 0 && !error && <p class="empty pad muted" data-testid="inbox-empty">{t('inbox.empty')}</p>}
      <div class="list-foot">
        {cursor && <button type="button" class="btn wide" data-testid="inbox-load-more" disabled={loading} onClick={() => void load(filters, cursor)}>{loading ? t('app.loading') : t('inbox.loadMore')}</button>}
        {loading && !cursor && rows.length === 0 && <p class="muted pad">{t('app.loading')}</p>}
      </div>
    </section>
  );
}

function Row({ c, selected }: { c: Conversation; selected: boolean }) {
  const app = useContext(AppContext);
  const name = useCustomerName(c.customerId);
  const assignee = operatorName(app, c.assigneeId);
  const waiting = c.waitingSince !== null && c.status !== 'resolved';
  return (
    <li>
      <a href={href(`/inbox/${c.id}`)} onClick={linkClick(`/inbox/${c.id}`)} class={`conversation-row ${selected ? 'selected' : ''} ${waiting ? 'waiting' : ''}`}
        data-testid="conversation-row" data-conversation-id={c.id} data-status={c.status} aria-current={selected ? 'true' : undefined}>
        <div class="row-top">
          <span class="row-name">{name ?? t('customer.anonymous')}</span>
          <time class="row-time" title={ago(activity(c))}>{shortTime(activity(c))}</time>
        </div>
        <div class="row-preview">{c.preview ?? t('inbox.noPreview')}</div>
        <div class="row-meta">
          <span class={`pill status-${c.status}`}>{tMaybe('status', c.status)}</span>
          {c.priority !== 'normal' && <span class={`pill priority-${c.priority}`}>{tMaybe('priority', c.priority)}</span>}
          <span class="pill subtle">{tMaybe('channel', c.channel)}</span>
          {c.team && <span class="pill subtle">{c.team}</span>}
          <SlaBadge c={c} compact />
          <span class="row-assignee">{assignee ?? t('inbox.nobody')}</span>
        </div>
      </a>
    </li>
  );
}
