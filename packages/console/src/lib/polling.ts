/**
 * Reads something now and again every `intervalMs` (0: once), one read at a time. While the
 * tab is hidden the reads pause and resume at the next tick once it is visible again. A change
 * of `deps` starts over (and clears what was shown); `reload()` reads again at once;
 * `setData` lets a view apply its own change before the next read confirms it.
 */
import { useEffect, useState } from 'preact/hooks';
import { errorText } from './api';

export interface Polled<T> {
  data: T | null;
  error: string | null;
  reload: () => void;
  setData: (update: (old: T | null) => T | null) => void;
}

export function usePolling<T>(load: () => Promise<T>, deps: unknown[], intervalMs: number): Polled<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => { setData(null); setError(null); }, deps);
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const next = () => {
      timer = setTimeout(() => { if (document.visibilityState === 'visible') run(); else next(); }, intervalMs);
    };
    const run = () => {
      load()
        .then((d) => { if (alive) { setData(d); setError(null); } })
        .catch((err: unknown) => { if (alive) setError(errorText(err)); })
        .finally(() => { if (alive && intervalMs > 0) next(); });
    };
    run();
    return () => { alive = false; if (timer) clearTimeout(timer); };
  }, [...deps, tick]);
  return { data, error, reload: () => setTick((n) => n + 1), setData };
}
