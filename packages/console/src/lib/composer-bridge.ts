/**
 * Lets the customer panel hand a snippet search to the composer of the conversation beside it
 * (they are siblings in the inbox, with no shared state). At most one composer is mounted.
 */
type SnippetListener = (query: string) => void;
const listeners = new Set<SnippetListener>();

/** The composer listens while mounted; returns the unsubscribe. */
export function onSnippetRequest(cb: SnippetListener): () => void {
  listeners.add(cb);
  return () => { listeners.delete(cb); };
}

/** Opens the composer's snippet picker on `query`; false when no composer is there to take it. */
export function requestSnippet(query: string): boolean {
  for (const cb of listeners) cb(query);
  return listeners.size > 0;
}
