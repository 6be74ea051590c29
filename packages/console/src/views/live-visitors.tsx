/**
 * Who is on the site now: current page, time on page, cart value; "Invite to chat" sends a
 * manual invitation that still passes the etiquette, and says why when it is held back.
 * The list is read again shortly after any shopper opens a page (`visitor.activity`), and every
 * 30 s as a fallback (for visitors leaving, and frames missed while the socket was down).
 */
import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { InviteResult, sendInvite, type InviteOutcome } from '../lib/invite';
import { t } from '../lib/i18n';
import { href, linkClick } from '../lib/router';
import { duration, money } from '../lib/format';
import { useNow } from '../components/sla';
import { socket } from '../lib/realtime';

const FALLBACK_MS = 30_000;
/** Shoppers browse in bursts: one read for all the frames within this window. */
const DEBOUNCE_MS = 500;

/** One visitor, read defensively: the route returns profile-derived fields under a few names. */
export interface LiveVisitor {
  customerId: string;
  name: string | null;
  email: string | null;
  page: { url: string | null; path: string | null; title: string | null } | null;
  onPageSince: number | null;
  timeOnPageMs: number | null;
  cartValue: number | null;
  cartCurrency: string | null;
  inConversation: boolean;
  conversationId: string | null;
  location: string | null;
  localTime: string | null;
}

function str(v: unknown): string | null { return typeof v === 'string' && v ? v : null; }
function num(v: unknown): number | null { return typeof v === 'number' && Number.isFinite(v) ? v : null; }
function time(v: unknown): number | null { return typeof v === 'number' ? v : typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? Date.parse(v) : null; }

export function normalizeVisitor(raw: Record<string, any>): LiveVisitor | null {
  const customerId = str(raw.customerId) ?? str(raw.id);
  if (!customerId) return null;
  const page = raw.currentPage ?? raw.page ?? null;
  const pageObj = typeof page === 'string' ? { url: null, path: page, title: null } : page && typeof page === 'object' ? { url: str(page.url), path: str(page.path), title: str(page.title) ?? str(page.name) } : null;
  const cart = raw.cart && typeof raw.cart === 'object' ? raw.cart : {};
  const loc = raw.location && typeof raw.location === 'object' ? [raw.location.city, raw.location.country].filter((x: unknown) => typeof x === 'string').join(', ') : str(raw.location);
  const lt = raw.localTime && typeof raw.localTime === 'object' ? `${String(raw.localTime.hour).padStart(2, '0')}:${String(raw.localTime.minute).padStart(2, '0')}` : str(raw.localTime);
  return {
    customerId,
    name: str(raw.name) ?? str(raw.traits?.name) ?? null,
    email: str(raw.email) ?? str(raw.traits?.email) ?? null,
    page: pageObj,
    onPageSince: time(raw.onPageSince) ?? time(page?.since) ?? time(page?.at) ?? null,
    timeOnPageMs: num(raw.timeOnPageMs),
    cartValue: num(raw.cartValue) ?? num(cart.value),
    cartCurrency: str(raw.cartCurrency) ?? str(cart.currency),
    inConversation: Boolean(raw.inConversation ?? raw.conversation?.open ?? raw.conversationId),
    conversationId: str(raw.conversation?.id) ?? str(raw.conversationId),
    location: loc || null,
    localTime: lt,
  };
}

