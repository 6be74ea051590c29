/**
 * widget-chat.js: the chat panel, loaded by the loader on open or on an accepted invitation.
 * It renders into the loader's shadow root and drives the loader's socket client.
 */
import type { AttachmentRef, Message, VisitorConversation } from '@omotenashi/protocol';
import type { ChatHost, ChatPanel, Greeting } from '../chat-contract.js';
import { el, fillAvatar } from '../dom.js';
import { fill, formatMinutes, initials } from '../i18n.js';
import { KEYS, store, uuid } from '../storage.js';
import { CHAT_CSS } from './chat-styles.js';
import { parseMarkdown, type Inline } from './markdown.js';
import { Thread, pickConversation } from './thread.js';

const TYPING_IDLE_MS = 3_000;
const TYPING_SHOWN_MS = 10_000;

function renderInline(nodes: Inline[], into: HTMLElement): void {
  for (const n of nodes) {
    if (n.t === 'text') into.append(n.v);
    else if (n.t === 'br') into.append(el('br'));
    else if (n.t === 'code') into.append(el('code', {}, n.v));
    else if (n.t === 'link') {
      const a = el('a', { href: n.href, target: '_blank', rel: 'noopener noreferrer nofollow' });
      renderInline(n.c, a);
      into.append(a);
    } else {
      const e = el(n.t);
      renderInline(n.c, e);
      into.append(e);
    }
  }
}

/** Markdown source to DOM, text nodes only. */
export function renderMarkdown(src: string): DocumentFragment {
  const f = document.createDocumentFragment();
  for (const b of parseMarkdown(src)) {
    if (b.t === 'pre') f.append(el('pre', {}, b.v));
    else if (b.t === 'p') {
      const p = el('p');
      renderInline(b.c, p);
      f.append(p);
    } else {
      const list = el(b.t);
      for (const item of b.items) {
        const li = el('li');
        renderInline(item, li);
        list.append(li);
      }
      f.append(list);
    }
  }
  return f;
}

