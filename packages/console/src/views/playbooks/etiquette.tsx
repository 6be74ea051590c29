/** The workspace's etiquette: caps, cooldowns, quiet hours, typing hold, marketing consent. */
import { useEffect, useState } from 'preact/hooks';
import { api, errorText, type Issue } from '../../lib/api';
import { ApiError } from '../../lib/api';
import { t } from '../../lib/i18n';

interface Etiquette {
  maxPerDay: number;
  maxPerWeek: number;
  playbookCooldownMs: number;
  dismissCooldownMs: number;
  quietHours: { start: number; end: number } | null;
  requireExplicitMarketingConsent: boolean;
  typingHoldMs: number;
  paymentPages?: unknown[];
  consent?: { service: string[]; marketing: string[] };
}

const HOUR = 3_600_000;

export function EtiquetteForm() {
  const [e, setE] = useState<Etiquette | null>(null);
  const [form, setForm] = useState<Record<string, string | boolean>>({});
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [busy, setBusy] = useState(false);

  const fill = (x: Etiquette) => {
    setE(x);
    setForm({
      maxPerDay: String(x.maxPerDay), maxPerWeek: String(x.maxPerWeek),
      playbookCooldownHours: String(x.playbookCooldownMs / HOUR), dismissCooldownHours: String(x.dismissCooldownMs / HOUR),
      quiet: x.quietHours !== null, quietStart: String(x.quietHours?.start ?? 21), quietEnd: String(x.quietHours?.end ?? 8),
      typingHoldSeconds: String(x.typingHoldMs / 1000), requireExplicitMarketingConsent: x.requireExplicitMarketingConsent,
      marketing: (x.consent?.marketing ?? []).join(', '), service: (x.consent?.service ?? []).join(', '),
    });
  };

  useEffect(() => { api.get<Etiquette>('/api/v1/etiquette').then(fill).catch((err: unknown) => setMsg({ ok: false, text: errorText(err) })); }, []);

  const num = (k: string) => Number(form[k]);
  const list = (k: string) => String(form[k] ?? '').split(',').map((s) => s.trim()).filter(Boolean);

  const save = async (ev: Event) => {
    ev.preventDefault();
    setBusy(true);
    setMsg(null);
    setIssues([]);
    try {
      const body = {
        maxPerDay: num('maxPerDay'), maxPerWeek: num('maxPerWeek'),
        playbookCooldownMs: Math.round(num('playbookCooldownHours') * HOUR), dismissCooldownMs: Math.round(num('dismissCooldownHours') * HOUR),
        quietHours: form.quiet ? { start: num('quietStart'), end: num('quietEnd') } : null,
        typingHoldMs: Math.round(num('typingHoldSeconds') * 1000),
        requireExplicitMarketingConsent: Boolean(form.requireExplicitMarketingConsent),
        consent: { marketing: list('marketing'), service: list('service') },
      };
      fill(await api.put<Etiquette>('/api/v1/etiquette', body));
      setMsg({ ok: true, text: t('etiquette.saved') });
    } catch (err) {
      if (err instanceof ApiError) setIssues(err.issues);
      setMsg({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  if (!e) return msg ? <p class="error" role="alert">{msg.text}</p> : <p class="muted">{t('app.loading')}</p>;

  const field = (k: string, label: string, hint: string, attrs: Record<string, number | string> = {}) => (
    <label class="field">
      <span class="label">{label}</span>
      <input type="number" name={k} value={String(form[k] ?? '')} onInput={(ev) => setForm({ ...form, [k]: ev.currentTarget.value })} required {...attrs} />
      <span class="hint">{hint}</span>
      {issues.filter((i) => i.path.startsWith(k.replace(/Hours|Seconds/, ''))).map((i, n) => <span key={n} class="error small">{i.message}</span>)}
    </label>
  );

  return (
    <form class="settings-form" data-testid="etiquette-form" onSubmit={(ev) => void save(ev)}>
      <p class="muted">{t('etiquette.intro')}</p>
      <fieldset>
        <legend>{t('etiquette.caps')}</legend>
        {field('maxPerDay', t('etiquette.maxPerDay'), t('etiquette.maxPerDayHint'), { min: 0, max: 100 })}
        {field('maxPerWeek', t('etiquette.maxPerWeek'), t('etiquette.maxPerWeekHint'), { min: 0, max: 500 })}
      </fieldset>
      <fieldset>
        <legend>{t('etiquette.cooldowns')}</legend>
        {field('playbookCooldownHours', t('etiquette.playbookCooldown'), t('etiquette.playbookCooldownHint'), { min: 0, max: 2160, step: 'any' })}
        {field('dismissCooldownHours', t('etiquette.dismissCooldown'), t('etiquette.dismissCooldownHint'), { min: 0, max: 2160, step: 'any' })}
        {field('typingHoldSeconds', t('etiquette.typingHold'), t('etiquette.typingHoldHint'), { min: 0, max: 600 })}
      </fieldset>
      <fieldset>
        <legend>{t('etiquette.quietHours')}</legend>
        <label class="check"><input type="checkbox" checked={Boolean(form.quiet)} onChange={(ev) => setForm({ ...form, quiet: ev.currentTarget.checked })} /> {t('etiquette.quietOn')}</label>
        {form.quiet && <div class="inline-fields">
          {field('quietStart', t('etiquette.from'), t('etiquette.hourHint'), { min: 0, max: 23 })}
          {field('quietEnd', t('etiquette.until'), t('etiquette.hourHint'), { min: 0, max: 23 })}
        </div>}
      </fieldset>
      <fieldset>
        <legend>{t('etiquette.consent')}</legend>
        <label class="field"><span class="label">{t('etiquette.marketingCategories')}</span>
          <input type="text" value={String(form.marketing ?? '')} onInput={(ev) => setForm({ ...form, marketing: ev.currentTarget.value })} /></label>
        <label class="field"><span class="label">{t('etiquette.serviceCategories')}</span>
          <input type="text" value={String(form.service ?? '')} onInput={(ev) => setForm({ ...form, service: ev.currentTarget.value })} /></label>
        <label class="check"><input type="checkbox" checked={Boolean(form.requireExplicitMarketingConsent)} onChange={(ev) => setForm({ ...form, requireExplicitMarketingConsent: ev.currentTarget.checked })} /> {t('etiquette.explicitMarketing')}</label>
      </fieldset>
      {issues.length > 0 && <ul class="issues-inline">{issues.map((i, n) => <li key={n} class="error small"><code>{i.path}</code> {i.message}</li>)}</ul>}
      {msg && <p class={msg.ok ? 'ok-text' : 'error'} role={msg.ok ? 'status' : 'alert'}>{msg.text}</p>}
      <button type="submit" class="btn primary" data-testid="etiquette-save" disabled={busy}>{t('etiquette.save')}</button>
    </form>
  );
}
