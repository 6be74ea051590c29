import { describe, expect, it } from 'vitest';
import type { SuggestionView } from '@omotenashi/protocol';
import { suggestionText, taskTitle } from './suggestion-text';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const H = 3_600_000;
const base = { key: 'k', text: 'the server’s English', priority: 2 as const };

describe('suggestionText (English)', () => {
  it('words each kind from its data, not from the server’s sentence', () => {
    const cases: [SuggestionView, string][] = [
      [{ ...base, kind: 'held_back', action: null, ref: { playbookKey: 'stuck', playbookName: 'Stuck at payment', reason: 'declined', detail: null, at: NOW - 2 * H } },
        'Stuck at payment was held back 2 h ago (declined). Leave them be for now.'],
      [{ ...base, kind: 'held_back', action: { type: 'task', title: 'x' }, ref: { playbookKey: 'stuck', playbookName: 'Stuck at payment', reason: 'quiet_hours', detail: '22:00–08:00', at: NOW - 3 * H } },
        'Stuck at payment was held back 3 h ago (quiet hours: 22:00–08:00); it may still be worth it by hand.'],
      [{ ...base, kind: 'moment', action: { type: 'task', title: 'x' }, ref: { moment: 'birthday', date: '2026-11-27', daysUntil: 5, firstName: 'Aiko' } },
        "Aiko's birthday is in 5 days (27 Nov 2026), and nothing has been sent yet."],
      [{ ...base, kind: 'moment', action: { type: 'task', title: 'x' }, ref: { moment: 'birthday', date: '2026-11-23', daysUntil: 1, firstName: null } },
        'Their birthday is tomorrow (23 Nov 2026), and nothing has been sent yet.'],
      [{ ...base, kind: 'open_cart', action: null, ref: { items: 1, value: 12, currency: 'EUR', updatedAt: NOW - 45 * 60_000 } },
        'A cart of 1 item (€12.00) left 45 min ago, with no conversation about it.'],
      [{ ...base, kind: 'late_order', action: { type: 'snippet', query: 'delivery' }, ref: { orderId: 'A-1001', promisedBy: NOW - 50 * H } },
        'Order A-1001 was promised for 20 Nov 2026 and is 2 d late.'],
      [{ ...base, kind: 'low_csat', action: { type: 'task', title: 'x' }, ref: { conversationId: 'c1', score: 2, ratedAt: NOW - 5 * 60_000 } },
        'They rated a conversation 2/5 5 min ago, and nobody has followed up yet.'],
    ];
    for (const [s, said] of cases) expect(suggestionText(s, NOW), s.kind).toBe(said);
  });

  it('falls back to the server’s sentence for a kind it does not know', () => {
    const unknown = { ...base, kind: 'vip_visit', action: null, ref: {} } as unknown as SuggestionView;
    expect(suggestionText(unknown, NOW)).toBe('the server’s English');
  });

  it('names tasks in the operator’s words', () => {
    expect(taskTitle({ ...base, kind: 'moment', action: { type: 'task', title: 'Send a birthday note' }, ref: { moment: 'birthday', date: '2026-11-27', daysUntil: 5, firstName: null } }))
      .toBe('Send a birthday note');
    expect(taskTitle({ ...base, kind: 'late_order', action: { type: 'snippet', query: 'delivery' }, ref: { orderId: 'A', promisedBy: 0 } })).toBeNull();
  });
});
