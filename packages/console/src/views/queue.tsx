/**
 * "Needs you now" (alerts and low ratings) and staff tasks: claim, then resolve, with the
 * context a person needs at a glance (why the playbook acted, who the customer is).
 */
import { useContext, useState } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { t, tMaybe } from '../lib/i18n';
import { href, linkClick } from '../lib/router';
import { ago, dateTime, money } from '../lib/format';
import type { CareItem } from '../lib/types';
import { useCustomerName } from '../lib/customers';
import { usePolling, type Polled } from '../lib/polling';
import { AppContext, operatorName } from '../context';

type Kind = 'queue' | 'tasks';

/** The open and claimed items of one list (claimed first), read every 10 s. */
function useItems(kind: Kind): Polled<CareItem[]> {
  return usePolling(async () => {
    const [open, claimed] = await Promise.all([
      api.get<{ items: CareItem[] }>(`/api/v1/${kind}`, { status: 'open' }),
      api.get<{ items: CareItem[] }>(`/api/v1/${kind}`, { status: 'claimed' }),
    ]);
    return [...claimed.items, ...open.items];
  }, [kind], 10_000);
}

export function QueueView() {
  const queue = useItems('queue');
  const tasks = useItems('tasks');
  return (
    <main class="view queue-view" aria-labelledby="queue-title">
      <div class="view-head"><h1 id="queue-title">{t('queue.title')}</h1><p class="muted">{t('queue.subtitle')}</p></div>
      <div class="two-col">
        <ItemList kind="queue" title={t('queue.needsYou')} data={queue} testid="queue" />
        <ItemList kind="tasks" title={t('queue.tasks')} data={tasks} testid="tasks" />
      </div>
    </main>
  );
}

function ItemList({ kind, title, data, testid }: { kind: Kind; title: string; data: ReturnType<typeof useItems>; testid: string }) {
  return (
    <section class="card-list" data-testid={testid} aria-label={title}>
      <h2>{title}{data.data && <span class="count">{data.data.length}</span>}</h2>
      {data.error && <p class="error" role="alert">{data.error}</p>}
      {data.data && data.data.length === 0 && <div class="empty-card"><p>{kind === 'queue' ? t('queue.emptyQueue') : t('queue.emptyTasks')}</p></div>}
      {(data.data ?? []).map((it) => <Item key={it.id} kind={kind} it={it} onChange={(next) => data.setData((old) => (old ?? []).map((x) => (x.id === next.id ? next : x)).filter((x) => x.status !== 'resolved'))} />)}
    </section>
  );
}

function Item({ kind, it, onChange }: { kind: Kind; it: CareItem; onChange: (it: CareItem) => void }) {
  const app = useContext(AppContext);
  const [resolution, setResolution] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const single = kind === 'queue' ? 'queue' : 'task';
  const cust = it.context.customer;
  // Items created before they carried a customer snapshot: look the name up (cached, once per customer).
  const lookedUp = useCustomerName(cust ? null : it.customerId);

  const call = async (action: 'claim' | 'resolve') => {
    setBusy(true);
    setError(null);
    try {
      onChange(await api.post<CareItem>(`/api/v1/${kind}/${encodeURIComponent(it.id)}/${action}`, action === 'resolve' && resolution.trim() ? { resolution: resolution.trim() } : {}));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const facts = [
    cust?.currentPage && t('queue.onPage', { page: cust.currentPage }),
    cust?.cartValue ? t('queue.cart', { value: money(cust.cartValue, cust.cartCurrency) }) : null,
    cust?.orders !== undefined ? t('queue.orders', { n: cust.orders }) : null,
    cust?.journeyStage ? tMaybe('stage', cust.journeyStage) : null,
    cust?.timezone ?? null,
  ].filter(Boolean);

  return (
    <article class={`care-item priority-${it.priority} ${it.status}`} data-testid={kind === 'queue' ? 'queue-item' : 'task-item'} data-item-id={it.id} data-status={it.status}>
      <header>
        <span class={`pill priority-${it.priority}`}>{tMaybe('priority', it.priority)}</span>
        <h3>{it.title}</h3>
      </header>
      <p class="muted small">
        <a href={href(`/customers/${it.customerId}`)} onClick={linkClick(`/customers/${it.customerId}`)}>{cust?.name ?? cust?.email ?? lookedUp ?? t('customer.anonymous')}</a>
        {' · '}<time title={dateTime(it.createdAt)}>{ago(it.createdAt)}</time>
        {it.dueAt && <> · {t('queue.due', { when: dateTime(it.dueAt) })}</>}
        {it.team && <> · {t('conv.team')}: {it.team}</>}
      </p>
      {facts.length > 0 && <p class="small">{facts.join(' · ')}</p>}
      {it.context.explanation?.summary && <p class="small why">{it.context.explanation.summary}</p>}
      {it.context.reason === 'low_csat' && (
        <p class="small why">{t('queue.lowCsat', { n: it.context.score ?? '?' })}{it.context.comment ? <> — <q>{it.context.comment}</q></> : null}
          {it.context.conversationId && <> · <a href={href(`/inbox/${it.context.conversationId}`)} onClick={linkClick(`/inbox/${it.context.conversationId}`)}>{t('queue.openConversation')}</a></>}</p>
      )}
      {it.context.note && <p class="small">{t('queue.note')}: {it.context.note}</p>}
      {it.status === 'claimed' && <p class="small ok-text">{t('queue.claimedBy', { name: operatorName(app, it.claimedBy) ?? '?' })}</p>}
      {error && <p class="error small" role="alert">{error}</p>}
      <div class="row-actions">
        {it.status === 'open' && <button type="button" class="btn" data-testid={`${single}-claim`} disabled={busy} onClick={() => void call('claim')}>{t('queue.claim')}</button>}
        <label class="sr-only" for={`res-${it.id}`}>{t('queue.resolution')}</label>
        <input id={`res-${it.id}`} class="grow" placeholder={t('queue.resolutionPlaceholder')} maxLength={2000} value={resolution} onInput={(e) => setResolution(e.currentTarget.value)} />
        <button type="button" class="btn primary" data-testid={`${single}-resolve`} disabled={busy} onClick={() => void call('resolve')}>{t('queue.resolve')}</button>
      </div>
    </article>
  );
}
