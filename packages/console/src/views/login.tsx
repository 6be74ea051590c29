import { useState } from 'preact/hooks';
import { errorText } from '../lib/api';
import { LANGS, lang, setLang, t, type Lang } from '../lib/i18n';
import { login } from '../lib/session';
import type { OperatorInfo } from '../lib/types';

export function Login({ onLogin }: { onLogin: (op: OperatorInfo) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLogin(await login(email.trim(), password));
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <main class="login-page">
      <form class="login-card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <div class="brand-mark" aria-hidden="true">O</div>
        <h1 id="login-title">{t('login.title')}</h1>
        <p class="muted">{t('login.subtitle')}</p>
        <label>
          <span>{t('login.email')}</span>
          <input data-testid="login-email" type="email" autoComplete="username" required value={email}
            onInput={(e) => setEmail(e.currentTarget.value)} autoFocus />
        </label>
        <label>
          <span>{t('login.password')}</span>
          <input data-testid="login-password" type="password" autoComplete="current-password" required value={password}
            onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error && <p class="error" role="alert" data-testid="login-error">{error}</p>}
        <button class="btn primary wide" type="submit" disabled={busy} data-testid="login-submit">
          {busy ? t('login.signingIn') : t('login.submit')}
        </button>
        <LangSelect />
      </form>
    </main>
  );
}

export function LangSelect() {
  return (
    <label class="lang-select">
      <span class="sr-only">{t('shell.language')}</span>
      <select data-testid="lang-switch" value={lang()} onChange={(e) => setLang(e.currentTarget.value as Lang)}>
        {LANGS.map((l) => <option key={l} value={l}>{l === 'en' ? 'English' : '日本語'}</option>)}
      </select>
    </label>
  );
}
