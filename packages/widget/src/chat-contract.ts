import type { ClientEvents, OmotenashiClient } from '@omotenashi/client';
import type { Welcome } from '@omotenashi/protocol';
import type { Strings } from './i18n.js';

/**
 * What the loader hands the lazily loaded chat panel (widget-chat.js). The panel imports types
 * only: the socket client is bundled once, in the loader, and shared through this object.
 */
export interface ChatHost {
  /** Where the panel renders (inside the widget's shadow root). */
  slot: HTMLElement;
  strings: Strings;
  locale: string;
  /** `http(s)://HOST` of the Omotenashi server. */
  base: string;
  /** The current socket client (a new one after identify with a proof, or reset). */
  client(): OmotenashiClient;
  /** The latest welcome, once connected. */
  welcome(): Welcome | null;
  /** Client events, from whichever client is current. */
  on<K extends keyof ClientEvents>(ev: K, cb: (payload: ClientEvents[K]) => void): () => void;
  /** The panel asks to be closed (close button, Escape). */
  requestClose(): void;
  /** Leaves the address for an answer by email over the chat socket (the offline form). */
  saveEmail(email: string): void;
  /** The shop's override of the reply target (`data-reply-within-minutes`), if any. */
  replyWithinMinutes: number | null;
}

export interface Greeting {
  name: string;
  avatarUrl: string | null;
  text: string;
}

export interface ChatPanel {
  open(greeting?: Greeting): void;
  close(): void;
  destroy(): void;
  readonly isOpen: boolean;
}

export type MountChat = (host: ChatHost) => ChatPanel;
