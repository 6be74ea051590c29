/** Service-level timers: time left to the next target, at risk, or breached; ticks every 15 s. */
import { useEffect, useState } from 'preact/hooks';
import { duration } from '../lib/format';
import { t, tMaybe } from '../lib/i18n';
import type { Conversation } from '../lib/types';

export function useNow(intervalMs = 15_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}

export function SlaBadge({ c, compact = false }: { c: Conversation; compact?: boolean }) {
  const now = useNow();
  const sla = c.sla;
  if (!sla || sla.state === 'none' || c.status === 'resolved') return null;
  const target = sla.target ? tMaybe('sla', sla.target) : '';
  let text: string;
  if (sla.state === 'breached' || (sla.dueAt !== null && sla.dueAt <= now)) {
    text = sla.dueAt !== null && sla.dueAt <= now ? t('sla.overdueBy', { d: duration(now - sla.dueAt) }) : t('sla.breached');
  } else if (sla.dueAt !== null) {
    text = t('sla.dueIn', { d: duration(sla.dueAt - now) });
  } else {
    return null;
  }
  const state = sla.state === 'breached' || (sla.dueAt !== null && sla.dueAt <= now) ? 'breached' : sla.state;
  return (
    <span class={`sla sla-${state}`} data-testid="sla-timer" data-sla-state={state} title={target}>
      <span aria-hidden="true">◷</span> {compact ? text : `${target}: ${text}`}
      {!compact && state !== 'ok' && <span class="sr-only"> ({tMaybe('slaState', state)})</span>}
    </span>
  );
}