export function mount(host: ChatHost): ChatPanel {
  const s = host.strings;
  const root = host.slot.getRootNode() as ShadowRoot;
  const style = el('style', {}, CHAT_CSS);
  root.append(style);

  let thread = new Thread(null);
  let conv: VisitorConversation | null = null;
  let isOpen = false;
  let loadedFor: string | null | undefined;
  let greeting: Greeting | null = null;
  const rated = new Set<string>();
  // Read once; kept here as well, so that the thanks shows even where localStorage is unavailable.
  let savedEmail = store.get(KEYS.email);
  const offs: (() => void)[] = [];

  // ---- DOM -----------------------------------------------------------------------------------
  const closeBtn = el('button', { type: 'button', class: 'x', 'data-action': 'close', 'aria-label': s.closeChat }, '\u00d7');
  const state = el('span', { class: 'state', hidden: '' }, s.reconnecting);
  const greet = el('div', { class: 'greet', hidden: '' });
  const log = el('ol', { class: 'log', 'aria-label': s.title });
  const typing = el('div', { 'data-part': 'typing', hidden: '' });
  const csat = el('div', { 'data-part': 'csat', hidden: '' });
  const offline = el('div', { 'data-part': 'offline', hidden: '' });
  const textarea = el('textarea', { rows: '1', placeholder: s.placeholder, 'aria-label': s.placeholder, maxlength: '10000' });
  const file = el('input', { type: 'file', accept: 'image/png,image/jpeg,image/gif,image/webp,application/pdf', tabindex: '-1' });
  const attach = el('button', { type: 'button', class: 'icon', 'data-action': 'attach', 'aria-label': s.attach, title: s.attach });
  // A constant icon (not data): drawn, since a paperclip emoji needs a font the page may lack.
  attach.innerHTML = '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><path d="M21 11.5l-8.5 8.5a5 5 0 0 1-7-7L14 4.5a3.3 3.3 0 0 1 4.7 4.7L10 17.9a1.7 1.7 0 0 1-2.4-2.4L15.5 7.6"/></svg>';
  const sendBtn = el('button', { type: 'submit', class: 'btn', 'data-action': 'send' }, s.send);
  const composer = el('form', { 'data-part': 'composer' }, attach, file, textarea, sendBtn);
  const panel = el('div', { 'data-part': 'panel', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'o-chat-title', hidden: '' },
    el('header', {}, el('h2', { id: 'o-chat-title' }, s.title), state, closeBtn),
    offline, greet, log, typing, csat, composer);
  host.slot.append(panel);

  closeBtn.addEventListener('click', () => host.requestClose());
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      host.requestClose();
    } else if (e.key === 'Tab') trapFocus(e);
  });

  /** Keeps Tab and Shift+Tab inside the dialog while it is open. */
  function trapFocus(e: KeyboardEvent): void {
    const items = [...panel.querySelectorAll<HTMLElement>('button,textarea,input:not([type=file]),a[href]')].filter((x) => !x.closest('[hidden]') && !(x as HTMLButtonElement).disabled);
    if (!items.length) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    const active = root.activeElement;
    if (e.shiftKey && (active === first || !panel.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !panel.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  }

  // ---- rendering -----------------------------------------------------------------------------
  function attachmentUrl(a: AttachmentRef): string {
    const token = host.welcome()?.sessionToken ?? '';
    return `${host.base}/v1/attachments/${encodeURIComponent(a.id)}?token=${encodeURIComponent(token)}`;
  }

  function files(list: AttachmentRef[]): HTMLElement | null {
    if (!list.length) return null;
    const box = el('div', { class: 'files' });
    for (const a of list) {
      const url = attachmentUrl(a);
      const link = el('a', { href: url, target: '_blank', rel: 'noopener noreferrer' });
      if (a.contentType.startsWith('image/')) link.append(el('img', { src: url, alt: a.fileName, loading: 'lazy' }));
      else link.append(a.fileName);
      box.append(link);
    }
    return box;
  }

  function render(): void {
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    // An operator's answer means they read what came before it (a reply sets no read receipt).
    const readSeq = Math.max(conv?.operatorReadSeq ?? 0, thread.lastOperatorSeq);
    log.textContent = '';
    for (const item of thread.items()) {
      if (item.kind === 'pending') {
        log.append(el('li', { 'data-part': 'message', 'data-author': 'customer', 'data-pending': '' },
          el('div', { class: 'bubble' }, renderMarkdown(item.p.text)),
          el('div', { class: item.p.state === 'failed' ? 'meta failed' : 'meta' }, item.p.state === 'failed' ? s.failed : s.sending)));
        continue;
      }
      const m = item.m;
      const author = m.author.type;
      const li = el('li', { 'data-part': 'message', 'data-author': author, 'data-seq': String(m.seq) });
      if (author === 'operator') li.append(el('div', { class: 'name' }, m.author.name ?? s.someone));
      const bubble = el('div', { class: 'bubble' }, renderMarkdown(m.text));
      const f = files(m.attachments);
      if (f) bubble.append(f);
      li.append(bubble);
      if (author === 'customer') li.append(el('div', { class: 'meta', 'data-part': 'receipt' }, m.seq <= readSeq ? s.read : s.sent));
      log.append(li);
    }
    if (atBottom || isOpen) log.scrollTop = log.scrollHeight;
    renderCsat();
  }

  function renderGreeting(): void {
    greet.textContent = '';
    greet.hidden = !greeting;
    if (!greeting) return;
    const av = el('div', { class: 'av', 'aria-hidden': 'true' });
    fillAvatar(av, greeting.avatarUrl, initials(greeting.name));
    greet.append(av, el('div', {}, el('div', { class: 'name' }, greeting.name), el('div', { class: 'bubble', 'data-part': 'greeting' }, renderMarkdown(greeting.text))));
  }

  function renderCsat(): void {
    const ask = !!conv && conv.csatRequested && !rated.has(conv.id);
    if (csat.hidden !== !ask) csat.hidden = !ask;
    if (!ask || csat.childElementCount) return;
    const row = el('div', { class: 'row', role: 'group', 'aria-label': s.csat });
    for (let n = 1; n <= 5; n++) {
      const b = el('button', { type: 'button', 'data-score': String(n), 'aria-label': fill(s.rate, { n }) }, String(n));
      b.addEventListener('click', () => {
        if (!conv) return;
        host.client().rate(conv.id, n as 1 | 2 | 3 | 4 | 5);
        rated.add(conv.id);
        csat.textContent = '';
        csat.append(el('p', { role: 'status' }, s.thanksRating));
        csat.hidden = false;
      });
      row.append(b);
    }
    csat.append(el('p', {}, s.csat), row);
  }

  function renderOffline(): void {
    const w = host.welcome();
    offline.hidden = !w || w.operatorsOnline;
    if (offline.hidden) return;
    const minutes = host.replyWithinMinutes ?? w!.replyWithinMinutes;
    offline.textContent = '';
    offline.append(el('p', {}, fill(s.offline, { time: formatMinutes(minutes, host.locale) })));
    if (savedEmail) {
      offline.append(el('p', { role: 'status' }, fill(s.emailSaved, { email: savedEmail })));
      return;
    }
    const input = el('input', { type: 'email', required: '', autocomplete: 'email', placeholder: s.email, 'aria-label': s.email });
    const form = el('form', {}, input, el('button', { type: 'submit', class: 'btn', 'data-action': 'save-email' }, s.save));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const email = input.value.trim();
      if (!input.checkValidity() || !email) return input.reportValidity();
      host.saveEmail(email); // stores it for the next pages too
      savedEmail = email;
      renderOffline();
    });
    offline.append(form);
  }

  // ---- conversation --------------------------------------------------------------------------
  function use(c: VisitorConversation | null): void {
    if (c && thread.conversationId === c.id) {
      conv = c;
      return;
    }
    conv = c;
    thread = new Thread(c?.id ?? null);
    csat.textContent = '';
    if (c) for (const m of host.client().messages(c.id)) thread.add(m);
    render();
  }

  /** History from the server (the socket only resends what came after lastSeen). */
  async function loadHistory(): Promise<void> {
    const w = host.welcome();
    if (!w) return;
    const c = conv ?? pickConversation(host.client().conversations);
    if (!c || loadedFor === c.id) return;
    loadedFor = c.id;
    use(c);
    let after = 0;
    for (let page = 0; page < 10; page++) {
      const res = await fetch(`${host.base}/v1/conversations/${encodeURIComponent(c.id)}/messages?afterSeq=${after}&limit=200`, {
        headers: { authorization: `Bearer ${w.sessionToken}` }, credentials: 'omit',
      });
      if (!res.ok) {
        loadedFor = undefined;
        return;
      }
      const { messages } = (await res.json()) as { messages: Message[] };
      if (thread.conversationId !== c.id) return;
      for (const m of messages) thread.add(m);
      if (messages.length < 200) break;
      after = messages[messages.length - 1]!.seq;
    }
    render();
    markRead();
  }

  /** Loads the history; a failure is reported and tried again on the next open or welcome. */
  function refreshHistory(): void {
    loadHistory().catch((e: unknown) => {
      loadedFor = undefined;
      console.warn('[omotenashi] could not load the chat history', e);
    });
  }

  function markRead(): void {
    if (!isOpen || !conv || document.visibilityState === 'hidden') return;
    const seq = thread.lastOperatorSeq;
    if (seq > 0) host.client().markRead(conv.id, Math.max(seq, thread.lastSeq));
  }

  offs.push(
    host.on('welcome', () => {
      renderOffline();
      if (!conv) use(pickConversation(host.client().conversations));
      if (isOpen) refreshHistory();
    }),
    host.on('conversation', (c) => {
      if (!conv || c.id === conv.id) use(c);
      else if (c.createdAt > conv.createdAt && c.status !== 'resolved') use(c);
      renderCsat();
    }),
    host.on('message', (m) => {
      if (!conv) use(host.client().conversations.find((c) => c.id === m.conversationId) ?? { id: m.conversationId, status: 'open', lastSeq: m.seq, operatorReadSeq: 0, csatRequested: false, createdAt: m.createdAt });
      if (m.conversationId !== thread.conversationId) return;
      if (thread.add(m)) {
        if (m.author.type === 'operator') typing.hidden = true;
        render();
        markRead();
      }
    }),
    host.on('read', (r) => {
      if (conv && r.conversationId === conv.id) {
        conv = { ...conv, operatorReadSeq: Math.max(conv.operatorReadSeq, r.seq) };
        render();
      }
    }),
    host.on('typing', (t) => {
      if (!conv || t.conversationId !== conv.id) return;
      typing.textContent = fill(s.typing, { name: t.name ?? s.someone });
      typing.hidden = !t.typing;
      clearTimeout(typingShownT);
      if (t.typing) typingShownT = setTimeout(() => (typing.hidden = true), TYPING_SHOWN_MS);
    }),
    host.on('state', (st) => {
      state.hidden = st !== 'connecting' || !host.welcome();
    }),
  );
  let typingShownT: ReturnType<typeof setTimeout> | undefined;

  // ---- composing -----------------------------------------------------------------------------
  let typingSent = false;
  let typingT: ReturnType<typeof setTimeout> | undefined;
  const stopTyping = () => {
    clearTimeout(typingT);
    if (typingSent && conv) host.client().typing(conv.id, false);
    typingSent = false;
  };
  textarea.addEventListener('input', () => {
    textarea.style.height = 'auto';
    textarea.style.height = `${Math.min(textarea.scrollHeight, 120)}px`;
    if (!conv) return;
    if (!typingSent) host.client().typing(conv.id, true);
    typingSent = true;
    clearTimeout(typingT);
    typingT = setTimeout(stopTyping, TYPING_IDLE_MS);
  });
  textarea.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      composer.requestSubmit();
    }
  });

  function send(text: string, attachmentIds?: string[]): void {
    const clientMessageId = uuid();
    if (text) {
      thread.send({ clientMessageId, text, state: 'sending' });
      render();
    }
    // No conversationId: the server picks the visitor's open conversation or starts one.
    host.client().send(text, { clientMessageId, ...(attachmentIds ? { attachmentIds } : {}) }).then((m) => {
      if (m.conversationId !== thread.conversationId) {
        const known = host.client().conversations.find((c) => c.id === m.conversationId);
        use(known ?? { id: m.conversationId, status: 'open', lastSeq: m.seq, operatorReadSeq: 0, csatRequested: false, createdAt: m.createdAt });
        loadedFor = m.conversationId;
      }
      if (thread.add(m)) render();
    }, () => {
      thread.fail(clientMessageId);
      render();
    });
  }

  composer.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = textarea.value.trim();
    if (!text) return;
    textarea.value = '';
    textarea.style.height = '';
    stopTyping();
    send(text);
  });

  attach.addEventListener('click', () => file.click());
  file.addEventListener('change', () => {
    const chosen = [...(file.files ?? [])].slice(0, 10);
    file.value = '';
    void (async () => {
      const ids: string[] = [];
      for (const f of chosen) {
        const token = host.welcome()?.sessionToken;
        if (!token) break;
        const res = await fetch(`${host.base}/v1/attachments?fileName=${encodeURIComponent(f.name)}`, {
          method: 'POST', body: f, credentials: 'omit',
          headers: { authorization: `Bearer ${token}`, 'content-type': f.type || 'application/octet-stream' },
        }).catch(() => null);
        if (res?.ok) ids.push(((await res.json()) as AttachmentRef).id);
      }
      if (ids.length < chosen.length) {
        log.append(el('li', { 'data-part': 'message', 'data-author': 'system' }, el('div', { class: 'bubble', role: 'alert' }, s.uploadFailed)));
      }
      // The text goes with the files; when none got through it stays in the box, not lost.
      if (!ids.length) return;
      send(textarea.value.trim(), ids);
      textarea.value = '';
    })();
  });

  return {
    get isOpen() {
      return isOpen;
    },
    open(g?: Greeting) {
      if (g) {
        greeting = g;
        renderGreeting();
      }
      panel.hidden = false;
      isOpen = true;
      renderOffline();
      render();
      refreshHistory();
      markRead();
      textarea.focus();
    },
    close() {
      stopTyping();
      panel.hidden = true;
      isOpen = false;
    },
    destroy() {
      stopTyping();
      for (const off of offs) off();
      panel.remove();
      style.remove();
      isOpen = false;
    },
  };
}
