/**
 * A manual invitation to chat (POST /api/v1/visitors/:customerId/invite), shared by the live
 * visitors list and the customer panel's suggestions. The etiquette may hold it back: that is a
 * 200 with `outcome: 'held_back'`, shown with its reason. A refused or failed request (a
 * validation error, a 5xx) is an error, shown as one, never worded as a hold-back.
 */
import { api, errorText } from './api';
import { t, tMaybe } from './i18n';

/** The route's answer (console-visitors.ts). */
type InviteAnswer =
  | { outcome: 'sent'; deliveredTo: number }
  | { outcome: 'held_back'; reason: string; detail: string | null };

export interface InviteOutcome { ok: boolean; text: string }

export function inviteOutcome(r: InviteAnswer): InviteOutcome {
  if (r.outcome === 'held_back') {
    return { ok: false, text: t('visitors.heldBack', { reason: [tMaybe('reason', r.reason), r.detail].filter(Boolean).join(': ') }) };
  }
  return { ok: true, text: r.deliveredTo === 0 ? t('visitors.savedNotDelivered') : t('visitors.sent') };
}

/** Sends the invitation; resolves to what to tell the operator, whatever happened. */
export async function sendInvite(customerId: string, message: string): Promise<InviteOutcome> {
  try {
    return inviteOutcome(await api.post<InviteAnswer>(`/api/v1/visitors/${encodeURIComponent(customerId)}/invite`, { message }));
  } catch (err) {
    return { ok: false, text: errorText(err) };
  }
}

/** The outcome under the button that sent it (the browser tests read data-ok). */
export function InviteResult({ result }: { result: InviteOutcome }) {
  return <p class={`small ${result.ok ? 'ok-text' : 'warn-text'}`} role="status" data-testid="invite-result" data-ok={String(result.ok)}>{result.text}</p>;
}
