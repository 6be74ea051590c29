import type { InvitationFrame } from '@omotenashi/protocol';
import { fill, initials, type Strings } from './i18n.js';
import { LOADER_CSS } from './styles.js';
import { el, fillAvatar, safeUrl } from './dom.js';

export const HOST_ID = 'omotenashi-widget';

export interface ShellHandlers {
  launcher(): void;
  hintLink(inv: InvitationFrame): void;
  hintDismiss(inv: InvitationFrame): void;
  accept(inv: InvitationFrame): void;
  dismiss(inv: InvitationFrame): void;
}

/** An invitation's message (`content.message`, or `content.text`), '' when it has none. */
export function invitationText(inv: InvitationFrame): string {
  const c = inv.content as { message?: unknown; text?: unknown } | null;
  return typeof c?.message === 'string' ? c.message : typeof c?.text === 'string' ? c.text : '';
}

const CHAT_ICON = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>';

/**
 * The widget's one element on the page: `<div id="omotenashi-widget">` with an open shadow
 * root holding the launcher, the quiet hint, the invitation bubble, the chat panel's slot and
 * the live region.
 */
export class Shell {
  readonly host: HTMLElement;
  readonly root: ShadowRoot;
  readonly slot: HTMLElement;
  readonly launcher: HTMLButtonElement;
  private readonly live: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly touchBox: HTMLElement;

  constructor(private readonly s: Strings, private readonly h: ShellHandlers) {
    this.host = el('div', { id: HOST_ID });
    this.root = this.host.attachShadow({ mode: 'open' });
    const style = el('style', {}, LOADER_CSS);
    this.slot = el('div', { class: 'slot' });
    this.touchBox = el('div', { class: 'touch' });
    this.badge = el('span', { class: 'badge', hidden: '' });
    this.launcher = el('button', { type: 'button', 'data-part': 'launcher', 'aria-label': s.openChat, 'aria-expanded': 'false' });
    // A constant icon (not data): the only markup not built element by element.
    this.launcher.innerHTML = CHAT_ICON;
    this.launcher.append(this.badge);
    this.launcher.addEventListener('click', () => h.launcher());
    this.live = el('div', { 'data-part': 'live', 'aria-live': 'polite', role: 'status', class: 'sr' });
    this.root.append(style, el('div', { class: 'stack' }, this.slot, this.touchBox, this.launcher), this.live);
  }

  mount(): void {
    if (!this.host.isConnected) document.body.append(this.host);
  }

  announce(text: string): void {
    // Cleared first, so that the same words twice are announced twice.
    this.live.textContent = '';
    setTimeout(() => {
      this.live.textContent = text;
    }, 50);
  }

  setUnread(n: number): void {
    this.badge.textContent = String(n);
    this.badge.hidden = n === 0;
    this.launcher.setAttribute('aria-label', n ? `${this.s.openChat} (${fill(this.s.unread, { n })})` : this.s.openChat);
  }

  setExpanded(open: boolean): void {
    this.launcher.setAttribute('aria-expanded', String(open));
    this.launcher.setAttribute('aria-label', open ? this.s.closeChat : this.s.openChat);
  }

  clearTouch(): void {
    this.touchBox.textContent = '';
  }

  /** The first cup: a quiet card (title, body, link) with a dismiss button. */
  showHint(inv: InvitationFrame): void {
    const c = (inv.content ?? {}) as { title?: unknown; body?: unknown; link?: unknown };
    const link = safeUrl(c.link);
    const a = link ? el('a', { href: link }, this.s.more) : null;
    a?.addEventListener('click', () => this.h.hintLink(inv));
    const x = el('button', { type: 'button', class: 'x', 'data-action': 'dismiss', 'aria-label': this.s.dismiss }, '\u00d7');
    x.addEventListener('click', () => this.h.hintDismiss(inv));
    const title = typeof c.title === 'string' && c.title ? el('h2', {}, c.title) : null;
    const body = typeof c.body === 'string' ? el('p', {}, c.body) : null;
    this.clearTouch();
    this.touchBox.append(el('div', { class: 'card', 'data-part': 'hint', role: 'note', 'data-touch': inv.touchId }, x, title, body, a));
    this.announce([c.title, c.body].filter((v) => typeof v === 'string').join('. '));
  }

  /** The second cup: an operator's invitation, answered with one click either way. */
  showInvitation(inv: InvitationFrame, name: string, avatarUrl: string | null): void {
    const text = invitationText(inv);
    const av = el('div', { class: 'av', 'aria-hidden': 'true' });
    fillAvatar(av, safeUrl(avatarUrl), initials(name));
    const yes = el('button', { type: 'button', class: 'btn', 'data-action': 'accept' }, this.s.accept);
    const no = el('button', { type: 'button', class: 'btn ghost', 'data-action': 'dismiss' }, this.s.noThanks);
    yes.addEventListener('click', () => this.h.accept(inv));
    no.addEventListener('click', () => this.h.dismiss(inv));
    const nameId = `o-inv-${inv.touchId}`;
    this.clearTouch();
    this.touchBox.append(el('div', { class: 'card', 'data-part': 'invitation', role: 'group', 'aria-labelledby': nameId, 'data-touch': inv.touchId },
      el('div', { class: 'who' }, av, el('div', {}, el('div', { 'data-part': 'operator-name', id: nameId }, name), el('div', { class: 'sub' }, this.s.team))),
      el('p', {}, text),
      el('div', { class: 'row' }, yes, no)));
    this.announce(`${name}: ${text}`);
  }
}
