/**
 * widget.js: the script a shop embeds. It defines `window.Omotenashi`, replays the calls the
 * snippet queued, tracks the visit, keeps the realtime socket (for hints, invitations and chat)
 * and loads the chat panel (widget-chat.js) only when it is opened.
 */
import { OmotenashiClient, type ClientEvents } from '@omotenashi/client';
import type { InvitationFrame, Welcome } from '@omotenashi/protocol';
import { readProof, replay, type ApiMethod } from './api.js';
import type { ChatHost, ChatPanel, Greeting, MountChat } from './chat-contract.js';
import { parseConfig, type WidgetConfig } from './config.js';
import { ConsentGate, type ConsentAnswers } from './consent.js';
import { safeUrl } from './dom.js';
import { Emitter } from './emitter.js';
import { LOCALES, fill, pickLocale } from './i18n.js';
import { HOST_ID, Shell, invitationText } from './shell.js';
import { KEYS, store, uuid } from './storage.js';
import { Tracker } from './tracker.js';

type PublicEvents = { ready: undefined; invitation: InvitationFrame; message: ClientEvents['message']; open: undefined; close: undefined };
interface Pre { q?: unknown; locale?: unknown; _loaded?: boolean }
interface StoredUser { userId: string; userHash?: string; identityToken?: string }

function findScript(): HTMLScriptElement | null {
  const cur = document.currentScript;
  if (cur instanceof HTMLScriptElement && cur.src) return cur;
  return document.querySelector<HTMLScriptElement>('script[data-write-key][src*="widget.js"]');
}

