import type { Channel } from './channel.js';
import { hold, type EtiquetteVerdict } from './verdict.js';

export interface ArbitrationCandidate {
  priority: number;
  channel: Channel;
  playbookKey: string;
}

export interface Arbitration<T> {
  /** In input order. */
  winners: T[];
  superseded: { loser: T; winner: T }[];
}

/** Higher priority first; equal priorities by key (code-unit order, not locale) so runs repeat. */
function outranks(a: ArbitrationCandidate, b: ArbitrationCandidate): boolean {
  return a.priority > b.priority || (a.priority === b.priority && a.playbookKey < b.playbookKey);
}

/**
 * When several playbooks want the same moment with the same customer, one voice speaks: the
 * highest-priority customer-facing candidate (onsite and away compete together) wins and the
 * other customer-facing ones are superseded. Staff candidates all pass: internal work does
 * not crowd the customer. Run it on the candidates that passed checkEtiquette, so a held
 * playbook does not silence one that may speak.
 */
export function arbitrate<T extends ArbitrationCandidate>(candidates: readonly T[]): Arbitration<T> {
  let best = -1;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    if (c.channel !== 'staff' && (best === -1 || outranks(c, candidates[best]!))) best = i;
  }
  const winners: T[] = [];
  const superseded: { loser: T; winner: T }[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    if (c.channel === 'staff' || i === best) winners.push(c);
    else superseded.push({ loser: c, winner: candidates[best]! });
  }
  return { winners, superseded };
}

/** The verdict to record for a superseded candidate. */
export function supersededVerdict(winner: ArbitrationCandidate): EtiquetteVerdict {
  return hold('superseded', `playbook ${winner.playbookKey} (priority ${winner.priority}) took this moment`);
}
