/**
 * A suggestion said in the operator's language, worded here from its kind and `ref` (the
 * server's `text` is English only). Unknown kinds, from a newer server, fall back to `text`.
 */
import type { SuggestionView } from '@omotenashi/protocol';
import { ago, day, duration, money } from './format';
import { t, tMaybe } from './i18n';

function momentLabel(kind: string): string {
  const label = tMaybe('moment', kind);
  // "Birthday" heads a column; inside a sentence it is "birthday" (a no-op in Japanese).
  return label.charAt(0).toLowerCase() + label.slice(1);
}

function inDays(n: number): string {
  return n === 0 ? t('moment.today') : n === 1 ? t('moment.tomorrow') : t('moment.inDays', { n });
}

export function suggestionText(s: SuggestionView, now: number): string {
  switch (s.kind) {
    case 'held_back': {
      const why = [tMaybe('reason', s.ref.reason), s.ref.detail].filter(Boolean).join(': ');
      const vars = { playbook: s.ref.playbookName, when: ago(s.ref.at, now), why };
      return s.action === null ? t('suggestion.text.heldBackLeave', vars) : t('suggestion.text.heldBackByHand', vars);
    }
    case 'moment': {
      const vars = { label: momentLabel(s.ref.moment), when: inDays(s.ref.daysUntil), date: day(s.ref.date), name: s.ref.firstName ?? '' };
      return s.ref.firstName ? t('suggestion.text.momentOf', vars) : t('suggestion.text.momentTheir', vars);
    }
    case 'open_cart':
      return t('suggestion.text.openCart', {
        items: s.ref.items === 1 ? t('suggestion.oneItem') : t('suggestion.items', { n: s.ref.items }),
        value: money(s.ref.value, s.ref.currency), ago: ago(s.ref.updatedAt, now),
      });
    case 'late_order':
      return t('suggestion.text.lateOrder', { order: s.ref.orderId, date: day(s.ref.promisedBy), late: duration(now - s.ref.promisedBy) });
    case 'low_csat':
      return t('suggestion.text.lowCsat', { score: s.ref.score, ago: ago(s.ref.ratedAt, now) });
    default:
      return (s as { text: string }).text;
  }
}

/** The title of a suggested task, in the operator's language (else the server's English). */
export function taskTitle(s: SuggestionView): string | null {
  if (s.action?.type !== 'task') return null;
  switch (s.kind) {
    case 'held_back': return t('suggestion.taskTitle.followUp', { playbook: s.ref.playbookName });
    case 'moment': return t('suggestion.taskTitle.moment', { label: momentLabel(s.ref.moment) });
    case 'open_cart': return t('suggestion.taskTitle.openCart');
    case 'low_csat': return t('suggestion.taskTitle.lowCsat');
    default: return s.action.title;
  }
}
