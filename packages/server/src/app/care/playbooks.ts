import { isDeepStrictEqual } from 'node:util';
import { loosenedFields } from '../../domain/etiquette/loosened-fields.js';
import { DEFAULT_ETIQUETTE, type EtiquetteSettings } from '../../domain/etiquette/settings.js';
import { validateEtiquetteSettings } from '../../domain/etiquette/validate-settings.js';
import type { PlaybookDefinition } from '../../domain/playbooks/definition.js';
import { validatePlaybook } from '../../domain/playbooks/validate-playbook.js';
import { OmotenashiError, notFound, validationError } from '../../errors.js';
import type { IdGenerator } from '../../platform/ids.js';
import type { Clock } from '../../ports/clock.js';
import type { PlaybookRecord, Role, Store } from '../../ports/store.js';
import type { PlaybookRegistry } from './playbook-registry.js';

export interface PlaybookView {
  id: string; key: string; version: number; enabled: boolean; updatedAt: string; definition: unknown;
  outcomes?: { fired: number; heldBack: number; byReason: Record<string, number> };
}

const iso = (ms: number) => new Date(ms).toISOString();
const view = (p: PlaybookRecord): PlaybookView => ({ id: p.id, key: p.key, version: p.version, enabled: p.enabled, updatedAt: iso(p.updatedAt), definition: p.definition });

/** Playbooks with versions, and the workspace's etiquette settings. */
export class Playbooks {
  constructor(private readonly store: Store, private readonly ids: IdGenerator, private readonly clock: Clock, private readonly registry: PlaybookRegistry) {}

  /**
   * Creates a playbook or adds a version. Applying an identical definition changes nothing
   * (idempotent, so `playbook apply` can run from CI on every deploy).
   */
  async apply(workspaceId: string, input: unknown, actor: string | null): Promise<{ playbook: PlaybookView; created: boolean; changed: boolean }> {
    const r = validatePlaybook(input);
    if (!r.ok) throw validationError(r.issues);
    const def: PlaybookDefinition = r.playbook;
    return this.store.transaction(async (tx) => {
      const current = await tx.getPlaybook(workspaceId, def.key);
      const enabled = def.enabled ?? true;
      if (current && isDeepStrictEqual(current.definition, def) && current.enabled === enabled) {
        return { playbook: view(current), created: false, changed: false };
      }
      const rec: PlaybookRecord = {
        id: current?.id ?? this.ids.next('playbook'), workspaceId, key: def.key, version: (current?.version ?? 0) + 1,
        enabled, definition: def, updatedAt: this.clock.now(), createdBy: actor,
      };
      if (current && isDeepStrictEqual(current.definition, def)) {
        await tx.setPlaybookEnabled(workspaceId, def.key, enabled, rec.updatedAt);
        this.registry.invalidate(workspaceId);
        return { playbook: { ...view(current), enabled }, created: false, changed: true };
      }
      await tx.savePlaybookVersion(rec);
      this.registry.invalidate(workspaceId);
      return { playbook: view(rec), created: !current, changed: true };
    });
  }

  async list(workspaceId: string, withOutcomesSince?: number): Promise<PlaybookView[]> {
    const list = (await this.store.listPlaybooks(workspaceId)).map(view);
    if (withOutcomesSince === undefined) return list;
    const counts = await this.store.decisionCounts(workspaceId, withOutcomesSince);
    return list.map((p) => {
      const mine = counts.filter((c) => c.playbookKey === p.key);
      const byReason: Record<string, number> = {};
      for (const c of mine) if (c.outcome === 'held_back' && c.reason) byReason[c.reason] = (byReason[c.reason] ?? 0) + c.n;
      return {
        ...p,
        outcomes: {
          fired: mine.filter((c) => c.outcome === 'fired').reduce((a, c) => a + c.n, 0),
          heldBack: mine.filter((c) => c.outcome === 'held_back').reduce((a, c) => a + c.n, 0),
          byReason,
        },
      };
    });
  }

  async get(workspaceId: string, key: string, version?: number): Promise<PlaybookView> {
    const p = await this.store.getPlaybook(workspaceId, key, version);
    if (!p) throw notFound(version === undefined ? 'playbook' : `version ${version} of playbook`, key);
    return view(p);
  }

  async versions(workspaceId: string, key: string): Promise<PlaybookView[]> {
    const list = await this.store.listPlaybookVersions(workspaceId, key);
    if (list.length === 0) throw notFound('playbook', key);
    return list.map(view);
  }

  async setEnabled(workspaceId: string, key: string, enabled: boolean): Promise<PlaybookView> {
    if (!(await this.store.setPlaybookEnabled(workspaceId, key, enabled, this.clock.now()))) throw notFound('playbook', key);
    this.registry.invalidate(workspaceId);
    return this.get(workspaceId, key);
  }

  async etiquette(workspaceId: string): Promise<EtiquetteSettings> {
    const doc = (await this.store.getWorkspaceSettings(workspaceId))['etiquette'];
    if (doc === undefined) return DEFAULT_ETIQUETTE;
    const r = validateEtiquetteSettings(doc);
    return r.ok ? r.settings : DEFAULT_ETIQUETTE;
  }

  /** Anyone with write access may tighten the etiquette; only an admin (or owner) may loosen it. */
  async setEtiquette(workspaceId: string, input: unknown, role: Role): Promise<EtiquetteSettings> {
    const current = await this.etiquette(workspaceId);
    const r = validateEtiquetteSettings(input, current);
    if (!r.ok) throw validationError(r.issues);
    const loosened = loosenedFields(current, r.settings);
    if (loosened.length > 0 && role === 'agent') {
      throw new OmotenashiError('forbidden', `only an admin may loosen the etiquette (${loosened.join(', ')})`);
    }
    const settings = await this.store.getWorkspaceSettings(workspaceId);
    await this.store.setWorkspaceSettings(workspaceId, { ...settings, etiquette: r.settings });
    this.registry.invalidate(workspaceId);
    return r.settings;
  }
}