export function LiveVisitors() {
  const [visitors, setVisitors] = useState<LiveVisitor[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fetchedAt, setFetchedAt] = useState(Date.now());
  const now = useNow(1000);

  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let debounce: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    let again = false;
    const run = () => {
      if (timer) clearTimeout(timer);
      // One read at a time; a frame that arrives meanwhile asks for one more when it ends.
      if (inFlight) { again = true; return; }
      inFlight = true;
      api.get<Record<string, any>>('/api/v1/visitors/live')
        .then((r) => {
          if (!alive) return;
          const list = (Array.isArray(r) ? r : r.visitors ?? r.items ?? []) as Record<string, any>[];
          setVisitors(list.map(normalizeVisitor).filter((v): v is LiveVisitor => v !== null));
          setFetchedAt(Date.now());
          setError(null);
        })
        .catch((err: unknown) => { if (alive) setError(errorText(err)); })
        .finally(() => {
          inFlight = false;
          if (!alive) return;
          if (again) { again = false; run(); } else timer = setTimeout(run, FALLBACK_MS);
        });
    };
    run();
    const off = socket.on((f) => {
      if (f.type !== 'visitor.activity' && f.type !== 'reconnected') return;
      // Not reset by later frames: with many shoppers browsing, frames never pause for 500 ms.
      debounce ??= setTimeout(() => { debounce = undefined; run(); }, DEBOUNCE_MS);
    });
    return () => { alive = false; off(); if (timer) clearTimeout(timer); if (debounce) clearTimeout(debounce); };
  }, []);

  return (
    <main class="view" data-testid="live-visitors" aria-labelledby="visitors-title">
      <div class="view-head">
        <h1 id="visitors-title">{t('visitors.title')}</h1>
        <p class="muted">{visitors ? t('visitors.count', { n: visitors.length }) : t('app.loading')}</p>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {visitors && visitors.length === 0 && <div class="empty-card"><p>{t('visitors.none')}</p></div>}
      {visitors && visitors.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <thead><tr><th scope="col">{t('visitors.who')}</th><th scope="col">{t('visitors.page')}</th><th scope="col">{t('visitors.onPage')}</th><th scope="col">{t('visitors.cart')}</th><th scope="col"><span class="sr-only">{t('visitors.actions')}</span></th></tr></thead>
            <tbody>
              {visitors.map((v) => {
                const onPage = v.timeOnPageMs !== null ? v.timeOnPageMs + (now - fetchedAt) : v.onPageSince !== null ? now - v.onPageSince : null;
                return (
                  <tr key={v.customerId} data-testid="visitor-row" data-customer-id={v.customerId}>
                    <td>
                      <a href={href(`/customers/${v.customerId}`)} onClick={linkClick(`/customers/${v.customerId}`)}>{v.name ?? v.email ?? t('customer.anonymous')}</a>
                      <div class="muted small">{[v.location, v.localTime && t('customer.localTime', { time: v.localTime })].filter(Boolean).join(' · ')}</div>
                      {v.inConversation && (v.conversationId
                        ? <a class="pill ok" href={href(`/inbox/${v.conversationId}`)} onClick={linkClick(`/inbox/${v.conversationId}`)}>{t('visitors.chatting')}</a>
                        : <span class="pill ok">{t('visitors.chatting')}</span>)}
                    </td>
                    <td><div class="page-title">{v.page?.title ?? v.page?.path ?? '—'}</div><div class="muted small mono">{v.page?.path ?? v.page?.url}</div></td>
                    <td>{onPage !== null ? duration(onPage) : '—'}</td>
                    <td>{v.cartValue ? money(v.cartValue, v.cartCurrency) : <span class="muted">—</span>}</td>
                    <td><InviteButton customerId={v.customerId} /></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}

function InviteButton({ customerId }: { customerId: string }) {
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState(t('visitors.defaultInvite'));
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<InviteOutcome | null>(null);

  const send = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setResult(null);
    const o = await sendInvite(customerId, message);
    setResult(o);
    setBusy(false);
    if (o.ok) setOpen(false);
  };

  return (
    <div class="invite">
      {!open && <button type="button" class="btn" data-testid="invite-visitor" onClick={() => { setOpen(true); setResult(null); }}>{t('visitors.invite')}</button>}
      {open && (
        <form onSubmit={(e) => void send(e)} class="invite-form">
          <label class="sr-only" for={`invite-${customerId}`}>{t('visitors.inviteMessage')}</label>
          <textarea id={`invite-${customerId}`} data-testid="invite-message" rows={2} maxLength={1000} value={message} onInput={(e) => setMessage(e.currentTarget.value)} />
          <div class="row-actions">
            <button type="submit" class="btn primary" data-testid="invite-send" disabled={busy || !message.trim()}>{t('visitors.send')}</button>
            <button type="button" class="btn ghost" onClick={() => setOpen(false)}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
      {result && <InviteResult result={result} />}
    </div>
  );
}
