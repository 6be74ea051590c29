/**
 * The playbook editor: the definition as YAML (as people write playbooks; the toggle shows JSON),
 * checked by the server. Either format is accepted whatever the toggle says (JSON is YAML 1.2).
 * A syntax error is shown with its line and column and nothing is sent. Save posts the
 * definition; an invalid one is refused with one issue per problem, shown beside the editor with
 * its path and line (nothing is stored), and clicking one puts the caret on that field. Simulate
 * replays stored events with the draft and writes nothing.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, errorText } from '../../lib/api';
import { t, tMaybe } from '../../lib/i18n';
import { navigate } from '../../lib/router';
import { ago, dateTime } from '../../lib/format';
import { convertText, findPath, formatDefinition, indentAfter, parseDefinition, type TextFormat, type TextPos } from '../../lib/playbook-text';
import type { PlaybookRow } from '../../lib/types';
import type { SimulationReport as Simulation } from '@omotenashi/protocol';
import { IssueList, syntaxIssue, type EditorIssue } from './issues';

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

const FORMATS: TextFormat[] = ['yaml', 'json'];

export function PlaybookEditor({ playbookKey }: { playbookKey: string | null }) {
  const [format, setFormat] = useState<TextFormat>('yaml');
  const [text, setText] = useState(playbookKey ? '' : formatDefinition(TEMPLATE, 'yaml'));
  const [stored, setStored] = useState<PlaybookRow | null>(null);
  const [versions, setVersions] = useState<PlaybookRow[]>([]);
  const [issues, setIssues] = useState<EditorIssue[]>([]);
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
    loadStored(playbookKey).then((p) => setText(formatDefinition(p.definition, 'yaml'))).catch((err: unknown) => setMessage({ ok: false, text: errorText(err) }));
  }, [playbookKey]);

  /** Parses the text; a syntax error becomes an issue (with its line and column) and nothing is sent. */
  const parse = (): Record<string, unknown> | null => {
    const r = parseDefinition(text);
    if (r.ok) return r.value;
    setIssues([syntaxIssue(r.error)]);
    return null;
  };

  /** Converts the text to the other format; a text that does not parse stays as it is, with its error shown. */
  const switchFormat = (to: TextFormat) => {
    if (to === format) return;
    const r = convertText(text, to);
    if (!r.ok) {
      setIssues([syntaxIssue(r.error)]);
      setMessage({ ok: false, text: t('editor.notConverted') });
      return;
    }
    setText(r.text);
    setFormat(to);
    // Paths still apply; their lines moved, so they are looked up again in the new text.
    setIssues((list) => list.map((i) => (i.kind === 'field' ? { ...i, at: findPath(r.text, i.path) } : i)));
  };

  const fail = (err: unknown, sent: string, strip = '') => {
    if (err instanceof ApiError && err.issues.length) {
      setIssues(err.issues.map((i) => {
        const path = strip && i.path.startsWith(strip) ? i.path.slice(strip.length) : i.path;
        return { ...i, kind: 'field', path, at: findPath(sent, path) };
      }));
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
    const sent = text;
    try {
      const r = await api.post<PlaybookRow & { created?: boolean; changed?: boolean }>('/api/v1/playbooks', def);
      setMessage({ ok: true, text: r.changed === false ? t('editor.unchanged') : t('editor.saved', { v: r.version }) });
      if (r.key !== playbookKey) navigate(`/playbooks/${r.key}`, true);
      else await loadStored(r.key);
    } catch (err) {
      fail(err, sent);
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
    const sent = text;
    try {
      const from = new Date(Date.now() - simDays * 86_400_000).toISOString();
      setSim(await api.post<Simulation>('/api/v1/playbooks/simulate', { definition: def, from, alone }));
    } catch (err) {
      fail(err, sent, 'definition.');
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

  /**
   * Puts the caret on what an issue names, so the fix is one click away: a syntax error's line and
   * column, or the field a path names, looked up in the current text (it may have changed since).
   */
  const jumpTo = (issue: EditorIssue) => {
    const area = areaRef.current;
    if (!area) return;
    let at: TextPos | null;
    if (issue.kind === 'syntax') {
      const now = parseDefinition(area.value);
      at = now.ok ? null : now.error.at;
    } else {
      at = findPath(area.value, issue.path);
    }
    area.focus();
    if (!at) return;
    const lineEnd = area.value.indexOf('\n', at.offset);
    area.setSelectionRange(at.offset, lineEnd < 0 ? area.value.length : lineEnd);
    const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 20;
    area.scrollTop = Math.max(0, (at.line - 1) * lineHeight - area.clientHeight / 3);
  };

  /**
   * Inserts text at the caret as typing does, so the browser's undo (Ctrl+Z) still has it;
   * execCommand is deprecated but is still the one way to edit a textarea with its undo history
   * kept (it fires input, which updates the state). Without it, the value is set directly.
   */
  const insert = (el: HTMLTextAreaElement, add: string) => {
    if (document.execCommand('insertText', false, add)) return;
    const s = el.selectionStart;
    setText(el.value.slice(0, s) + add + el.value.slice(el.selectionEnd));
    requestAnimationFrame(() => el.setSelectionRange(s + add.length, s + add.length));
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
        <div class="toolbar">
          <label for="playbook-text" class="small muted">{t('editor.label')}</label>
          <span class="grow" />
          <div class="view-tabs format-toggle" role="group" aria-label={t('editor.format')} data-testid="playbook-format">
            {FORMATS.map((f) => (
              <button key={f} type="button" class={`tab ${format === f ? 'active' : ''}`} aria-pressed={format === f} data-format={f}
                onClick={() => switchFormat(f)}>{f === 'yaml' ? 'YAML' : 'JSON'}</button>
            ))}
          </div>
        </div>
        <textarea id="playbook-text" ref={areaRef} class="code-editor" data-testid="playbook-editor" spellcheck={false} value={text}
          aria-invalid={issues.length > 0} aria-describedby="playbook-issues"
          onInput={(e) => { setText(e.currentTarget.value); }} onKeyDown={(e) => {
            if (e.key === 'Tab' && !e.shiftKey) {
              e.preventDefault();
              insert(e.currentTarget, '  ');
            } else if (e.key === 'Enter' && !e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey && !e.isComposing) {
              // YAML is indented: a new line keeps the indentation of the one it continues.
              e.preventDefault();
              const el = e.currentTarget;
              insert(el, '\n' + indentAfter(el.value.slice(el.value.lastIndexOf('\n', el.selectionStart - 1) + 1, el.selectionStart)));
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
        <IssueList issues={issues} onPick={jumpTo} />
        {sim && <SimulationReport sim={sim} />}
        {versions.length > 0 && (
          <section class="versions" data-testid="playbook-versions" aria-label={t('editor.versions')}>
            <h3>{t('editor.versions')}</h3>
            <ul>
              {versions.map((v) => (
                <li key={v.version}>
                  <span><strong>v{v.version}</strong> <span class="muted small" title={dateTime(v.updatedAt)}>{ago(v.updatedAt)}</span></span>
                  <button type="button" class="btn ghost tiny" onClick={() => { setText(formatDefinition(v.definition, format)); setMessage({ ok: true, text: t('editor.loadedVersion', { v: v.version }) }); }}>{t('editor.load')}</button>
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
