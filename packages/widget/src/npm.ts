/**
 * `import { loadOmotenashi } from '@omotenashi/widget'`: the npm form of the snippet, for shops
 * built with a bundler. It does what the two-part snippet in docs/widget.md does — define the
 * queued `window.Omotenashi` at once and add the script tag — so the loader itself stays one
 * file served by the Omotenashi server (the chat panel must come from the same host anyway, and
 * a shop upgrading the server gets the matching widget without a rebuild).
 */
import { API_METHODS, type ApiMethod } from './api.js';

export interface LoadOptions {
  /** The Omotenashi server, `https://care.example.com`. */
  host: string;
  /** The workspace's write key (`wk_…`). */
  writeKey: string;
  /** Send nothing and store no identifier until `consent(…)` (data-require-consent). */
  requireConsent?: boolean;
  /** Treat Global Privacy Control as a "no" to analytics and marketing (data-honor-gpc). */
  honorGpc?: boolean;
  /** The widget's language: en, ja, ru or vi (data-locale). */
  locale?: string;
  /** Selectors of forms whose validation errors are tracked (data-track-form-errors). */
  trackFormErrors?: string;
  /** The reply time shown when nobody is online (data-reply-within-minutes). */
  replyWithinMinutes?: number;
}

export interface OmotenashiApi {
  identify(userId: string, traits?: Record<string, unknown>, proof?: { userHash?: string; token?: string }): void;
  track(event: string, properties?: Record<string, unknown>): void;
  page(): void;
  open(): void;
  close(): void;
  consent(answers: { analytics?: boolean; service?: boolean; marketing?: boolean }): void;
  reset(): void;
  on(event: 'ready' | 'invitation' | 'message' | 'open' | 'close', callback: (payload?: unknown) => void): void;
}

type Global = Partial<Record<ApiMethod, (...args: unknown[]) => unknown>> & { q?: unknown[][] };

/**
 * Adds the widget to the page once (a second call returns the same API) and returns an API
 * whose calls are queued until the script has loaded, then go straight to it.
 */
export function loadOmotenashi(options: LoadOptions): OmotenashiApi {
  const w = window as unknown as { Omotenashi?: Global };
  const stub: Global = w.Omotenashi ?? { q: [] };
  for (const m of API_METHODS) stub[m] ??= (...args: unknown[]) => void (stub.q ??= []).push([m, ...args]);
  w.Omotenashi = stub;
  const src = `${options.host.replace(/\/+$/, '')}/widget.js`;
  if (!document.querySelector(`script[data-omotenashi-npm]`)) {
    const s = document.createElement('script');
    s.async = true;
    s.src = src;
    s.dataset['omotenashiNpm'] = '';
    s.dataset['writeKey'] = options.writeKey;
    if (options.requireConsent) s.dataset['requireConsent'] = 'true';
    if (options.honorGpc) s.dataset['honorGpc'] = 'true';
    if (options.locale) s.dataset['locale'] = options.locale;
    if (options.trackFormErrors) s.dataset['trackFormErrors'] = options.trackFormErrors;
    if (options.replyWithinMinutes !== undefined) s.dataset['replyWithinMinutes'] = String(options.replyWithinMinutes);
    document.head.appendChild(s);
  }
  // Always call through the current global: the loader replaces the stub when it arrives.
  const call = (m: ApiMethod) => (...args: unknown[]) => void w.Omotenashi?.[m]?.(...args);
  return Object.fromEntries(API_METHODS.map((m) => [m, call(m)])) as unknown as OmotenashiApi;
}
