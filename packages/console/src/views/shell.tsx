/**
 * The frame around every view: navigation, customer search, presence, language, sign-out,
 * and the global keyboard shortcuts (with their help dialog on "?").
 */
import type { ComponentChildren } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, errorText } from '../lib/api';
import { t } from '../lib/i18n';
import { href, linkClick, navigate } from '../lib/router';
import { socket } from '../lib/realtime';
import { logout } from '../lib/session';
import type { CustomerView, OperatorInfo, Presence } from '../lib/types';
import { AppContext } from '../context';
import { LangSelect } from './login';
import { Avatar, ProfileDialog } from './profile';
import { goChord, isTyping } from '../lib/keys';

const NAV = [
  { path: '/', key: 'nav.inbox', id: 'nav-inbox', icon: '✉' },
  { path: '/visitors', key: 'nav.visitors', id: 'nav-visitors', icon: '◉' },
  { path: '/queue', key: 'nav.queue', id: 'nav-queue', icon: '⚑' },
  { path: '/playbooks', key: 'nav.playbooks', id: 'nav-playbooks', icon: '☰' },
  { path: '/dashboard', key: 'nav.dashboard', id: 'nav-dashboard', icon: '▤' },
] as const;

const PRESENCE_KEY = 'omotenashi.console.presence';

function activeFor(route: string, path: string): boolean {
  if (path === '/') return route === '/' || route.startsWith('/inbox');
  if (path === '/playbooks') return route.startsWith('/playbooks') || route === '/etiquette';
  return route.startsWith(path);
}

export function Shell({ route, onLogout, onMe, children }: { route: string; onLogout: () => void; onMe: (me: OperatorInfo) => void; children: ComponentChildren }) {
  const app = useContext(AppContext);
  const [presence, setPresenceState] = useState<Presence>(() => (localStorage.getItem(PRESENCE_KEY) === 'away' ? 'away' : 'online'));
  const [help, setHelp] = useState(false);
  const [profile, setProfile] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => { socket.setPresence(presence); }, []);
  useEffect(() => {
    const mine = app.presence[app.me.id];
    if (mine === 'online' || mine === 'away') setPresenceState(mine);
  }, [app.presence[app.me.id]]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && help) { setHelp(false); return; }
      if (isTyping(e) || e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === '?') { e.preventDefault(); setHelp(true); }
      else if (e.key === '/') { e.preventDefault(); searchRef.current?.focus(); }
      else { const to = goChord(e); if (to) navigate(to); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [help]);

  const togglePresence = () => {
    const next: Presence = presence === 'online' ? 'away' : 'online';
    setPresenceState(next);
    localStorage.setItem(PRESENCE_KEY, next);
    socket.setPresence(next);
  };

  const signOut = async () => {
    try { await logout(); } finally { onLogout(); navigate('/login', true); }
  };

  return (
    <div class="shell">
      <a class="skip-link" href="#main">{t('shell.skip')}</a>
      <nav class="sidebar" aria-label={t('shell.navigation')}>
        <div class="brand"><span class="brand-mark small" aria-hidden="true">O</span><span class="brand-name">Omotenashi</span></div>
        <ul>
          {NAV.map((n) => {
            const active = activeFor(route, n.path);
            return (
              <li key={n.path}>
                <a href={href(n.path)} onClick={linkClick(n.path)} data-testid={n.id} class={active ? 'active' : ''} aria-current={active ? 'page' : undefined}>
                  <span class="nav-icon" aria-hidden="true">{n.icon}</span><span class="nav-label">{t(n.key)}</span>
                </a>
              </li>
            );
          })}
        </ul>
      </nav>
      <header class="topbar">
        <CustomerSearch inputRef={searchRef} />
        <div class="topbar-right">
          <button type="button" class="btn ghost icon" onClick={() => setHelp(true)} aria-label={t('shell.shortcuts')} title={t('shell.shortcuts')} data-testid="shortcuts-help">?</button>
          <LangSelect />
          <button type="button" class={`presence-toggle ${presence}`} data-testid="presence-toggle" aria-pressed={presence === 'online'}
            onClick={togglePresence} title={t('shell.presenceHint')} data-presence={presence}>
            <span class="dot" aria-hidden="true" />{presence === 'online' ? t('presence.online') : t('presence.away')}
          </button>
          <button type="button" class="me me-button" title={`${t('shell.profile')} · ${app.me.email}`} aria-label={`${t('shell.profile')}: ${app.me.name}`}
            aria-haspopup="dialog" onClick={() => setProfile(true)} data-testid="profile-open">
            <Avatar name={app.me.name} url={app.me.avatarUrl} small /><span class="me-name">{app.me.name}</span>
          </button>
          <button type="button" class="btn ghost" onClick={() => void signOut()} data-testid="logout">{t('shell.logout')}</button>
        </div>
      </header>
      <div class="content" id="main">{children}</div>
      {help && <ShortcutsDialog onClose={() => setHelp(false)} />}
      {profile && <ProfileDialog me={app.me} onSaved={onMe} onClose={() => setProfile(false)} />}
    </div>
  );
}

function CustomerSearch({ inputRef }: { inputRef: { current: HTMLInputElement | null } }) {
  const [q, setQ] = useState('');
  const [msg, setMsg] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const v = q.trim();
    if (!v) return;
    setMsg(null);
    if (/^cnv_/.test(v)) { navigate(`/inbox/${v}`); return; }
    if (/^cus_/.test(v)) { navigate(`/customers/${v}`); return; }
    const tries = v.includes('@') ? ['email'] : /^\+?[\d\s-]{6,}$/.test(v) ? ['phone', 'userId'] : ['userId', 'anonymousId'];
    for (const kind of tries) {
      try {
        const c = await api.get<CustomerView>('/api/v1/customers/lookup', { [kind]: v });
        setQ('');
        navigate(`/customers/${c.id}`);
        return;
      } catch (err) {
        if (!(err instanceof ApiError && (err.status === 404 || err.status === 400))) { setMsg(errorText(err)); return; }
      }
    }
    setMsg(t('search.notFound'));
  };
  return (
    <form class="search" role="search" onSubmit={(e) => void submit(e)}>
      <label class="sr-only" for="customer-search">{t('search.label')}</label>
      <input id="customer-search" ref={inputRef} type="search" placeholder={t('search.placeholder')} value={q}
        onInput={(e) => { setQ(e.currentTarget.value); setMsg(null); }} />
      {msg && <span class="search-msg" role="status">{msg}</span>}
    </form>
  );
}

function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => { ref.current?.focus(); }, []);
  const rows: [string, string][] = [
    ['j / k', t('keys.nextPrev')], ['r', t('keys.reply')], ['n', t('keys.note')], ['e', t('keys.resolve')],
    ['/', t('keys.search')], ['g i · g v · g q · g p · g d', t('keys.goto')], ['?', t('keys.help')], ['Esc', t('keys.close')],
  ];
  return (
    <div class="overlay" onClick={onClose}>
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="keys-title" tabIndex={-1} ref={ref} onClick={(e) => e.stopPropagation()}>
        <h2 id="keys-title">{t('keys.title')}</h2>
        <table class="keys">
          <tbody>{rows.map(([k, d]) => <tr key={k}><th scope="row"><kbd>{k}</kbd></th><td>{d}</td></tr>)}</tbody>
        </table>
        <button type="button" class="btn" onClick={onClose}>{t('common.close')}</button>
      </div>
    </div>
  );
}