function start(cfg: WidgetConfig, pre: Pre): void {
  const gpc = cfg.honorGpc && (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
  const gate = new ConsentGate({ requireConsent: cfg.requireConsent, gpc }, store.json<ConsentAnswers>(KEYS.consent) ?? {});
  // The shop's choice first (attribute, then snippet config), then the page's language (the
  // shop speaks it, so the visitor reads it), then the browser's.
  const locale = pickLocale([cfg.locale, typeof pre.locale === 'string' ? pre.locale : null, document.documentElement.lang, ...(navigator.languages ?? []), navigator.language]);
  const s = LOCALES[locale]!;
  const pub = new Emitter<PublicEvents>();
  const relay = new Emitter<{ [K in keyof ClientEvents]: ClientEvents[K] }>();

  // ---- identity ------------------------------------------------------------------------------
  // Stored only once some consent allows storing an identifier; kept in memory until then.
  let anonymousId = store.get(KEYS.anonymousId) || uuid();
  let user = store.json<StoredUser>(KEYS.user);
  const mayStore = () => gate.allows('analytics') || gate.allows('service');
  const persistIds = () => {
    if (!mayStore()) return;
    store.set(KEYS.anonymousId, anonymousId);
    if (user) store.set(KEYS.user, JSON.stringify(user));
  };
  // Consent withdrawn: the identifiers stored under the old yes go too (kept in memory for this page).
  const forgetIds = () => {
    store.remove(KEYS.anonymousId);
    store.remove(KEYS.user);
  };
  persistIds();

  const tracker = new Tracker(cfg, gate, { anonymousId: () => anonymousId, userId: () => user?.userId ?? null }, (e) => e.composedPath().includes(shell.host));

  // ---- socket --------------------------------------------------------------------------------
  let client: OmotenashiClient | null = null;
  let welcome: Welcome | null = null;
  let unread = 0;
  const makeClient = (): OmotenashiClient => {
    const c = new OmotenashiClient({
      url: cfg.socketUrl, writeKey: cfg.writeKey, anonymousId,
      ...(user && (user.userHash || user.identityToken) ? { userId: user.userId, userHash: user.userHash, identityToken: user.identityToken } : {}),
      storage: { get: (k) => store.get(k), set: (k, v) => (mayStore() ? store.set(k, v) : undefined), remove: (k) => store.remove(k) },
      page: { url: location.href, title: document.title }, locale,
    });
    for (const ev of ['welcome', 'message', 'conversation', 'typing', 'read', 'invitation', 'error', 'state'] as const) {
      c.on(ev, (p) => {
        if (c === client) relay.emit(ev, p);
      });
    }
    return c;
  };
  const currentClient = (): OmotenashiClient => (client ??= makeClient());
  const connect = () => {
    currentClient().connect();
  };
  const disconnect = () => {
    client?.close();
    client = null;
    welcome = null;
  };

  // Messages written before this page first connected are history (a resume on a new device
  // brings all of them): shown in the panel, but neither announced nor counted as unread.
  let liveSince = Infinity;
  relay.on('welcome', (w) => {
    welcome = w;
    liveSince = Math.min(liveSince, w.serverTime);
  });
  relay.on('message', (m) => {
    pub.emit('message', m);
    if (m.author.type !== 'operator' || m.createdAt < liveSince) return;
    shell.announce(fill(s.newMessage, { name: m.author.name ?? s.someone, text: m.text }));
    if (!chat?.isOpen) shell.setUnread(++unread);
  });
  relay.on('error', (e) => {
    if (e.code === 'unauthorized' || e.code === 'invalid_write_key') console.warn(`[omotenashi] realtime: ${e.message}`);
  });

  // ---- touches -------------------------------------------------------------------------------
  const dismissed = new Set<string>(store.json<string[]>(KEYS.dismissed) ?? []);
  const remember = (touchId: string) => {
    dismissed.add(touchId);
    if (mayStore()) store.set(KEYS.dismissed, JSON.stringify([...dismissed].slice(-50)));
  };
  const answer = (inv: InvitationFrame, response: 'accepted' | 'dismissed') => {
    currentClient().respondToInvitation(inv.touchId, response);
    remember(inv.touchId);
    shell.clearTouch();
  };
  // After every hello the server sends the touches still unanswered (they may have fired between
  // pages): one already shown on this page is not shown, announced or emitted again.
  const shown = new Set<string>();
  // An operator's photo may be a path on the Omotenashi server ("/avatars/ana.png"): resolved
  // against that server, not the shop's page; anything but http(s) is dropped (initials).
  const photoOf = (inv: InvitationFrame) => safeUrl(inv.from?.avatarUrl, cfg.base);
  relay.on('invitation', (inv) => {
    if (dismissed.has(inv.touchId) || shown.has(inv.touchId) || chat?.isOpen) return;
    shown.add(inv.touchId);
    pub.emit('invitation', inv);
    if (inv.kind === 'hint') shell.showHint(inv);
    else shell.showInvitation(inv, inv.from?.name || s.team, photoOf(inv));
  });

  // ---- chat panel (lazy) ---------------------------------------------------------------------
  let chat: ChatPanel | null = null;
  let loading: Promise<ChatPanel> | null = null;
  const chatHost: ChatHost = {
    slot: null as unknown as HTMLElement, strings: s, locale, base: cfg.base,
    client: currentClient, welcome: () => welcome,
    on: (ev, cb) => relay.on(ev, cb),
    requestClose: () => closeChat(),
    saveEmail: (email) => {
      // Sent over the chat socket, which is the service the shopper asked for: through the
      // tracker it would wait for an analytics consent the shopper may never give. Kept for the
      // next pages only where this page may store anything.
      if (mayStore()) store.set(KEYS.email, email);
      currentClient().leaveContact(email);
    },
    replyWithinMinutes: cfg.replyWithinMinutes,
  };
  const loadChat = (): Promise<ChatPanel> => {
    if (chat) return Promise.resolve(chat);
    // The URL is built at run time so that the bundler leaves this import alone.
    loading ??= (import(new URL('widget-chat.js', cfg.scriptSrc).href) as Promise<{ mount: MountChat }>).then((m) => {
      chat = m.mount({ ...chatHost, slot: shell.slot });
      return chat;
    });
    loading.catch(() => {
      loading = null;
    });
    return loading;
  };
  const openChat = async (greeting?: Greeting) => {
    connect(); // the person asked for the chat: that is the service they consent to
    const panel = await loadChat();
    shell.clearTouch();
    panel.open(greeting);
    unread = 0;
    shell.setUnread(0);
    shell.setExpanded(true);
    pub.emit('open', undefined);
  };
  const closeChat = () => {
    if (!chat?.isOpen) return;
    chat.close();
    shell.setExpanded(false);
    shell.launcher.focus();
    pub.emit('close', undefined);
  };

  const shell = new Shell(s, {
    launcher: () => (chat?.isOpen ? closeChat() : void openChat().catch(report)),
    hintLink: (inv) => answer(inv, 'accepted'),
    hintDismiss: (inv) => answer(inv, 'dismissed'),
    accept: (inv) => {
      answer(inv, 'accepted');
      void openChat({ name: inv.from?.name || s.team, avatarUrl: photoOf(inv), text: invitationText(inv) }).catch(report);
    },
    dismiss: (inv) => answer(inv, 'dismissed'),
  });
  const report = (e: unknown) => console.warn('[omotenashi]', e);

  // ---- the public API ------------------------------------------------------------------------
  const api = {
    identify(userId?: unknown, traits?: unknown, proof?: unknown) {
      const id = typeof userId === 'string' && userId ? userId : typeof userId === 'number' ? String(userId) : null;
      const t = traits && typeof traits === 'object' ? (traits as Record<string, unknown>) : {};
      const p = readProof(proof);
      if (id) {
        const before = JSON.stringify(user);
        user = { userId: id, ...p };
        if (mayStore()) store.set(KEYS.user, JSON.stringify(user));
        // The socket speaks as the user only with a proof: reconnect when that changed.
        if (JSON.stringify(user) !== before && (p.userHash || p.identityToken) && client) {
          disconnect();
          if (gate.allows('service')) connect();
        }
      }
      tracker.identify(id ?? user?.userId ?? null, t);
    },
    track(event: unknown, props?: unknown) {
      if (typeof event !== 'string' || !event) return console.warn('[omotenashi] track needs an event name');
      tracker.track(event, props && typeof props === 'object' ? (props as Record<string, unknown>) : {});
    },
    page(props?: unknown) {
      tracker.page(props && typeof props === 'object' ? (props as Record<string, unknown>) : {});
    },
    open() {
      void openChat().catch(report);
    },
    close() {
      closeChat();
    },
    consent(answers?: unknown) {
      if (!answers || typeof answers !== 'object') return console.warn('[omotenashi] consent needs an object such as {analytics: true, service: true}');
      gate.set(answers);
      // Stored whatever the answer: a "no" must reach the next page as surely as a yes, or that
      // page would start from the old yes (or the default) and track again. It is no identifier.
      store.set(KEYS.consent, JSON.stringify(gate.current));
      if (mayStore()) persistIds();
      else forgetIds();
      tracker.consentChanged();
      if (gate.allows('service')) connect();
      else if (!chat?.isOpen) disconnect();
    },
    reset() {
      void tracker.flushAndForget();
      // The client forgets the person who logged out (unsent lines, where they had read up to),
      // here and in storage, rather than keeping them for whoever uses this browser next.
      client?.forget();
      // Also when this page never opened a socket: an earlier page may have stored some.
      store.remove(`omotenashi:${cfg.writeKey}:${anonymousId}`);
      disconnect();
      liveSince = Infinity;
      chat?.destroy();
      chat = null;
      loading = null;
      for (const k of [KEYS.user, KEYS.dismissed, KEYS.email]) store.remove(k);
      dismissed.clear();
      user = null;
      anonymousId = uuid();
      persistIds();
      shell.clearTouch();
      unread = 0;
      shell.setUnread(0);
      shell.setExpanded(false);
      if (gate.allows('service')) connect();
    },
    on(ev: unknown, cb: unknown) {
      if (typeof cb !== 'function' || !['ready', 'invitation', 'message', 'open', 'close'].includes(ev as string)) return () => {};
      const off = pub.on(ev as keyof PublicEvents, cb as (p: unknown) => void);
      if (ev === 'ready' && ready) (cb as () => void)();
      return off;
    },
    q: { push: (...calls: unknown[]) => replay(calls, call) },
    _loaded: true,
  };
  let ready = false;
  const call = (m: ApiMethod, args: unknown[]) => (api[m] as (...a: unknown[]) => unknown)(...args); // eslint-disable-line @typescript-eslint/no-unnecessary-type-assertion -- tsc needs it
  (window as unknown as { Omotenashi: unknown }).Omotenashi = api;

  replay(pre.q, call);
  tracker.start();
  const boot = () => {
    if (document.getElementById(HOST_ID)) return;
    shell.mount();
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && chat?.isOpen) closeChat();
    });
    if (gate.allows('service')) connect();
    ready = true;
    pub.emit('ready', undefined);
  };
  if (document.body) boot();
  else document.addEventListener('DOMContentLoaded', boot);
}

(() => {
  const w = window as unknown as { Omotenashi?: Pre };
  const pre: Pre = w.Omotenashi && typeof w.Omotenashi === 'object' ? w.Omotenashi : {};
  if (pre._loaded) return; // the snippet was pasted twice
  const script = findScript();
  const cfg = script ? parseConfig(script.src, (n) => script.getAttribute(n)) : null;
  if (!script || !cfg) {
    console.error('[omotenashi] widget.js needs its <script src> and a data-write-key attribute');
    return;
  }
  start(cfg, pre);
})();
