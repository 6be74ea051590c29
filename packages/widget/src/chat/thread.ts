import type { Message, VisitorConversation } from '@omotenashi/protocol';

export interface PendingSend {
  clientMessageId: string;
  text: string;
  state: 'sending' | 'failed';
}

export type ThreadItem = { kind: 'message'; m: Message } | { kind: 'pending'; p: PendingSend };

/**
 * One conversation as the panel shows it: stored messages (from history and the socket, each
 * once, in seq order) followed by the visitor's sends still waiting for their ack.
 */
export class Thread {
  private readonly byId = new Map<string, Message>();
  private pending: PendingSend[] = [];

  constructor(readonly conversationId: string | null) {}

  /** Adds a stored message; false when it was already there. Its pending send, if any, is done. */
  add(m: Message): boolean {
    if (m.kind !== 'text') return false;
    if (m.clientMessageId) this.pending = this.pending.filter((p) => p.clientMessageId !== m.clientMessageId);
    if (this.byId.has(m.id)) return false;
    this.byId.set(m.id, m);
    return true;
  }

  send(p: PendingSend): void {
    this.pending.push(p);
  }

  fail(clientMessageId: string): void {
    for (const p of this.pending) if (p.clientMessageId === clientMessageId) p.state = 'failed';
  }

  items(): ThreadItem[] {
    const ms = [...this.byId.values()].sort((a, b) => a.seq - b.seq || a.createdAt - b.createdAt);
    return [...ms.map((m): ThreadItem => ({ kind: 'message', m })), ...this.pending.map((p): ThreadItem => ({ kind: 'pending', p }))];
  }

  get lastSeq(): number {
    let n = 0;
    for (const m of this.byId.values()) n = Math.max(n, m.seq);
    return n;
  }

  /** The highest seq an operator wrote (what the visitor marks read). */
  get lastOperatorSeq(): number {
    let n = 0;
    for (const m of this.byId.values()) if (m.author.type !== 'customer') n = Math.max(n, m.seq);
    return n;
  }
}

/** Which conversation the panel opens on: the newest still going, else the newest. */
export function pickConversation(convs: readonly VisitorConversation[]): VisitorConversation | null {
  const sorted = [...convs].sort((a, b) => b.createdAt - a.createdAt);
  return sorted.find((c) => c.status !== 'resolved') ?? sorted[0] ?? null;
}
