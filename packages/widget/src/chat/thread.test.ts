import type { Message } from '@omotenashi/protocol';
import { describe, expect, it } from 'vitest';
import { Thread, pickConversation } from './thread.js';

const msg = (seq: number, type: 'customer' | 'operator', extra: Partial<Message> = {}): Message => ({
  id: `msg_${seq}`, conversationId: 'cnv_1', seq, kind: 'text', author: { type, id: null, name: null }, text: `m${seq}`,
  attachments: [], channel: 'webchat', clientMessageId: null, createdAt: seq, ...extra,
});

describe('thread', () => {
  it('shows each message once, in seq order, from history and socket alike', () => {
    const t = new Thread('cnv_1');
    expect(t.add(msg(2, 'operator'))).toBe(true);
    expect(t.add(msg(1, 'customer'))).toBe(true);
    expect(t.add(msg(2, 'operator'))).toBe(false);
    expect(t.add(msg(3, 'operator', { kind: 'note' }))).toBe(false);
    expect(t.items().map((i) => (i.kind === 'message' ? i.m.seq : -1))).toEqual([1, 2]);
    expect([t.lastSeq, t.lastOperatorSeq]).toEqual([2, 2]);
  });

  it('shows a send as pending until its message arrives, or as failed', () => {
    const t = new Thread('cnv_1');
    t.send({ clientMessageId: 'c1', text: 'hi', state: 'sending' });
    t.send({ clientMessageId: 'c2', text: 'again', state: 'sending' });
    t.fail('c2');
    expect(t.items().map((i) => (i.kind === 'pending' ? i.p.state : 'stored'))).toEqual(['sending', 'failed']);
    t.add(msg(1, 'customer', { clientMessageId: 'c1' }));
    expect(t.items().map((i) => (i.kind === 'pending' ? i.p.state : 'stored'))).toEqual(['stored', 'failed']);
  });

  it('opens on the newest conversation still going, else the newest', () => {
    const c = (id: string, createdAt: number, status: 'open' | 'resolved') => ({ id, createdAt, status, lastSeq: 1, operatorReadSeq: 0, csatRequested: false });
    expect(pickConversation([c('a', 1, 'open'), c('b', 2, 'resolved')])?.id).toBe('a');
    expect(pickConversation([c('a', 1, 'resolved'), c('b', 2, 'resolved')])?.id).toBe('b');
    expect(pickConversation([])).toBeNull();
  });
});
