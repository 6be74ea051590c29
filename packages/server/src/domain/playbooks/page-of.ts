import type { NormalizedEvent } from '../events/normalized-event.js';

/** The page an event happened on: its own properties first, then context.page. */
export function pageOf(e: NormalizedEvent): { path: string | null; url: string | null } | null {
  const ctxPage = e.context['page'];
  const cp = typeof ctxPage === 'object' && ctxPage !== null && !Array.isArray(ctxPage) ? ctxPage : {};
  const url = str(e.properties['url']) ?? str(cp['url']);
  let path = str(e.properties['path']) ?? str(cp['path']);
  if (path === null && url !== null) {
    try {
      path = new URL(url).pathname;
    } catch {
      path = null;
    }
  }
  return path === null && url === null ? null : { path, url };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
