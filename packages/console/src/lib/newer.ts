/**
 * Which of two states of one conversation is the later. HTTP answers and socket frames race: a
 * late answer to "resolve" must not overwrite the rating a `conversation.updated` frame already
 * brought. The Conversation has no version counter, so the best available order is updatedAt
 * (set on every change), then lastSeq (every message). On a full tie the incoming state wins,
 * as nothing says it is older; so does another conversation (the view moved on).
 */
interface Versioned { id: string; updatedAt: number; lastSeq: number }

export function newer<T extends Versioned>(current: T | null | undefined, incoming: T): T {
  if (!current || current.id !== incoming.id) return incoming;
  if (incoming.updatedAt !== current.updatedAt) return incoming.updatedAt > current.updatedAt ? incoming : current;
  return incoming.lastSeq >= current.lastSeq ? incoming : current;
}
