/**
 * The operator's own profile: the name and photo shoppers see in the invitation bubble
 * (PATCH /api/v1/operators/me), and the avatar that shows them in the top bar.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { initials } from '../lib/format';
import { t } from '../lib/i18n';
import type { OperatorInfo } from '../lib/types';

/** The photo when it loads, else the initials (a moved photo, or an http: one the CSP blocks). */
export function Avatar({ name, url, small }: { name: string; url: string | null | undefined; small?: boolean }) {
  // Remembers which URL failed, not just "failed": a new URL is tried at once, in the same
  // render, instead of after an effect resets a flag (which briefly showed the old verdict).
  const [failedUrl, setFailedUrl] = useState<string | null>(null);
  const cls = `avatar${small ? ' small' : ''}`;
  if (url && url !== failedUrl) {
    // Keyed by URL so a new photo gets a fresh <img> (no error event of the old load lands on it).
    return <span class={`${cls} photo`} aria-hidden="true"><img key={url} src={url} alt="" onError={() => setFailedUrl(url)} /></span>;
  }
  return <span class={cls} aria-hidden="true">{initials(name)}</span>;
}

export function ProfileDialog({ me, onSaved, onClose }: { me: OperatorInfo; onSaved: (me: OperatorInfo) => void; onClose: () => void }) {
  const [name, setName] = useState(me.name);
  const [photo, setPhoto] = useState(me.avatarUrl ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => { first.current?.focus(); }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') onClose(); };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // An empty photo field removes the photo (the widget then draws initials).
      const r = await api.patch<{ name: string; avatarUrl: string | null }>('/api/v1/operators/me', { name: name.trim(), avatarUrl: photo.trim() === '' ? null : photo.trim() });
      onSaved({ ...me, name: r.name, avatarUrl: r.avatarUrl });
      onClose();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  // Previewed only when it could be saved as a photo: never a javascript:/data: src while typing.
  const preview = previewable(photo.trim()) ? photo.trim() : null;
  return (
    <div class="overlay" onClick={onClose}>
      <form class="dialog" role="dialog" aria-modal="true" aria-labelledby="profile-title" data-testid="profile-dialog"
        onClick={(e) => e.stopPropagation()} onSubmit={(e) => void save(e)}>
        <h2 id="profile-title">{t('profile.title')}</h2>
        <p class="muted small">{t('profile.intro')}</p>
        <div class="profile-preview"><Avatar name={name || me.name} url={preview} /><strong>{name || me.name}</strong></div>
        <label class="field">
          <span class="label">{t('profile.name')}</span>
          <input ref={first} name="name" required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span class="label">{t('profile.photo')}</span>
          <input name="avatarUrl" inputMode="url" maxLength={2048} placeholder="https://…" value={photo} onInput={(e) => setPhoto(e.currentTarget.value)} />
          <span class="hint">{t('profile.photoHint')}</span>
        </label>
        {error && <p class="error small" role="alert" data-testid="profile-error">{error}</p>}
        <div class="dialog-actions">
          <button type="submit" class="btn primary" disabled={busy} data-testid="profile-save">{t('profile.save')}</button>
          <button type="button" class="btn ghost" onClick={onClose}>{t('common.cancel')}</button>
        </div>
      </form>
    </div>
  );
}

/** An http(s) URL or a path on this server (the forms the server accepts; it has the last word). */
function previewable(v: string): boolean {
  if (v.startsWith('/')) return !v.startsWith('//') && !v.startsWith('/\\');
  return /^https?:\/\/[^\s]+$/i.test(v);
}
