/**
 * Playbooks and etiquette (loaded on demand): the list with outcome counts, the editor with
 * inline validation, simulation before enabling, versions, and the workspace's etiquette.
 */
import { t } from '../../lib/i18n';
import { href, linkClick, match } from '../../lib/router';
import { PlaybookList } from './list';
import { PlaybookEditor } from './editor';
import { EtiquetteForm } from './etiquette';

export default function PlaybooksModule({ route }: { route: string }) {
  const m = match('/playbooks/:key', route);
  const etiquette = route === '/etiquette';
  return (
    <main class="view playbooks-view" aria-labelledby="pb-title">
      <div class="view-head">
        <h1 id="pb-title">{etiquette ? t('etiquette.title') : t('playbooks.title')}</h1>
        <nav class="sub-tabs" aria-label={t('playbooks.sections')}>
          <a href={href('/playbooks')} onClick={linkClick('/playbooks')} class={!etiquette ? 'active' : ''} aria-current={!etiquette ? 'page' : undefined}>{t('playbooks.title')}</a>
          <a href={href('/etiquette')} onClick={linkClick('/etiquette')} class={etiquette ? 'active' : ''} aria-current={etiquette ? 'page' : undefined}>{t('etiquette.title')}</a>
        </nav>
      </div>
      {etiquette ? <EtiquetteForm /> : m ? <PlaybookEditor key={m.key} playbookKey={m.key === 'new' ? null : m.key!} /> : <PlaybookList />}
    </main>
  );
}
