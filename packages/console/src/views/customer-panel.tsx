/**
 * The customer beside a conversation: who they are, where and when they are, what they are
 * looking at now (refreshed the moment the server says they opened a page; polled slowly as a fallback), cart and orders, journey, moments,
 * consent, past conversations, every playbook decision with its explanation, and the server's
 * suggestions for what else could be done (GET /customers/:id/suggestions), each with its action.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { t, tMaybe } from '../lib/i18n';
import { href, linkClick } from '../lib/router';
import { socket } from '../lib/realtime';
import { ago, dateTime, duration, initials, money, shortTime } from '../lib/format';
import { displayName, rememberCustomer } from '../lib/customers';
import type { SuggestionView } from '@omotenashi/protocol';
import type { Conversation, CustomerView, Decision } from '../lib/types';
import { useNow } from '../components/sla';
import { requestSnippet } from '../lib/composer-bridge';
import { InviteResult, sendInvite } from '../lib/invite';
import { usePolling } from '../lib/polling';
import { suggestionText, taskTitle } from '../lib/suggestion-text';

/** Fallback only: `visitor.activity` frames refresh the panel as the customer browses. */
const LIVE_MS = 30_000;

export function CustomerPanel({ customerId, currentConversationId, onClose }: { customerId: string; currentConversationId?: string; onClose?: () => void }) {
  const id = encodeURIComponent(customerId);
  const customer = usePolling(() => api.get<CustomerView>(`/api/v1/customers/${id}`).then((c) => { rememberCustomer(c); return c; }), [customerId], LIVE_MS);
  const decisions = usePolling(() => api.get<{ items: Decision[] }>(`/api/v1/customers/${id}/decisions`, { limit: 50 }), [customerId], 15_000);
  const conversations = usePolling(() => api.get<{ conversations: Conversation[] }>(`/api/v1/customers/${id}/conversations`), [customerId], 0);
  const suggestions = usePolling(() => api.get<{ suggestions: SuggestionView[] }>(`/api/v1/customers/${id}/suggestions`), [customerId], 15_000);

  useEffect(() => socket.on((f) => {
    if ((f.type === 'conversation.updated' || f.type === 'conversation.created') && f.conversation.customerId === customerId) conversations.reload();
  }), [customerId]);

  // Pages viewed, updating live: the frame names the surviving customer, which is the one shown
  // (c.id) even when the panel was opened under a merged-away id. After a reconnect, frames may
  // have been missed: read once.
  const shownId = customer.data?.id;
  useEffect(() => socket.on((f) => {
    if ((f.type === 'visitor.activity' && (f.customerId === customerId || f.customerId === shownId)) || f.type === 'reconnected') customer.reload();
  }), [customerId, shownId]);

  const c = customer.data;
  if (!c) {
    return (
      <aside class="customer-panel" data-testid="customer-panel" aria-label={t('customer.panel')} aria-busy={!customer.error}>
        {customer.error ? <p class="error pad" role="alert">{customer.error}</p> : <p class="muted pad">{t('app.loading')}</p>}
      </aside>
    );
  }
  const name = displayName(c);
  const convs = conversations.data?.conversations ?? [];
  return (
    <aside class="customer-panel" data-testid="customer-panel" data-customer-id={c.id} aria-label={t('customer.panel')}>
      <header class="customer-head">
        <span class="avatar" aria-hidden="true">{initials(name)}</span>
        {onClose && <button type="button" class="btn ghost icon drawer-close" aria-label={t('common.close')} onClick={onClose}>×</button>}
        <div>
          <h2 data-testid="customer-name">{name ?? t('customer.anonymous')}</h2>
          <p class="muted small">
            {c.insights?.sessionActive ? <span class="live-dot">{t('customer.onSiteNow')}</span> : c.profile.lastSeen ? t('customer.lastSeen', { when: ago(c.profile.lastSeen) }) : null}
          </p>
        </div>
      </header>
      <Where c={c} />
      <Identifiers c={c} />
      <Pages c={c} />
      <Cart c={c} />
      <Orders c={c} />
      <Journey c={c} />
      <Moments c={c} />
      <Consent c={c} />
      <Suggestions customerId={c.id} items={suggestions.data?.suggestions ?? null} error={suggestions.error} besideConversation={currentConversationId !== undefined} />
      <PastConversations conversations={convs} current={currentConversationId} />
      <Decisions items={decisions.data?.items ?? null} error={decisions.error} />
    </aside>
  );
}

