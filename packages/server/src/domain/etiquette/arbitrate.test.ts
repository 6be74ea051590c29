import { describe, expect, it } from 'vitest';
import { arbitrate, supersededVerdict } from './arbitrate.js';
import type { Channel } from './channel.js';

const c = (playbookKey: string, priority: number, channel: Channel = 'onsite') => ({ playbookKey, priority, channel });

describe('arbitrate: one voice at a time', () => {
  it('lets the highest-priority customer-facing candidate speak and supersedes the others', () => {
    const low = c('size-help', 10);
    const high = c('stuck-at-payment', 80);
    const email = c('win-back', 50, 'away');
    const result = arbitrate([low, high, email]);
    expect(result.winners).toEqual([high]);
    expect(result.superseded).toEqual([{ loser: low, winner: high }, { loser: email, winner: high }]);
  });

  it('lets every staff candidate through', () => {
    const alert = c('vip-alert', 0, 'staff');
    const tag = c('tagger', 100, 'staff');
    const hint = c('size-help', 10);
    const result = arbitrate([alert, hint, tag]);
    expect(result.winners).toEqual([alert, hint, tag]);
    expect(result.superseded).toEqual([]);
  });

  it('breaks ties by playbook key, whatever the input order', () => {
    const a = c('a-first', 50);
    const b = c('b-second', 50);
    expect(arbitrate([b, a]).winners).toEqual([a]);
    expect(arbitrate([a, b]).winners).toEqual([a]);
  });

  it('handles no candidates', () => {
    expect(arbitrate([])).toEqual({ winners: [], superseded: [] });
  });

  it('explains a superseded touch', () => {
    expect(supersededVerdict(c('stuck-at-payment', 80))).toEqual({
      ok: false,
      rule: 'superseded',
      detail: 'playbook stuck-at-payment (priority 80) took this moment',
    });
  });
});
