import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../lib/i18n';

/** Renders a view whose module is loaded with import() on first use. */
export function Lazy<P extends object>({ load, props }: { load: () => Promise<{ default: ComponentType<P> }>; props: P }) {
  const [Comp, setComp] = useState<ComponentType<P> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    setComp(null);
    load().then((m) => { if (alive) setComp(() => m.default); }).catch((err: unknown) => { if (alive) setError(String(err)); });
    return () => { alive = false; };
  }, [load]);
  if (error) return <main class="view"><p role="alert" class="error">{t('app.loadFailed')} {error}</p></main>;
  if (!Comp) return <main class="view" aria-busy="true"><p class="muted">{t('app.loading')}</p></main>;
  return <Comp {...props} />;
}