function Section({ title, testid, children, count }: { title: string; testid: string; children: preact.ComponentChildren; count?: number }) {
  return (
    <section class="panel-section" data-testid={testid} aria-label={title}>
      <h3>{title}{count !== undefined && <span class="count">{count}</span>}</h3>
      {children}
    </section>
  );
}

function Where({ c }: { c: CustomerView }) {
  const lt = c.insights?.localTime;
  const loc = c.profile.location;
  const place = [loc?.city, loc?.region, loc?.country].filter(Boolean).join(', ');
  const device = [c.profile.device?.type, c.profile.device?.browser, c.profile.device?.os].filter(Boolean).join(' · ');
  return (
    <Section title={t('customer.where')} testid="customer-local-time">
      {lt ? (
        <p class="local-time"><strong>{t('customer.localTime', { time: `${String(lt.hour).padStart(2, '0')}:${String(lt.minute).padStart(2, '0')}` })}</strong>
          <span class="muted small"> {tMaybe('weekday', lt.weekday)} · {lt.timezone}</span>
          {(lt.hour >= 21 || lt.hour < 7) && <span class="pill subtle">{t('customer.lateThere')}</span>}</p>
      ) : <p class="muted small">{t('customer.noTimezone')}</p>}
      {place && <p class="small">{place}</p>}
      {(device || c.profile.language) && <p class="muted small">{[device, c.profile.language].filter(Boolean).join(' · ')}</p>}
    </Section>
  );
}

function Identifiers({ c }: { c: CustomerView }) {
  return (
    <Section title={t('customer.identifiers')} testid="customer-identifiers">
      <ul class="kv-list">
        {c.identities.map((i) => (
          <li key={`${i.kind}:${i.value}`}>
            <span class="k">{tMaybe('identity', i.kind)}</span>
            <span class="v mono" title={i.value}>{i.value}</span>
            <span class={`pill ${i.verified ? 'ok' : 'subtle'}`}>{i.verified ? t('customer.verified') : t('customer.unverified')}</span>
          </li>
        ))}
      </ul>
    </Section>
  );
}

function Pages({ c }: { c: CustomerView }) {
  useNow(5000);
  const pages = c.profile.session?.pages ?? [];
  const current = c.profile.session?.currentPage;
  const onPage = c.insights?.timeOnPageMs;
  const list = [...pages].reverse();
  return (
    <Section title={t('customer.pagesThisVisit')} testid="customer-pages" count={pages.length}>
      {list.length === 0 ? <p class="muted small">{t('customer.noPages')}</p> : (
        <ol class="pages" aria-live="polite">
          {list.map((p, i) => {
            const isCurrent = i === 0 && c.insights?.sessionActive && current && (current.url === p.url || current.path === p.path);
            return (
              <li key={`${p.at}:${i}`} class={isCurrent ? 'current' : ''} data-testid="customer-page">
                <span class="page-title">{p.title ?? p.name ?? p.path ?? p.url ?? '—'}</span>
                <span class="muted small mono page-path">{p.path ?? p.url}</span>
                <span class="muted small">{isCurrent && typeof onPage === 'number' ? t('customer.onPageFor', { d: duration(onPage) }) : shortTime(p.at)}</span>
              </li>
            );
          })}
        </ol>
      )}
    </Section>
  );
}

function Cart({ c }: { c: CustomerView }) {
  const cart = c.profile.cart;
  const items = cart?.items ?? [];
  return (
    <Section title={t('customer.cart')} testid="customer-cart">
      {items.length === 0 ? <p class="muted small">{t('customer.cartEmpty')}</p> : (
        <>
          <ul class="kv-list">
            {items.map((it) => <li key={it.productId}><span class="v">{it.quantity} × {it.name ?? it.productId}</span><span class="k">{money(it.price * it.quantity, cart?.currency)}</span></li>)}
          </ul>
          <p class="total">{t('customer.cartTotal')} <strong>{money(cart?.value ?? 0, cart?.currency)}</strong>
            {cart?.checkoutStartedAt ? <span class="pill warn">{t('customer.inCheckout')}</span> : null}</p>
        </>
      )}
    </Section>
  );
}

