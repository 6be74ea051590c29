import type { EtiquetteSettings } from './settings.js';

/** The per-playbook etiquette, with the cooldown already parsed to milliseconds. */
export interface PlaybookLimits {
  cooldownMs?: number;
  maxPerDay?: number;
  maxPerWeek?: number;
}

/**
 * The settings one playbook runs under: for each field, the stricter of the workspace's and
 * the playbook's (the longer cooldown, the lower caps). A playbook may tighten the workspace's
 * etiquette, never loosen it: the workspace settings are the shop's promise to its customers,
 * and a playbook author (who may not be an admin) cannot break it for one campaign.
 *
 * Returns `workspace` itself when the playbook changes nothing, so the common case allocates
 * nothing; callers may cache the result per playbook. A value that is not a non-negative
 * finite number is ignored (a NaN cap would otherwise compare false and let everything by).
 */
export function effectiveEtiquette(workspace: EtiquetteSettings, playbook: PlaybookLimits | undefined): EtiquetteSettings {
  if (playbook === undefined) return workspace;
  const cooldown = usable(playbook.cooldownMs) ? Math.max(workspace.playbookCooldownMs, playbook.cooldownMs) : workspace.playbookCooldownMs;
  const day = usable(playbook.maxPerDay) ? Math.min(workspace.maxPerDay, playbook.maxPerDay) : workspace.maxPerDay;
  const week = usable(playbook.maxPerWeek) ? Math.min(workspace.maxPerWeek, playbook.maxPerWeek) : workspace.maxPerWeek;
  if (cooldown === workspace.playbookCooldownMs && day === workspace.maxPerDay && week === workspace.maxPerWeek) return workspace;
  return { ...workspace, playbookCooldownMs: cooldown, maxPerDay: day, maxPerWeek: week };
}

const usable = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
