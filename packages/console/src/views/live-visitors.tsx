/**
 * Who is on the site now: current page, time on page, cart value; "Invite to chat" sends a
 * manual invitation that still passes the etiquette, and says why when it is held back.
 * The list is read again shortly after any shopper opens a page (`visitor.activity`), and every
 * 30 s as a fallback (for visitors leaving, and frames missed while the socket was down).
 */
import type { LiveVisitorView, LiveVisitorsPage } from '@omotenashi/protocol';
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

/** Where and when, in one line: "Osaka, JP · 23:10 for them". */
function whereAndWhen(v: LiveVisitorView): string {
  const place = [v.location.city, v.location.country].filter(Boolean).join(', ');
  const lt = v.localTime ? t('customer.localTime', { time: `${String(v.localTime.hour).padStart(2, '0')}:${String(v.localTime.minute).padStart(2, '0')}` }) : null;
  return [place, lt].filter(Boolean).join(' · ');
}

export function LiveVisitors() {
  const [visitors, setVisitors] = useState<LiveVisitorView[] | null>(null);
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
      api.get<LiveVisitorsPage>('/api/v1/visitors/live')
        .then((r) => {
          if (!alive) return;
          setVisitors(r.visitors);
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
                const onPage = v.timeOnPageMs !== null ? v.timeOnPageMs + (now - fetchedAt) : null;
                const conv = v.conversation;
                return (
                  <tr key={v.customerId} data-testid="visitor-row" data-customer-id={v.customerId}>
                    <td>
                      <a href={href(`/customers/${v.customerId}`)} onClick={linkClick(`/customers/${v.customerId}`)}>{v.name ?? v.email ?? t('customer.anonymous')}</a>
                      <div class="muted small">{whereAndWhen(v)}</div>
                      {conv.open && (conv.id
                        ? <a class="pill ok" href={href(`/inbox/${conv.id}`)} onClick={linkClick(`/inbox/${conv.id}`)}>{t('visitors.chatting')}</a>
                        : <span class="pill ok">{t('visitors.chatting')}</span>)}
                    </td>
                    <td><div class="page-title">{v.currentPage?.title ?? v.currentPage?.path ?? '—'}</div><div class="muted small mono">{v.currentPage?.path ?? v.currentPage?.url}</div></td>
                    <td>{onPage !== null ? duration(onPage) : '—'}</td>
                    <td>{v.cart.value ? money(v.cart.value, v.cart.currency) : <span class="muted">—</span>}</td>
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
