/** What the shop configures on the script tag (and, for the locale, in the queued-call snippet). */
export interface WidgetConfig {
  /** `http(s)://HOST` the script came from: the API, the socket and the chat module live there. */
  base: string;
  /** `ws(s)://HOST/v1/realtime`. */
  socketUrl: string;
  /** The loader's own URL (the chat module is resolved against it). */
  scriptSrc: string;
  writeKey: string;
  requireConsent: boolean;
  honorGpc: boolean;
  locale: string | null;
  /** Forms whose validation errors are tracked (`data-track-form-errors`, a selector list). */
  formErrorSelectors: string | null;
  /** Overrides the workspace's reply target shown when nobody is online. */
  replyWithinMinutes: number | null;
}

const truthy = (v: string | null): boolean => v !== null && v !== 'false' && v !== '0';

/** Reads the config from the script's attributes; null when it cannot work (no key, no src). */
export function parseConfig(src: string, attr: (name: string) => string | null): WidgetConfig | null {
  let url: URL;
  try {
    url = new URL(src);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const writeKey = attr('data-write-key')?.trim();
  if (!writeKey) return null;
  const minutes = Number(attr('data-reply-within-minutes'));
  return {
    base: url.origin,
    socketUrl: `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}/v1/realtime`,
    scriptSrc: url.href,
    writeKey,
    requireConsent: truthy(attr('data-require-consent')),
    honorGpc: truthy(attr('data-honor-gpc')),
    locale: attr('data-locale')?.trim() || null,
    formErrorSelectors: attr('data-track-form-errors')?.trim() || null,
    replyWithinMinutes: Number.isFinite(minutes) && minutes > 0 ? Math.round(minutes) : null,
  };
}
