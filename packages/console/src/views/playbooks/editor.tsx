/**
 * The playbook editor: JSON in a text area, checked by the server. Save posts the definition;
 * an invalid one is refused with one issue per problem, shown beside the editor with its path
 * (nothing is stored). Simulate replays stored events with the draft and writes nothing.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, errorText, type Issue } from '../../lib/api';
import { t, tMaybe } from '../../lib/i18n';
import { navigate } from '../../lib/router';
import { ago, dateTime } from '../../lib/format';
import type { PlaybookRow } from '../../lib/types';
import type { SimulationReport as Simulation } from '@omotenashi/protocol';

const TEMPLATE = {
  key: 'my-playbook',
  name: 'My playbook',
  purpose: 'service',
  enabled: false,
  priority: 50,
  trigger: { dwell: { page: { path: { prefix: '/checkout/payment' } }, seconds: 60 } },
  conditions: [{ fact: 'cart.value', op: 'gt', value: 0 }],
  steps: [{ action: 'hint', title: 'Need a hand?', body: 'You can pay by card or bank transfer.' }],
};


export function PlaybookEditor({ playbookKey }: { playbookKey: string | null }) {
  const [text, setText] = useState(playbookKey ? '' : JSON.stringify(TEMPLATE, null, 2));
  const [stored, setStored] = useState<PlaybookRow | null>(null);
  const [versions, setVersions] = useState<PlaybookRow[]>([]);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [sim, setSim] = useState<Simulation | null>(null);
  const [simDays, setSimDays] = useState(7);
  const [alone, setAlone] = useState(false);
  const [busy, setBusy] = useState<'save' | 'simulate' | null>(null);
  const areaRef = useRef<HTMLTextAreaElement>(null);

  const loadStored = async (key: string) => {
    const [current, vs] = await Promise.all([
      api.get<PlaybookRow>(`/api/v1/playbooks/${encodeURIComponent(key)}`),
      api.get<{ items: PlaybookRow[] }>(`/api/v1/playbooks/${encodeURIComponent(key)}/versions`),
    ]);
    setStored(current);
    setVersions(vs.items);
    return current;
  };

  useEffect(() => {
    if (!playbookKey) return;
    loadStored(playbookKey).then((p) => setText(JSON.stringify(p.definition, null, 2))).catch((err: unknown) => setMessage({ ok: false, text: errorText(err) }));
  }, [playbookKey]);

  /** Parses the text; a JSON syntax error becomes an issue and nothing is sent. */
  const parse = (): Record<string, unknown> | null => {
    try {
      const v = JSON.parse(text) as unknown;
      if (!v || typeof v !== 'object' || Array.isArray(v)) {
        setIssues([{ path: '(json)', message: t('editor.notObject') }]);
        return null;
      }
      return v as Record<string, unknown>;
    } catch (err) {
      setIssues([{ path: '(json)', message: t('editor.jsonError', { detail: err instanceof Error ? err.message : String(err) }) }]);
      return null;
    }
  };

  const fail = (err: unknown, strip = '') => {
    if (err instanceof ApiError && err.issues.length) {
      setIssues(err.issues.map((i) => ({ ...i, path: strip && i.path.startsWith(strip) ? i.path.slice(strip.length) : i.path })));
      setMessage({ ok: false, text: t('editor.invalid', { n: err.issues.length }) });
    } else {
      setMessage({ ok: false, text: errorText(err) });
    }
  };

  const save = async () => {
    setMessage(null);
    setIssues([]);
    const def = parse();
    if (!def) { setMessage({ ok: false, text: t('editor.notSaved') }); return; }
    setBusy('save');
    try {
      const r = await api.post<PlaybookRow & { created?: boolean; changed?: boolean }>('/api/v1/playbooks', def);
      setMessage({ ok: true, text: r.changed === false ? t('editor.unchanged') : t('editor.saved', { v: r.version }) });
      if (r.key !== playbookKey) navigate(`/playbooks/${r.key}`, true);
      else await loadStored(r.key);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(null);
    }
  };

  const simulate = async () => {
    setMessage(null);
    setIssues([]);
    const def = parse();
    if (!def) return;
    setBusy('simulate');
    setSim(null);
    try {
      const from = new Date(Date.now() - simDays * 86_400_000).toISOString();
      setSim(await api.post<Simulation>('/api/v1/playbooks/simulate', { definition: def, from, alone }));
    } catch (err) {
      fail(err, 'definition.');
    } finally {
      setBusy(null);
    }
  };

  const setEnabled = async (on: boolean) => {
    if (!stored) return;
    try {
      const r = await api.post<PlaybookRow>(`/api/v1/playbooks/${encodeURIComponent(stored.key)}/${on ? 'enable' : 'disable'}`, {});
      setStored(r);
      setMessage({ ok: true, text: on ? t('editor.enabledNow') : t('editor.disabledNow') });
    } catch (err) {
      setMessage({ ok: false, text: errorText(err) });
    }
  };

  /** Puts the caret on the field an issue names (its last path segment), so the fix is one click away. */
  const jumpTo = (path: string) => {
    const area = areaRef.current;
    if (!area) return;
    const last = path.split('.').pop()?.replace(/\[\d+\]$/, '') ?? '';
    const at = last ? text.indexOf(`"${last}"`) : -1;
    area.focus();
    if (at >= 0) area.setSelectionRange(at, at + last.length + 2);
  };

  return (
    <div class="editor-layout">
      <section class="editor-main" aria-label={t('editor.title')}>
        <div class="toolbar">
          <h2>{stored ? (String(stored.definition.name ?? stored.key)) : t('playbooks.new')}</h2>
          {stored && <span class={`pill ${stored.enabled ? 'ok' : 'subtle'}`}>{stored.enabled ? t('playbooks.enabled') : t('playbooks.disabled')} · v{stored.version}</span>}
          <span class="grow" />
          {stored && <button type="button" class="btn" onClick={() => void setEnabled(!stored.enabled)}>{stored.enabled ? t('editor.disable') : t('editor.enable')}</button>}
        </div>
        <label for="playbook-json" class="small muted">{t('editor.label')}</label>
        <textarea id="playbook-json" ref={areaRef} class="code-editor" data-testid="playbook-editor" spellcheck={false} value={text}
          aria-invalid={issues.length > 0} aria-describedby="playbook-issues"
          onInput={(e) => { setText(e.currentTarget.value); }} onKeyDown={(e) => {
            if (e.key === 'Tab' && !e.shiftKey) {
              e.preventDefault();
              const el = e.currentTarget;
              const s = el.selectionStart;
              const v = el.value.slice(0, s) + '  ' + el.value.slice(el.selectionEnd);
              setText(v);
              requestAnimationFrame(() => el.setSelectionRange(s + 2, s + 2));
            } else if (e.key === 's' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); void save(); }
          }} />
        <div class="toolbar">
          <button type="button" class="btn primary" data-testid="playbook-save" disabled={busy !== null} onClick={() => void save()}>{busy === 'save' ? t('editor.saving') : t('editor.save')}</button>
          <span class="grow" />
          <label class="inline-field"><span>{t('editor.simulateOver')}</span>
            <select value={String(simDays)} onChange={(e) => setSimDays(Number(e.currentTarget.value))}>
              {[1, 7, 30, 90].map((d) => <option key={d} value={d}>{t('common.days', { n: d })}</option>)}
            </select>
          </label>
          <label class="check"><input type="checkbox" checked={alone} onChange={(e) => setAlone(e.currentTarget.checked)} /> {t('editor.alone')}</label>
          <button type="button" class="btn" data-testid="playbook-simulate" disabled={busy !== null} onClick={() => void simulate()}>{busy === 'simulate' ? t('editor.simulating') : t('editor.simulate')}</button>
        </div>
        {message && <p class={message.ok ? 'ok-text' : 'error'} role={message.ok ? 'status' : 'alert'} data-testid="playbook-message">{message.text}</p>}
      </section>
      <aside class="editor-side">
        <section class="issues-box" id="playbook-issues" data-testid="playbook-issues" aria-live="polite" aria-label={t('editor.issues')}>
          <h3>{t('editor.issues')}{issues.length > 0 && <span class="count bad">{issues.length}</span>}</h3>
          {issues.length === 0 ? <p class="muted small">{t('editor.noIssues')}</p> : (
            <ul>
              {issues.map((i, n) => (
                <li key={n} data-testid="playbook-issue" data-path={i.path}>
                  <button type="button" class="link" onClick={() => jumpTo(i.path)}><code>{i.path}</code></button>
                  <p class="small">{i.message}</p>
                </li>
              ))}
            </ul>
          )}
        </section>
        {sim && <SimulationReport sim={sim} />}
        {versions.length > 0 && (
          <section class="versions" data-testid="playbook-versions" aria-label={t('editor.versions')}>
            <h3>{t('editor.versions')}</h3>
            <ul>
              {versions.map((v) => (
                <li key={v.version}>
                  <span><strong>v{v.version}</strong> <span class="muted small" title={dateTime(v.updatedAt)}>{ago(v.updatedAt)}</span></span>
                  <button type="button" class="btn ghost tiny" onClick={() => { setText(JSON.stringify(v.definition, null, 2)); setMessage({ ok: true, text: t('editor.loadedVersion', { v: v.version }) }); }}>{t('editor.load')}</button>
                </li>
              ))}
            </ul>
          </section>
        )}
      </aside>
    </div>
  );
}

