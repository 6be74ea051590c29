/**
 * One conversation: header (customer, status, assignment, priority, SLA), the thread (messages
 * and visibly different internal notes, attachments), and the composer (reply or note,
 * snippets rendered by the server for this customer, file uploads).
 */
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { t, tMaybe } from '../lib/i18n';
import { socket } from '../lib/realtime';
import { bytes, dateTime, shortTime } from '../lib/format';
import { Markdown } from '../lib/markdown';
import { useCustomerName } from '../lib/customers';
import { isTyping } from '../lib/keys';
import { newer } from '../lib/newer';
import { onSnippetRequest } from '../lib/composer-bridge';
import type { AttachmentRef, Conversation, Message, SnippetSuggestion } from '../lib/types';
import { AppContext, operatorName } from '../context';
import { SlaBadge } from '../components/sla';

interface MessagesPage { messages: Message[]; nextCursor: string | null }

const MAX_PAGES = 10;

export function ConversationView({ conversationId, onCustomer, onTogglePanel, panelOpen }: {
  conversationId: string; onCustomer: (id: string) => void; onTogglePanel: () => void; panelOpen: boolean;
}) {
  const app = useContext(AppContext);
  const [conv, setConvState] = useState<Conversation | null>(null);
  // HTTP answers and socket frames race; whichever arrives, the later state of the conversation stays.
  const setConv = (c: Conversation) => setConvState((old) => newer(old, c));
  const [messages, setMessages] = useState<Message[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [customerTyping, setCustomerTyping] = useState(false);
  const composerRef = useRef<ComposerHandle>({ focus: () => undefined });
  const threadRef = useRef<HTMLDivElement>(null);
  const convRef = useRef(conv);
  convRef.current = conv;

  useEffect(() => {
    let alive = true;
    (async () => {
      const c = await api.get<Conversation>(`/api/v1/conversations/${encodeURIComponent(conversationId)}`);
      if (!alive) return;
      setConv(c);
      onCustomer(c.customerId);
      const all: Message[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < MAX_PAGES; i++) {
        const page: MessagesPage = await api.get<MessagesPage>(`/api/v1/conversations/${encodeURIComponent(conversationId)}/messages`, cursor ? { cursor, limit: 200 } : { afterSeq: 0, limit: 200 });
        all.push(...page.messages);
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      if (alive) setMessages(all);
    })().catch((err: unknown) => { if (alive) setError(errorText(err)); });
    return () => { alive = false; };
  }, [conversationId]);

  // Live: new messages and notes, changes to this conversation, the customer typing.
  useEffect(() => socket.on((f) => {
    if ((f.type === 'conversation.updated' || f.type === 'message.created' || f.type === 'sla.warning' || f.type === 'sla.breached') && f.conversation.id === conversationId) {
      setConv(f.conversation);
    }
    if (f.type === 'message.created' && f.message.conversationId === conversationId) {
      setMessages((old) => (old.some((m) => m.id === f.message.id) ? old : [...old, f.message]));
      if (f.message.author.type === 'customer') setCustomerTyping(false);
    }
    if (f.type === 'typing' && f.conversationId === conversationId && f.author === 'customer') setCustomerTyping(f.typing);
    if (f.type === 'reconnected') {
      void api.get<Conversation>(`/api/v1/conversations/${encodeURIComponent(conversationId)}`).then(setConv).catch(() => undefined);
      const lastSeq = messagesRef.current.reduce((m, x) => Math.max(m, x.seq), 0);
      void api.get<MessagesPage>(`/api/v1/conversations/${encodeURIComponent(conversationId)}/messages`, { afterSeq: Math.max(0, lastSeq - 1), limit: 200 })
        .then((p) => setMessages((old) => { const ids = new Set(old.map((m) => m.id)); return [...old, ...p.messages.filter((m) => !ids.has(m.id))]; }))
        .catch(() => undefined);
    }
  }), [conversationId]);
  const messagesRef = useRef(messages);
  messagesRef.current = messages;

  // Scroll to the newest message and mark the conversation read as far as it is shown.
  useEffect(() => {
    const el = threadRef.current;
    if (el) el.scrollTop = el.scrollHeight;
    const last = conv?.lastSeq ?? 0;
    if (last > 0 && document.visibilityState === 'visible') {
      void api.post(`/api/v1/conversations/${encodeURIComponent(conversationId)}/read`, { seq: last }).catch(() => undefined);
    }
  }, [messages.length, conv?.lastSeq]);

  const act = async (fn: () => Promise<Conversation>) => {
    setActionError(null);
    try { setConv(await fn()); } catch (err) { setActionError(errorText(err)); }
  };
  const setStatus = (status: string) => act(() => api.post<Conversation>(`/api/v1/conversations/${encodeURIComponent(conversationId)}/status`, { status }));
  const assign = (assigneeId: string | null) => act(() => api.post<Conversation>(`/api/v1/conversations/${encodeURIComponent(conversationId)}/assign`, { assigneeId }));
  const setPriority = (priority: string) => act(() => api.patch<Conversation>(`/api/v1/conversations/${encodeURIComponent(conversationId)}`, { priority }));

  // r reply, n note, e resolve.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e) || e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === 'r') { e.preventDefault(); composerRef.current.focus('text'); }
      else if (e.key === 'n') { e.preventDefault(); composerRef.current.focus('note'); }
      else if (e.key === 'e' && convRef.current && convRef.current.status !== 'resolved') { e.preventDefault(); void setStatus('resolved'); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [conversationId]);

  const name = useCustomerName(conv?.customerId);
  if (error) return <section class="conversation-pane"><p class="error pad" role="alert">{error}</p></section>;
  if (!conv) return <section class="conversation-pane" aria-busy="true"><p class="muted pad">{t('app.loading')}</p></section>;

  const resolved = conv.status === 'resolved';
  return (
    <section class="conversation-pane" data-testid="conversation" aria-labelledby="conv-title">
      <header class="conv-head">
        <div class="conv-title">
          <h2 id="conv-title">{name ?? t('customer.anonymous')}</h2>
          <div class="conv-sub">
            <span class={`pill status-${conv.status}`}>{tMaybe('status', conv.status)}</span>
            <span class="pill subtle">{tMaybe('channel', conv.channel)}</span>
            {conv.team && <span class="pill subtle">{t('conv.team')}: {conv.team}</span>}
            {conv.labels.map((l) => <span key={l} class="pill subtle">{l}</span>)}
            <SlaBadge c={conv} />
          </div>
        </div>
        <div class="conv-actions">
          <label class="inline-field"><span>{t('conv.assignee')}</span>
            <select data-testid="assign" value={conv.assigneeId ?? ''} onChange={(e) => void assign(e.currentTarget.value || null)}>
              <option value="">{t('inbox.nobody')}</option>
              {app.operators.filter((o) => !o.disabled).map((o) => <option key={o.id} value={o.id}>{o.id === app.me.id ? t('conv.me', { name: o.name }) : o.name}</option>)}
              {conv.assigneeId && !app.operators.some((o) => o.id === conv.assigneeId) && <option value={conv.assigneeId}>{operatorName(app, conv.assigneeId)}</option>}
            </select>
          </label>
          <label class="inline-field"><span>{t('inbox.priority')}</span>
            <select data-testid="priority-select" value={conv.priority} onChange={(e) => void setPriority(e.currentTarget.value)}>
              {(['urgent', 'high', 'normal', 'low'] as const).map((p) => <option key={p} value={p}>{t(`priority.${p}`)}</option>)}
            </select>
          </label>
          <label class="inline-field"><span>{t('inbox.status')}</span>
            <select data-testid="status-select" value={conv.status} onChange={(e) => void setStatus(e.currentTarget.value)}>
              {(['open', 'pending', 'resolved'] as const).map((s) => <option key={s} value={s} disabled={resolved && s === 'pending'}>{t(`status.${s}`)}</option>)}
              {conv.status === 'snoozed' && <option value="snoozed">{t('status.snoozed')}</option>}
            </select>
          </label>
          {!conv.assigneeId && <button type="button" class="btn" onClick={() => void assign(app.me.id)}>{t('conv.takeIt')}</button>}
          {resolved
            ? <button type="button" class="btn" data-testid="reopen" onClick={() => void setStatus('open')}>{t('conv.reopen')}</button>
            : <button type="button" class="btn primary" data-testid="resolve" onClick={() => void setStatus('resolved')} title="e">{t('conv.resolve')}</button>}
          <button type="button" class="btn ghost panel-toggle" aria-pressed={panelOpen} onClick={onTogglePanel}>{t('conv.customer')}</button>
        </div>
      </header>
      {actionError && <p class="error pad" role="alert">{actionError}</p>}
      {conv.csat && (
        <div class="csat-banner" data-testid="csat" data-score={conv.csat.score}>
          <span class="stars" aria-label={t('csat.scoreOf', { n: conv.csat.score })}>{'★'.repeat(conv.csat.score)}{'☆'.repeat(Math.max(0, 5 - conv.csat.score))}</span>
          <span>{t('csat.rated', { n: conv.csat.score })}</span>
          {conv.csat.comment && <q class="csat-comment">{conv.csat.comment}</q>}
        </div>
      )}
      <div class="thread" data-testid="thread" ref={threadRef} role="log" aria-live="polite" aria-label={t('conv.thread')}>
        {messages.length === 0 && <p class="muted pad">{t('conv.noMessages')}</p>}
        {messages.map((m, i) => <MessageItem key={m.id} m={m} prev={messages[i - 1]} />)}
        {customerTyping && <p class="typing muted" aria-live="polite">{t('conv.customerTyping', { name: name ?? t('customer.anonymous') })}</p>}
      </div>
      <Composer conversationId={conversationId} handle={composerRef} resolved={resolved}
        onSent={(m, c) => { setMessages((old) => (old.some((x) => x.id === m.id) ? old : [...old, m])); if (c) setConv(c); }} />
    </section>
  );
}

function MessageItem({ m, prev }: { m: Message; prev: Message | undefined }) {
  const mine = m.author.type === 'operator';
  const note = m.kind === 'note';
  const showAuthor = !prev || prev.author.type !== m.author.type || prev.author.id !== m.author.id || prev.kind !== m.kind || m.createdAt - prev.createdAt > 5 * 60_000;
  const author = m.author.type === 'customer' ? t('conv.customerAuthor') : m.author.name ?? t('conv.supportTeam');
  return (
    <article class={`message ${m.author.type} ${note ? 'note' : ''}`} data-testid="message" data-author-type={m.author.type} data-kind={m.kind} data-message-id={m.id}
      aria-label={note ? t('conv.noteBy', { name: author }) : author}>
      {showAuthor && (
        <header class="message-meta">
          {note && <span class="note-tag">{t('conv.internalNote')}</span>}
          <span class="author">{author}</span>
          <time dateTime={new Date(m.createdAt).toISOString()} title={dateTime(m.createdAt)}>{shortTime(m.createdAt)}</time>
        </header>
      )}
      <div class={`bubble ${mine ? 'right' : 'left'}`}>
        {m.text && <Markdown text={m.text} />}
        {m.attachments.length > 0 && (
          <ul class="attachments">
            {m.attachments.map((a) => <Attachment key={a.id} a={a} />)}
          </ul>
        )}
      </div>
    </article>
  );
}

function Attachment({ a }: { a: AttachmentRef }) {
  const url = `/api/v1/attachments/${encodeURIComponent(a.id)}`;
  const image = a.contentType.startsWith('image/');
  return (
    <li data-testid="message-attachment">
      <a href={url} target="_blank" rel="noopener noreferrer" class="attachment">
        {image && <img src={url} alt={a.fileName} loading="lazy" />}
        <span class="file-name">{a.fileName}</span>
        <span class="muted small">{bytes(a.size)}</span>
      </a>
    </li>
  );
}

interface ComposerHandle { focus: (mode: 'text' | 'note') => void }

function Composer({ conversationId, handle, onSent, resolved }: {
  conversationId: string; handle: { current: ComposerHandle }; onSent: (m: Message, c: Conversation | null) => void; resolved: boolean;
}) {
  const [text, setText] = useState('');
  const [note, setNote] = useState(false);
  const [files, setFiles] = useState<AttachmentRef[]>([]);
  const [busy, setBusy] = useState(false);
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [picker, setPicker] = useState<{ q: string; items: SnippetSuggestion[]; index: number } | null>(null);
  const areaRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const lastTyping = useRef(0);

  handle.current = { focus: (mode) => { setNote(mode === 'note'); areaRef.current?.focus(); } };
  // A suggestion in the customer panel opens the snippet picker on its query.
  useEffect(() => onSnippetRequest((q) => { setNote(false); setText(`/${q}`); setPicker({ q, items: [], index: 0 }); areaRef.current?.focus(); }), []);

  // Snippets: typing "/" at the start of the composer opens the picker; the server renders the variables.
  useEffect(() => {
    if (!picker) return;
    let alive = true;
    const id = setTimeout(() => {
      api.get<{ suggestions: SnippetSuggestion[] }>(`/api/v1/conversations/${encodeURIComponent(conversationId)}/snippets`, { q: picker.q || undefined, limit: 8 })
        .then((r) => { if (alive) setPicker((p) => (p ? { ...p, items: r.suggestions, index: 0 } : p)); })
        .catch((err: unknown) => { if (alive) setError(errorText(err)); });
    }, 120);
    return () => { alive = false; clearTimeout(id); };
  }, [picker?.q, conversationId]);

  const onInput = (value: string) => {
    setText(value);
    const m = /^\/([a-z0-9_-]*)$/.exec(value);
    setPicker(m ? { q: m[1]!, items: picker?.items ?? [], index: 0 } : null);
    if (!note && Date.now() - lastTyping.current > 3000) {
      lastTyping.current = Date.now();
      socket.send({ type: 'typing', conversationId, typing: true });
    }
  };

  const choose = (s: SnippetSuggestion) => {
    setText(s.text);
    setPicker(null);
    if (s.missing.length) setError(t('composer.missing', { vars: s.missing.join(', ') }));
    areaRef.current?.focus();
  };

  const upload = async (list: FileList | null) => {
    if (!list) return;
    setUploading(true);
    setError(null);
    try {
      for (const f of Array.from(list)) {
        const ref = await api.upload<AttachmentRef>(`/api/v1/attachments?fileName=${encodeURIComponent(f.name)}`, f, f.type || 'application/octet-stream');
        setFiles((old) => [...old, ref]);
      }
    } catch (err) {
      setError(errorText(err));
    } finally {
      setUploading(false);
      if (fileRef.current) fileRef.current.value = '';
    }
  };

  const send = async () => {
    if (busy || (!text.trim() && files.length === 0)) return;
    setBusy(true);
    setError(null);
    const clientMessageId = crypto.randomUUID();
    try {
      if (note) {
        const r = await api.post<{ message: Message }>(`/api/v1/conversations/${encodeURIComponent(conversationId)}/notes`, { text, clientMessageId });
        onSent(r.message, null);
      } else {
        const r = await api.post<{ message: Message; conversation: Conversation }>(`/api/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
          { text, clientMessageId, attachmentIds: files.length ? files.map((f) => f.id) : undefined });
        onSent(r.message, r.conversation);
        socket.send({ type: 'typing', conversationId, typing: false });
      }
      setText('');
      setFiles([]);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
      areaRef.current?.focus();
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (picker && picker.items.length) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const d = e.key === 'ArrowDown' ? 1 : -1;
        setPicker({ ...picker, index: (picker.index + d + picker.items.length) % picker.items.length });
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') { e.preventDefault(); choose(picker.items[picker.index]!); return; }
    }
    if (e.key === 'Escape') { if (picker) setPicker(null); else (e.currentTarget as HTMLElement).blur(); return; }
    if (e.key === 'Enter' && (e.metaKey || e.ctrlKey || !e.shiftKey)) { e.preventDefault(); void send(); }
  };

  return (
    <div class={`composer ${note ? 'note-mode' : ''}`}>
      <div class="composer-tabs" role="tablist" aria-label={t('composer.mode')}>
        <button type="button" role="tab" aria-selected={!note} class={`tab ${!note ? 'active' : ''}`} onClick={() => setNote(false)}>{t('composer.reply')}</button>
        <button type="button" role="tab" aria-selected={note} class={`tab ${note ? 'active' : ''}`} data-testid="note-toggle" onClick={() => setNote(!note)}>{t('composer.note')}</button>
        <span class="composer-hint muted small">{note ? t('composer.noteHint') : resolved ? t('composer.resolvedHint') : t('composer.hint')}</span>
      </div>
      {picker && (
        <ul class="snippet-picker" role="listbox" data-testid="snippet-picker" aria-label={t('composer.snippets')}>
          {picker.items.length === 0 && <li class="muted small pad">{t('composer.noSnippets')}</li>}
          {picker.items.map((s, i) => (
            <li key={s.id} role="option" aria-selected={i === picker.index} class={i === picker.index ? 'active' : ''} data-testid="snippet-option"
              onMouseDown={(e) => { e.preventDefault(); choose(s); }}>
              <strong>/{s.shortcut}</strong> <span>{s.title}</span>
              <div class="muted small snippet-text">{s.text}</div>
            </li>
          ))}
        </ul>
      )}
      <label class="sr-only" for="composer-text">{note ? t('composer.note') : t('composer.reply')}</label>
      <textarea id="composer-text" ref={areaRef} data-testid="composer" rows={3} value={text} maxLength={10000}
        placeholder={note ? t('composer.notePlaceholder') : t('composer.placeholder')}
        onInput={(e) => onInput(e.currentTarget.value)} onKeyDown={onKeyDown} />
      {files.length > 0 && (
        <ul class="pending-files">
          {files.map((f) => (
            <li key={f.id}><span class="file-name">{f.fileName}</span> <span class="muted small">{bytes(f.size)}</span>
              <button type="button" class="btn ghost tiny" aria-label={t('composer.removeFile', { name: f.fileName })} onClick={() => setFiles(files.filter((x) => x.id !== f.id))}>×</button></li>
          ))}
        </ul>
      )}
      {error && <p class="error small" role="alert" data-testid="composer-error">{error}</p>}
      <div class="composer-foot">
        <div class="composer-tools">
          <button type="button" class="btn ghost" onClick={() => { setText('/'); setPicker({ q: '', items: [], index: 0 }); areaRef.current?.focus(); }}>{t('composer.snippetsButton')}</button>
          {!note && (
            <label class="btn ghost file-btn">
              {uploading ? t('composer.uploading') : t('composer.attach')}
              <input ref={fileRef} type="file" class="sr-only" data-testid="attach-file" accept="image/png,image/jpeg,image/gif,image/webp,application/pdf" multiple
                onChange={(e) => void upload(e.currentTarget.files)} />
            </label>
          )}
        </div>
        <button type="button" class={`btn ${note ? 'note' : 'primary'}`} data-testid="composer-send" disabled={busy || uploading || (!text.trim() && files.length === 0)} onClick={() => void send()}>
          {note ? t('composer.addNote') : t('composer.send')}
        </button>
      </div>
    </div>
  );
}