function Orders({ c }: { c: CustomerView }) {
  const o = c.profile.orders;
  const recent = o?.recent ?? [];
  return (
    <Section title={t('customer.orders')} testid="customer-orders" count={o?.count ?? 0}>
      {recent.length === 0 ? <p class="muted small">{t('customer.noOrders')}</p> : (
        <>
          <p class="small">{t('customer.lifetimeValue')} <strong>{money(o?.lifetimeValue ?? 0, o?.currency)}</strong></p>
          <ul class="kv-list">
            {recent.slice(0, 5).map((r) => (
              <li key={r.orderId}><span class="v mono">#{r.orderId}</span><span class={`pill order-${r.status}`}>{tMaybe('order', r.status)}</span>
                <span class="k">{money(r.total, r.currency)} · {shortTime(r.placedAt)}</span></li>
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}

function Journey({ c }: { c: CustomerView }) {
  const j = c.profile.journey;
  return (
    <Section title={t('customer.journey')} testid="customer-journey">
      {j ? <p><span class={`pill stage-${j.stage}`}>{tMaybe('stage', j.stage)}</span> <span class="muted small">{t('customer.since', { when: ago(j.since) })}</span></p> : <p class="muted small">—</p>}
    </Section>
  );
}

function Moments({ c }: { c: CustomerView }) {
  const ms = c.insights?.moments ?? [];
  if (ms.length === 0) return null;
  return (
    <Section title={t('customer.moments')} testid="customer-moments">
      <ul class="kv-list">
        {ms.map((m) => (
          <li key={`${m.kind}:${m.trait}`}>
            <span class="v">{tMaybe('moment', m.kind)}</span>
            <span class="k">{m.daysUntil === null ? m.date : m.daysUntil === 0 ? t('moment.today') : t('moment.inDays', { n: m.daysUntil })}</span>
          </li>
        ))}
      </ul>
    </Section>
  );
}

function Consent({ c }: { c: CustomerView }) {
  const cats = Object.entries(c.profile.consent?.categories ?? {});
  const chans = Object.entries(c.profile.channels ?? {});
  return (
    <Section title={t('customer.consent')} testid="customer-consent">
      {cats.length === 0 && chans.length === 0 ? <p class="muted small">{t('customer.noConsent')}</p> : (
        <ul class="chips">
          {cats.map(([k, v]) => <li key={`c:${k}`} class={`pill ${v ? 'ok' : 'bad'}`}>{v ? '✓' : '✕'} {k}</li>)}
          {chans.map(([k, v]) => <li key={`ch:${k}`} class={`pill ${v ? 'ok' : 'bad'}`}>{v ? '✓' : '✕'} {k}</li>)}
        </ul>
      )}
    </Section>
  );
}

function PastConversations({ conversations, current }: { conversations: Conversation[]; current?: string }) {
  const rated = conversations.filter((c) => c.csat);
  const avg = rated.length ? rated.reduce((s, c) => s + c.csat!.score, 0) / rated.length : null;
  return (
    <Section title={t('customer.conversations')} testid="customer-conversations" count={conversations.length}>
      {avg !== null && <p class="small">{t('customer.avgCsat', { avg: avg.toFixed(1), n: rated.length })}</p>}
      <ul class="past-list">
        {conversations.slice(0, 10).map((c) => (
          <li key={c.id} class={c.id === current ? 'current' : ''}>
            <a href={href(`/inbox/${c.id}`)} onClick={linkClick(`/inbox/${c.id}`)}>
              <span class="past-preview">{c.preview ?? '—'}</span>
              <span class="muted small">{tMaybe('status', c.status)} · {shortTime(c.lastMessageAt ?? c.createdAt)}
                {c.csat && <span class="csat-inline" data-testid={c.id === current ? undefined : 'past-csat'}> · ★ {c.csat.score}</span>}</span>
            </a>
          </li>
        ))}
      </ul>
    </Section>
  );
}

function Decisions({ items, error }: { items: Decision[] | null; error: string | null }) {
  return (
    <Section title={t('customer.decisions')} testid="customer-decisions" count={items?.length}>
      {error && <p class="error small">{error}</p>}
      {items && items.length === 0 && <p class="muted small">{t('customer.noDecisions')}</p>}
      <ul class="decisions">
        {(items ?? []).map((d) => (
          <li key={d.id} class={`decision ${d.outcome}`} data-testid="decision" data-outcome={d.outcome}>
            <div class="decision-head">
              <span class={`pill ${d.outcome === 'fired' ? 'ok' : 'warn'}`}>{d.outcome === 'fired' ? t('decision.fired') : t('decision.heldBack')}</span>
              <strong>{d.playbook.key}</strong> <span class="muted small">v{d.playbook.version} · {tMaybe('action', d.action)} · <time title={dateTime(d.at)}>{ago(d.at)}</time></span>
            </div>
            {d.reason && <p class="small"><span class="reason">{tMaybe('reason', d.reason)}</span>{d.explanation.etiquette ? `: ${d.explanation.etiquette}` : ''}</p>}
            <details>
              <summary class="small">{t('decision.why')}</summary>
              <p class="small">{d.explanation.summary}</p>
              {d.explanation.conditions && d.explanation.conditions.length > 0 && (
                <ul class="conditions small">
                  {d.explanation.conditions.map((cond, i) => <li key={i} class={cond.ok ? 'ok' : 'bad'}>{cond.ok ? '✓' : '✕'} <code>{cond.fact} {cond.op} {JSON.stringify(cond.expected)}</code> {t('decision.seen')} <code>{JSON.stringify(cond.seen)}</code></li>)}
                </ul>
              )}
            </details>
          </li>
        ))}
      </ul>
    </Section>
  );
}

function Suggestions({ customerId, items, error, besideConversation }: { customerId: string; items: SuggestionView[] | null; error: string | null; besideConversation: boolean }) {
  const now = useNow(60_000);
  if (!items && !error) return null;
  return (
    <Section title={t('customer.suggestions')} testid="customer-suggestions" count={items?.length}>
      {error && <p class="error small">{error}</p>}
      {items && items.length === 0 && <p class="muted small">{t('suggestion.none')}</p>}
      <ul class="suggestions">
        {(items ?? []).map((s) => {
          const said = suggestionText(s, now);
          // Keyed by the suggestion's own key: when one is dropped (made into a task), the
          // others keep their state ("Added", an invitation's outcome) instead of inheriting it.
          return (
            <li key={s.key} class={`suggestion p${s.priority}`} data-testid="suggestion" data-kind={s.kind}>
              <p class="small"><span class={`pill ${s.priority === 1 ? 'warn' : 'subtle'}`}>{t(`suggestion.priority${s.priority}`)}</span> {said}</p>
              {s.action?.type === 'task'
                ? <AddTask customerId={customerId} title={taskTitle(s) ?? s.action.title} note={said} suggestionKey={s.key} />
                : s.action && <SuggestionAction customerId={customerId} action={s.action} besideConversation={besideConversation} />}
            </li>
          );
        })}
      </ul>
    </Section>
  );
}

/**
 * A suggested task, added to the staff tasks with one click (POST /api/v1/tasks, carrying the
 * suggestion's key so the server stops suggesting it; the next read of the list drops it).
 */
function AddTask({ customerId, title, note, suggestionKey }: { customerId: string; title: string; note: string; suggestionKey: string }) {
  const [state, setState] = useState<'idle' | 'busy' | 'added'>('idle');
  const [error, setError] = useState<string | null>(null);
  const add = async () => {
    setState('busy');
    setError(null);
    try {
      await api.post('/api/v1/tasks', { customerId, title, note, suggestionKey });
      setState('added');
    } catch (err) {
      setError(errorText(err));
      setState('idle');
    }
  };
  return (
    <div class="suggestion-action">
      <p class="muted small suggestion-task">{t('suggestion.task', { title })}</p>
      {state !== 'added' && <button type="button" class="btn tiny" data-testid="suggestion-add-task" disabled={state === 'busy'} onClick={() => void add()}>{t('suggestion.addTask')}</button>}
      {state === 'added' && <p class="small ok-text" role="status" data-testid="suggestion-task-added">{t('suggestion.taskAdded')} <a href={href('/queue')} onClick={linkClick('/queue')}>{t('suggestion.openTasks')}</a></p>}
      {error && <p class="error small" role="alert">{error}</p>}
    </div>
  );
}

/** An invitation is sent (through the etiquette); a snippet opens the composer's picker. */
function SuggestionAction({ customerId, action, besideConversation }: { customerId: string; action: Exclude<NonNullable<SuggestionView['action']>, { type: 'task' }>; besideConversation: boolean }) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  if (action.type === 'snippet') {
    if (!besideConversation) return <p class="muted small">{t('suggestion.snippetElsewhere', { query: action.query })}</p>;
    return <button type="button" class="btn tiny" data-testid="suggestion-snippet" onClick={() => requestSnippet(action.query)}>{t('suggestion.snippet', { query: action.query })}</button>;
  }
  const send = async () => {
    setBusy(true);
    setResult(null);
    setResult(await sendInvite(customerId, action.message));
    setBusy(false);
  };
  return (
    <div class="suggestion-action">
      {!result?.ok && <p class="muted small">{t('suggestion.inviteTitle', { message: action.message })}</p>}
      {!result?.ok && <button type="button" class="btn tiny" data-testid="suggestion-invite" disabled={busy} onClick={() => void send()}>{t('suggestion.invite')}</button>}
      {result && <InviteResult result={result} />}
    </div>
  );
}
