import type { SendResult } from './batch-queue.js';

/**
 * POSTs a batch as text/plain (a "simple" CORS request: no preflight). On page hide it uses
 * sendBeacon, which the browser delivers after the page is gone.
 */
export async function postBatch(url: string, body: string, beacon: boolean): Promise<SendResult> {
  if (beacon && typeof navigator.sendBeacon === 'function') {
    try {
      if (navigator.sendBeacon(url, body)) return 'ok';
    } catch {
      // fall through to fetch with keepalive
    }
  }
  try {
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'text/plain' }, keepalive: true, credentials: 'omit', mode: 'cors' });
    if (res.ok) return 'ok';
    // Rate limits and server trouble pass; any other refusal would be refused again.
    if (res.status === 429 || res.status >= 500) return 'retry';
    console.warn(`[omotenashi] ${res.status} from ${url}: events dropped`);
    return 'drop';
  } catch {
    return 'retry';
  }
}
