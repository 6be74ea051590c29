/**
 * The root: session check, login, the shell (navigation, presence, language, shortcuts help)
 * and the views. The playbooks and dashboard views are loaded on demand, so their code (and
 * uPlot) stays out of the initial bundle.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, setUnauthorizedHandler } from './lib/api';
import { onLang } from './lib/i18n';
import { loadSession } from './lib/session';
import { match, navigate, useRoute } from './lib/router';
import { socket } from './lib/realtime';
import type { OperatorInfo, OperatorRow, Presence } from './lib/types';
import { AppContext, type AppState } from './context';
import { Login } from './views/login';
import { Shell } from './views/shell';
import { Inbox } from './views/inbox';
import { LiveVisitors } from './views/live-visitors';
import { QueueView } from './views/queue';
import { CustomerPage } from './views/customer-page';
import { Lazy } from './components/lazy';
import { t } from './lib/i18n';

const loadPlaybooks = () => import('./views/playbooks/index');
const loadDashboard = () => import('./views/dashboard');

export function App() {
  const [me, setMe] = useState<OperatorInfo | null | undefined>(undefined);
  const [, setLangTick] = useState(0);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => onLang(() => setLangTick((n) => n + 1)), []);
  useEffect(() => {
    setUnauthorizedHandler(() => { socket.stop(); setMe(null); });
    loadSession().then(setMe).catch((err: unknown) => setFailure(String(err)));
  }, []);

  if (failure) return <main class="boot-error" role="alert">{t('app.loadFailed')} {failure}</main>;
  if (me === undefined) return <div class="boot" aria-busy="true">{t('app.loading')}</div>;
  if (me === null) return <Login onLogin={(op) => { setMe(op); if (location.pathname.endsWith('/login')) navigate('/', true); }} />;
  return <Authed me={me} onMe={setMe} onLogout={() => { socket.stop(); setMe(null); }} />;
}

function Authed({ me, onMe, onLogout }: { me: OperatorInfo; onMe: (me: OperatorInfo) => void; onLogout: () => void }) {
  const route = useRoute();
  const [operators, setOperators] = useState<OperatorRow[]>([]);
  const [operatorsError, setOperatorsError] = useState<string | null>(null);
  const [presence, setPresence] = useState<Record<string, Presence>>({});

  useEffect(() => {
    socket.start();
    const off = socket.on((f) => {
      if (f.type === 'welcome') setPresence({ ...f.presence });
      else if (f.type === 'presence') setPresence((p) => ({ ...p, [f.operatorId]: f.presence }));
    });
    // Without the list, assignment menus are empty: say so rather than show an inbox that cannot assign.
    api.get<{ items: OperatorRow[] }>('/api/v1/operators').then((r) => setOperators(r.items), (err: unknown) => setOperatorsError(err instanceof Error ? err.message : String(err)));
    return () => { off(); socket.stop(); };
  }, []);

  const state: AppState = { me, operators, presence };
  let view;
  let m: Record<string, string> | null;
  if (route === '/' || route === '/inbox' || route === '/login') view = <Inbox conversationId={null} />;
  else if ((m = match('/inbox/:id', route))) view = <Inbox conversationId={m.id!} />;
  else if (route === '/visitors') view = <LiveVisitors />;
  else if (route === '/queue') view = <QueueView />;
  else if ((m = match('/customers/:id', route))) view = <CustomerPage customerId={m.id!} />;
  else if (route === '/dashboard') view = <Lazy key="dashboard" load={loadDashboard} props={{}} />;
  else if (route.startsWith('/playbooks') || route === '/etiquette') view = <Lazy key="playbooks" load={loadPlaybooks} props={{ route }} />;
  else view = <main class="view empty-state"><h1>{t('app.notFound')}</h1></main>;

  return (
    <AppContext.Provider value={state}>
      <Shell route={route} onLogout={onLogout} onMe={(next) => {
        onMe(next);
        // Other views name operators from this list: they follow a new name and photo at once.
        setOperators((ops) => ops.map((o) => (o.id === next.id ? { ...o, name: next.name, avatarUrl: next.avatarUrl ?? null } : o)));
      }}>
        {operatorsError && <p class="error pad" role="alert">{t('app.loadFailed')} {t('app.operatorsList')} ({operatorsError})</p>}
        {view}
      </Shell>
    </AppContext.Provider>
  );
}
