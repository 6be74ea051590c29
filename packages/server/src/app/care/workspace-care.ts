import type { EtiquetteSettings } from '../../domain/etiquette/settings.js';
import type { PlaybookSet } from '../../domain/playbooks/evaluate.js';

/** What one workspace's care loop needs during a flush: its compiled playbooks and etiquette. */
export interface WorkspaceCare {
  playbooks: PlaybookSet;
  settings: EtiquetteSettings;
}