function SimulationReport({ sim }: { sim: Simulation }) {
  const pct = sim.customersSeen ? Math.round((sim.reached / sim.customersSeen) * 100) : 0;
  return (
    <section class="simulation" data-testid="playbook-simulation" aria-label={t('editor.simulation')}>
      <h3>{t('editor.simulation')}</h3>
      <p><strong>{t('editor.reached', { reached: sim.reached, seen: sim.customersSeen, pct })}</strong></p>
      <p class="muted small">{t('editor.replayed', { events: sim.eventsReplayed, ms: sim.durationMs })}{sim.limited ? ` · ${t('editor.limited')}` : ''}</p>
      <table class="table compact">
        <thead><tr><th scope="col">{t('editor.step')}</th><th scope="col">{t('editor.action')}</th><th scope="col" class="num">{t('playbooks.fired')}</th><th scope="col" class="num">{t('playbooks.heldBack')}</th></tr></thead>
        <tbody>{sim.byStep.map((s) => <tr key={s.step}><td>{t('editor.cup', { n: s.step + 1 })}</td><td>{tMaybe('action', s.action)}</td><td class="num">{s.fired}</td><td class="num">{s.heldBack}</td></tr>)}</tbody>
      </table>
      {Object.keys(sim.heldBackByReason).length > 0 && (
        <p class="small">{t('editor.heldBackBy')} {Object.entries(sim.heldBackByReason).map(([r, n]) => `${tMaybe('reason', r)} ${n}`).join(' · ')}</p>
      )}
      {sim.sample.length > 0 && (
        <details>
          <summary class="small">{t('editor.sample', { n: sim.sample.length })}</summary>
          <ul class="sample">
            {sim.sample.slice(0, 5).map((s) => (
              <li key={s.customerId}><code class="small">{s.customerId}</code>
                <ul>{s.decisions.slice(0, 5).map((d, i) => <li key={i} class={`small ${d.outcome}`}>{d.summary}</li>)}</ul></li>
            ))}
          </ul>
        </details>
      )}
      <p class="muted small">{t('editor.nothingWritten')}</p>
    </section>
  );
}
