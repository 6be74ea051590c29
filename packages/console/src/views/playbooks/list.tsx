import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../../lib/api';
import { t, tMaybe } from '../../lib/i18n';
import { href, linkClick, navigate } from '../../lib/router';
import { ago } from '../../lib/format';
import type { PlaybookRow } from '../../lib/types';

export function PlaybookList() {
  const [rows, setRows] = useState<PlaybookRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [days, setDays] = useState(30);

  useEffect(() => {
    api.get<{ items: PlaybookRow[] }>('/api/v1/playbooks', { outcomesSinceDays: days })
      .then((r) => setRows(r.items)).catch((err: unknown) => setError(errorText(err)));
  }, [days]);

  const toggle = async (p: PlaybookRow) => {
    setError(null);
    try {
      const next = await api.post<PlaybookRow>(`/api/v1/playbooks/${encodeURIComponent(p.key)}/${p.enabled ? 'disable' : 'enable'}`, {});
      setRows((old) => (old ?? []).map((x) => (x.key === p.key ? { ...x, ...next, outcomes: x.outcomes } : x)));
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <section data-testid="playbooks">
      <div class="toolbar">
        <label class="inline-field"><span>{t('playbooks.outcomesOver')}</span>
          <select value={String(days)} onChange={(e) => setDays(Number(e.currentTarget.value))}>
            {[7, 30, 90].map((d) => <option key={d} value={d}>{t('common.days', { n: d })}</option>)}
          </select>
        </label>
        <button type="button" class="btn primary" data-testid="playbook-new" onClick={() => navigate('/playbooks/new')}>{t('playbooks.new')}</button>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {!rows && !error && <p class="muted">{t('app.loading')}</p>}
      {rows && rows.length === 0 && <div class="empty-card"><p>{t('playbooks.none')}</p></div>}
      {rows && rows.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <thead><tr>
              <th scope="col">{t('playbooks.name')}</th><th scope="col">{t('playbooks.purpose')}</th><th scope="col" class="num">{t('playbooks.fired')}</th>
              <th scope="col" class="num">{t('playbooks.heldBack')}</th><th scope="col">{t('playbooks.topReasons')}</th><th scope="col">{t('playbooks.version')}</th><th scope="col">{t('playbooks.enabled')}</th>
            </tr></thead>
            <tbody>
              {rows.map((p) => {
                const reasons = Object.entries(p.outcomes?.byReason ?? {}).sort((a, b) => b[1] - a[1]).slice(0, 3);
                return (
                  <tr key={p.key} data-testid="playbook-row" data-playbook-key={p.key}>
                    <td><a href={href(`/playbooks/${p.key}`)} onClick={linkClick(`/playbooks/${p.key}`)}><strong>{p.definition.name ?? p.key}</strong></a>
                      <div class="muted small mono">{p.key}</div></td>
                    <td><span class="pill subtle">{tMaybe('purpose', String(p.definition.purpose ?? ''))}</span></td>
                    <td class="num">{p.outcomes?.fired ?? 0}</td>
                    <td class="num">{p.outcomes?.heldBack ?? 0}</td>
                    <td class="small">{reasons.length ? reasons.map(([r, n]) => `${tMaybe('reason', r)} ${n}`).join(' · ') : <span class="muted">—</span>}</td>
                    <td class="small">v{p.version} · {ago(p.updatedAt)}</td>
                    <td>
                      <button type="button" role="switch" aria-checked={p.enabled} class={`switch ${p.enabled ? 'on' : ''}`} data-testid="playbook-toggle"
                        aria-label={t(p.enabled ? 'playbooks.disableX' : 'playbooks.enableX', { name: p.definition.name ?? p.key })} onClick={() => void toggle(p)}>
                        <span class="knob" aria-hidden="true" />
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
