import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countDeltas } from '../packages/server/src/domain/conversations/counters.js';
import { IdGenerator } from '../packages/server/src/platform/ids.js';
import type {
  AttachmentRecord, ConversationCursor, ConversationFilter, ConversationRecord, MessageRecord,
} from '../packages/server/src/ports/conversation-store.js';
import type { Store } from '../packages/server/src/ports/store.js';
import { storeFactories } from './helpers/stores.js';

/** The conversation half of the Store port, the same on SQLite and PostgreSQL. */
describe.each(await storeFactories())('Conversation store contract on $name', (factory) => {
  let store: Store;
  const ids = new IdGenerator();
  const T0 = Date.parse('2026-11-22T00:00:00Z');
  const W1 = 'ws_conv_one';
  const W2 = 'ws_conv_two';
  /** Its own workspace, so the paging test knows every row in it. */
  const WP = 'ws_conv_paging';

  beforeAll(async () => {
    store = await factory.create();
    for (const id of [W1, W2, WP]) await store.insertWorkspace({ id, name: id, createdAt: T0 });
  });
  afterAll(async () => store.close());

  const conversation = (workspaceId: string, over: Partial<ConversationRecord> = {}): ConversationRecord => ({
    id: ids.next('conversation'), workspaceId, customerId: ids.next('customer'), channel: 'webchat', status: 'open', snoozedUntil: null,
    assigneeId: null, team: null, priority: 'normal', labels: [], lastSeq: 0, lastMessageAt: null, preview: null, waitingSince: null,
    firstResponseAt: null, resolvedAt: null, slaPolicyId: null, slaState: 'none', slaCheckAt: null,
    sla: { first_response: null, next_response: null, resolution: null, warned: [], breaches: [] },
    csatScore: null, csatComment: null, csatAt: null, customerReadSeq: 0, operatorReadSeq: 0, activityAt: T0, createdAt: T0, updatedAt: T0,
    ...over,
  });
  const message = (c: ConversationRecord, seq: number, over: Partial<MessageRecord> = {}): MessageRecord => ({
    id: ids.next('message'), workspaceId: c.workspaceId, conversationId: c.id, customerId: c.customerId, seq, kind: 'text',
    authorType: 'customer', authorId: c.customerId, authorName: null, text: `message ${seq}`, attachments: [], channel: c.channel,
    senderKey: `customer:${c.customerId}`, clientMessageId: null, createdAt: T0 + seq * 1000, ...over,
  });
  const attachment = (workspaceId: string, customerId: string, over: Partial<AttachmentRecord> = {}): AttachmentRecord => ({
    id: ids.next('attachment'), workspaceId, customerId, conversationId: null, messageId: null, uploaderType: 'customer', uploaderId: customerId,
    fileName: 'receipt.png', contentType: 'image/png', size: 4, createdAt: T0, ...over,
  });
  const newestFirst = (a: { activityAt: number; id: string }, b: { activityAt: number; id: string }) =>
    b.activityAt - a.activityAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

  it('inserts, reads, updates and locks a conversation, only within its workspace', async () => {
    const c = conversation(W1, {
      labels: ['refund', 'vip'], team: 'billing', assigneeId: 'op_1', priority: 'high', slaPolicyId: 'slp_1', slaState: 'ok', slaCheckAt: T0 + 60_000,
      sla: { first_response: { dueAt: T0 + 60_000, warnAt: T0 + 30_000 }, next_response: null, resolution: null, warned: ['first_response'], breaches: [] },
      waitingSince: T0, lastSeq: 0,
    });
    await store.insertConversation(c);
    expect(await store.getConversation(W1, c.id)).toEqual(c);
    expect(await store.getConversation(W2, c.id)).toBeNull();

    await store.updateConversation(W1, c.id, {
      status: 'resolved', resolvedAt: T0 + 5000, labels: ['refund'], csatScore: 5, csatComment: 'ありがとう', csatAt: T0 + 6000,
      sla: { ...c.sla, breaches: ['first_response'] }, slaCheckAt: null, updatedAt: T0 + 6000,
    });
    const back = await store.getConversation(W1, c.id);
    expect(back).toMatchObject({ status: 'resolved', resolvedAt: T0 + 5000, labels: ['refund'], csatScore: 5, csatComment: 'ありがとう', slaCheckAt: null, assigneeId: 'op_1' });
    expect(back?.sla.breaches).toEqual(['first_response']);
    expect(typeof back?.activityAt).toBe('number');

    // Another workspace can neither change nor lock it.
    await store.updateConversation(W2, c.id, { status: 'open' });
    expect((await store.getConversation(W1, c.id))?.status).toBe('resolved');

    const locked = await store.transaction(async (tx) => {
      const row = await tx.lockConversation(W1, c.id);
      expect(await tx.lockConversation(W2, c.id)).toBeNull();
      await tx.updateConversation(W1, c.id, { lastSeq: (row?.lastSeq ?? 0) + 1 });
      return row;
    });
    expect(locked?.id).toBe(c.id);
    expect((await store.getConversation(W1, c.id))?.lastSeq).toBe(1);
  });

  it('lists the customers\' conversations newest first', async () => {
    const customerId = ids.next('customer');
    const older = conversation(W1, { customerId, createdAt: T0 - 2000 });
    const newer = conversation(W1, { customerId, createdAt: T0 - 1000, channel: 'api' });
    await store.insertConversation(older);
    await store.insertConversation(newer);
    expect((await store.conversationsOfCustomers(W1, [customerId], 10)).map((c) => c.id)).toEqual([newer.id, older.id]);
    expect(await store.conversationsOfCustomers(W2, [customerId], 10)).toEqual([]);
    expect(await store.conversationsOfCustomers(W1, [], 10)).toEqual([]);
  });

  describe('inbox paging', () => {
    const rows: ConversationRecord[] = [];
    beforeAll(async () => {
      const statuses = ['open', 'open', 'pending', 'resolved'] as const;
      const assignees = ['op_a', null, 'op_b', null, 'op_a'];
      for (let i = 0; i < 60; i++) {
        // Only 12 distinct activity times: every page boundary falls inside a tie.
        rows.push(conversation(WP, {
          status: statuses[i % 4]!, assigneeId: assignees[i % 5]!, team: i % 3 === 0 ? 'sales' : i % 3 === 1 ? 'support' : null,
          channel: i % 2 === 0 ? 'webchat' : 'api', priority: i % 7 === 0 ? 'urgent' : 'normal', slaState: i % 6 === 0 ? 'breached' : 'ok',
          activityAt: T0 + Math.floor(i / 5) * 1000,
        }));
      }
      // Inserted out of order, so the result's order comes from the query.
      for (const r of [...rows].reverse()) await store.insertConversation(r);
      // Same shapes in another workspace, which the pages must never show.
      for (const r of rows.slice(0, 10)) await store.insertConversation({ ...r, id: ids.next('conversation'), workspaceId: W2 });
    });

    async function everyPage(filter: ConversationFilter, limit: number): Promise<string[]> {
      const out: string[] = [];
      let after: ConversationCursor | null = null;
      for (let pages = 0; pages < 100; pages++) {
        const page = await store.listConversations(WP, filter, { after, limit });
        out.push(...page.map((c) => c.id));
        if (page.length < limit) return out;
        const last = page[page.length - 1]!;
        after = { activityAt: last.activityAt, id: last.id };
      }
      throw new Error('paging did not end');
    }

    const filters: [string, ConversationFilter, (c: ConversationRecord) => boolean][] = [
      ['no filter', {}, () => true],
      ['status', { status: 'open' }, (c) => c.status === 'open'],
      ['status + assignee', { status: 'open', assigneeId: 'op_a' }, (c) => c.status === 'open' && c.assigneeId === 'op_a'],
      ['status + unassigned', { status: 'open', assigneeId: null }, (c) => c.status === 'open' && c.assigneeId === null],
      ['unassigned', { assigneeId: null }, (c) => c.assigneeId === null],
      ['assignee', { assigneeId: 'op_b' }, (c) => c.assigneeId === 'op_b'],
      ['team', { team: 'sales' }, (c) => c.team === 'sales'],
      ['status + team', { status: 'pending', team: 'support' }, (c) => c.status === 'pending' && c.team === 'support'],
      ['channel', { channel: 'api' }, (c) => c.channel === 'api'],
      ['priority', { priority: 'urgent' }, (c) => c.priority === 'urgent'],
      ['sla state', { slaState: 'breached' }, (c) => c.slaState === 'breached'],
      ['everything', { status: 'open', assigneeId: null, team: 'sales', channel: 'webchat', priority: 'normal', slaState: 'breached' },
        (c) => c.status === 'open' && c.assigneeId === null && c.team === 'sales' && c.channel === 'webchat' && c.priority === 'normal' && c.slaState === 'breached'],
    ];
    it.each(filters)('pages %s newest first, no row skipped or repeated', async (_name, filter, keep) => {
      const expected = rows.filter(keep).sort(newestFirst).map((c) => c.id);
      expect(expected.length).toBeGreaterThan(0);
      for (const limit of [1, 4, 7, 25]) expect(await everyPage(filter, limit)).toEqual(expected);
    });

    it('returns whole records, and nothing of another workspace', async () => {
      const [first] = await store.listConversations(WP, {}, { after: null, limit: 1 });
      expect(first).toEqual([...rows].sort(newestFirst)[0]);
      const theirs = await store.listConversations(W2, { status: 'open' }, { after: null, limit: 100 });
      expect(theirs.every((c) => c.workspaceId === W2)).toBe(true);
      expect(theirs.some((c) => rows.some((r) => r.id === c.id))).toBe(false);
    });
  });

  it('numbers messages uniquely per conversation and de-duplicates client ids per sender', async () => {
    const c = conversation(W1);
    await store.insertConversation(c);
    const first = message(c, 1, { clientMessageId: 'client-1' });
    await store.insertMessage(first);
    await expect(store.insertMessage(message(c, 1))).rejects.toThrow();
    // The same client id from the same sender is a retry: rejected, and found.
    await expect(store.insertMessage(message(c, 2, { clientMessageId: 'client-1' }))).rejects.toThrow();
    expect(await store.findMessageByClientId(W1, first.senderKey, 'client-1')).toEqual(first);
    // From another sender it is a different message.
    const operators = message(c, 2, { clientMessageId: 'client-1', senderKey: 'operator:op_1', authorType: 'operator', authorId: 'op_1', authorName: 'Yui' });
    await store.insertMessage(operators);
    expect(await store.findMessageByClientId(W1, 'operator:op_1', 'client-1')).toEqual(operators);
    expect(await store.findMessageByClientId(W2, first.senderKey, 'client-1')).toBeNull();
    expect(await store.findMessageByClientId(W1, first.senderKey, 'client-2')).toBeNull();
  });

  it('lists messages after a seq, in order, with notes only for those who may see them', async () => {
    const c = conversation(W1);
    await store.insertConversation(c);
    const ref = { id: ids.next('attachment'), fileName: 'a.png', contentType: 'image/png' as const, size: 10 };
    const texts = [1, 2, 3, 4].map((seq) => message(c, seq, seq === 3 ? { attachments: [ref] } : {}));
    // A note carries the seq of the message it follows.
    const note = message(c, 2, { kind: 'note', authorType: 'operator', authorId: 'op_1', senderKey: 'operator:op_1', createdAt: texts[1]!.createdAt + 500 });
    for (const m of [note, ...texts].reverse()) await store.insertMessage(m);
    const list = async (afterSeq: number, limit: number, includeNotes: boolean) =>
      (await store.listMessages(W1, c.id, { afterSeq, limit, includeNotes })).map((m) => `${m.seq}${m.kind === 'note' ? 'n' : ''}`);
    expect(await list(0, 10, true)).toEqual(['1', '2', '2n', '3', '4']);
    expect(await list(0, 10, false)).toEqual(['1', '2', '3', '4']);
    expect(await list(1, 2, false)).toEqual(['2', '3']);
    expect(await list(1, 2, true)).toEqual(['2', '2n']);
    expect(await list(2, 10, true)).toEqual(['3', '4']);
    expect((await store.listMessages(W1, c.id, { afterSeq: 2, limit: 1, includeNotes: true }))[0]).toEqual(texts[2]);
    expect((await store.listMessages(W1, c.id, { afterSeq: 1, limit: 2, includeNotes: true }))[1]).toEqual(note);
    expect(await store.listMessages(W2, c.id, { afterSeq: 0, limit: 10, includeNotes: true })).toEqual([]);
  });

  it('pages a customer\'s thread across conversations and merged profiles, newest first', async () => {
    const a = conversation(W1);
    const b = conversation(W1, { channel: 'api' });
    const other = conversation(W1);
    for (const c of [a, b, other]) await store.insertConversation(c);
    const all: MessageRecord[] = [];
    for (let seq = 1; seq <= 8; seq++) {
      // Pairs share a timestamp across the two conversations: ties are broken by id.
      const at = T0 + Math.ceil(seq / 2) * 1000;
      all.push(message(a, seq, { createdAt: at, kind: seq === 5 ? 'note' : 'text' }), message(b, seq, { createdAt: at }));
    }
    for (const m of all) await store.insertMessage(m);
    await store.insertMessage(message(other, 1));
    const byNewest = (x: MessageRecord, y: MessageRecord) => y.createdAt - x.createdAt || (x.id < y.id ? 1 : -1);

    for (const includeNotes of [true, false]) {
      const expected = all.filter((m) => includeNotes || m.kind !== 'note').sort(byNewest).map((m) => m.id);
      const seen: string[] = [];
      let before: { createdAt: number; id: string } | null = null;
      for (;;) {
        const page = await store.customerThread(W1, [a.customerId, b.customerId], { before, limit: 3, includeNotes });
        seen.push(...page.map((m) => m.id));
        if (page.length < 3) break;
        const last = page[page.length - 1]!;
        before = { createdAt: last.createdAt, id: last.id };
      }
      expect(seen).toEqual(expected);
    }
    expect(await store.customerThread(W2, [a.customerId], { before: null, limit: 10, includeNotes: true })).toEqual([]);
    expect(await store.customerThread(W1, [], { before: null, limit: 10, includeNotes: true })).toEqual([]);
  });

  it('adds to and subtracts from counters, and reads them by key or prefix', async () => {
    await store.adjustCounts(W1, { 'status:open': 2, 'team:a:open': 1, 'team:ab:open': 4, 'team:x_y%:open': 3, 'teamz:open': 9, 'unassigned:open': 0 });
    await store.adjustCounts(W1, { 'status:open': -1, 'team:a:open': 2, 'team:xAyB:open': 5 });
    await store.adjustCounts(W2, { 'status:open': 100 });
    await store.adjustCounts(W1, {});
    expect(await store.getCounts(W1, { keys: ['status:open', 'team:a:open', 'unassigned:open'] })).toEqual({ 'status:open': 1, 'team:a:open': 3 });
    expect(await store.getCounts(W1, { prefix: 'team:' })).toEqual({ 'team:a:open': 3, 'team:ab:open': 4, 'team:x_y%:open': 3, 'team:xAyB:open': 5 });
    expect(await store.getCounts(W1, { prefix: 'team:a:' })).toEqual({ 'team:a:open': 3 });
    // LIKE's wildcards in a team name are only characters.
    expect(await store.getCounts(W1, { prefix: 'team:x_y%:' })).toEqual({ 'team:x_y%:open': 3 });
    expect(await store.getCounts(W1, { keys: [] })).toEqual({});
    expect(await store.getCounts(W2, { prefix: 'team:' })).toEqual({});
    expect(await store.getCounts(W2, { keys: ['status:open', 'team:a:open'] })).toEqual({ 'status:open': 100 });
    await store.adjustCounts(W1, { 'status:open': -1 });
    expect(await store.getCounts(W1, { keys: ['status:open'] })).toEqual({ 'status:open': 0 });
    // Inside a transaction as the inbox writes them, with another change of the same key.
    await store.transaction(async (tx) => {
      await tx.adjustCounts(W1, countDeltas(null, { status: 'open', assigneeId: null, team: 'a' }));
      await tx.adjustCounts(W1, countDeltas({ status: 'open', assigneeId: null, team: 'a' }, { status: 'pending', assigneeId: null, team: 'a' }));
    });
    expect(await store.getCounts(W1, { keys: ['status:open', 'status:pending', 'team:a:open', 'team:a:pending', 'unassigned:pending'] }))
      .toEqual({ 'status:open': 0, 'status:pending': 1, 'team:a:open': 3, 'team:a:pending': 1, 'unassigned:pending': 1 });
  });

  it('finds conversations whose SLA check is due, oldest first, in any workspace', async () => {
    const base = T0 + 10 * 86_400_000;
    const due = [
      conversation(W2, { slaCheckAt: base - 3000 }),
      conversation(W1, { slaCheckAt: base - 5000 }),
      conversation(W1, { slaCheckAt: base - 1000 }),
    ];
    const notDue = [conversation(W1, { slaCheckAt: base }), conversation(W1, { slaCheckAt: base + 1000 }), conversation(W1, { slaCheckAt: null })];
    for (const c of [...due, ...notDue]) await store.insertConversation(c);
    const found = (await store.slaDue(base, 100)).filter((c) => c.slaCheckAt! >= base - 10_000);
    expect(found.map((c) => c.id)).toEqual([due[1]!.id, due[0]!.id, due[2]!.id]);
    const all = await store.slaDue(base, 100);
    expect(all.map((c) => c.slaCheckAt)).toEqual([...all.map((c) => c.slaCheckAt)].sort((x, y) => x! - y!));
    expect(all.every((c) => c.slaCheckAt !== null && c.slaCheckAt < base)).toBe(true);
    expect(await store.slaDue(base, 1)).toHaveLength(1);
  });

  it('keeps attachment bytes exactly, apart from their description, and binds each to one message', async () => {
    const c = conversation(W1);
    await store.insertConversation(c);
    const tiny = Buffer.from([0x89, 0x00, 0xff, 0x00]);
    const big = randomBytes(1024 * 1024);
    big[0] = 0x00;
    big[big.length - 1] = 0x00;
    const a = attachment(W1, c.customerId, { size: tiny.length });
    const b = attachment(W1, c.customerId, { size: big.length, fileName: 'scan.pdf', contentType: 'application/pdf' });
    const theirs = attachment(W2, c.customerId);
    await store.insertAttachment(a, tiny);
    await store.insertAttachment(b, big);
    await store.insertAttachment(theirs, tiny);

    const meta = await store.getAttachment(W1, b.id);
    expect(meta).toEqual(b);
    expect(meta).not.toHaveProperty('data');
    const tinyBack = await store.getAttachmentData(W1, a.id);
    const bigBack = await store.getAttachmentData(W1, b.id);
    expect(Buffer.isBuffer(tinyBack) && Buffer.isBuffer(bigBack)).toBe(true);
    expect(tinyBack!.equals(tiny)).toBe(true);
    expect(bigBack!.length).toBe(big.length);
    expect(bigBack!.equals(big)).toBe(true);
    expect(await store.getAttachment(W2, a.id)).toBeNull();
    expect(await store.getAttachmentData(W2, a.id)).toBeNull();
    expect(await store.getAttachmentData(W1, 'att_missing')).toBeNull();

    const m1 = message(c, 1);
    const m2 = message(c, 2);
    expect(await store.bindAttachments(W1, [a.id, b.id, theirs.id, 'att_missing'], c.id, m1.id)).toBe(2);
    expect(await store.getAttachment(W1, a.id)).toMatchObject({ conversationId: c.id, messageId: m1.id });
    expect(await store.getAttachment(W2, theirs.id)).toMatchObject({ conversationId: null, messageId: null });
    // Sent once: a second message cannot take them.
    expect(await store.bindAttachments(W1, [a.id, b.id], c.id, m2.id)).toBe(0);
    expect((await store.getAttachment(W1, b.id))?.messageId).toBe(m1.id);
    expect(await store.bindAttachments(W1, [], c.id, m2.id)).toBe(0);
  });

  it('stores SLA policies, snippets and webhook subscriptions per workspace', async () => {
    const policy = {
      id: ids.next('slaPolicy'), workspaceId: W1, name: 'VIP', channel: 'webchat' as const, priority: 'urgent' as const, firstResponseMinutes: 5,
      nextResponseMinutes: 30, resolutionMinutes: null, businessHours: { timeZone: 'Asia/Tokyo', week: { '1': [['09:00', '18:00']] as [string, string][] } }, createdAt: T0,
    };
    const anyTime = { ...policy, id: ids.next('slaPolicy'), name: 'Default', channel: null, priority: null, businessHours: null, createdAt: T0 + 1 };
    await store.insertSlaPolicy(policy);
    await store.insertSlaPolicy(anyTime);
    expect(await store.listSlaPolicies(W1)).toEqual([policy, anyTime]);
    expect(await store.getSlaPolicy(W1, policy.id)).toEqual(policy);
    expect(await store.listSlaPolicies(W2)).toEqual([]);
    expect(await store.getSlaPolicy(W2, policy.id)).toBeNull();
    expect(await store.deleteSlaPolicy(W2, policy.id)).toBe(false);
    expect(await store.deleteSlaPolicy(W1, policy.id)).toBe(true);
    expect(await store.deleteSlaPolicy(W1, policy.id)).toBe(false);

    const snippet = { id: ids.next('snippet'), workspaceId: W1, shortcut: 'thanks', title: 'Thanks', body: 'Thank you!', createdAt: T0, updatedAt: T0 };
    await store.insertSnippet(snippet);
    await expect(store.insertSnippet({ ...snippet, id: ids.next('snippet') })).rejects.toThrow();
    const theirs = { ...snippet, id: ids.next('snippet'), workspaceId: W2 };
    await store.insertSnippet(theirs);
    expect(await store.listSnippets(W1)).toEqual([snippet]);
    expect(await store.updateSnippet(W2, snippet.id, { body: 'x' })).toBe(false);
    expect(await store.updateSnippet(W1, 'snp_missing', { body: 'x' })).toBe(false);
    expect(await store.updateSnippet(W1, snippet.id, {})).toBe(true);
    expect(await store.updateSnippet(W2, snippet.id, {})).toBe(false);
    expect(await store.updateSnippet(W1, snippet.id, { body: 'Thanks a lot!', updatedAt: T0 + 9 })).toBe(true);
    expect(await store.listSnippets(W1)).toEqual([{ ...snippet, body: 'Thanks a lot!', updatedAt: T0 + 9 }]);
    expect(await store.listSnippets(W2)).toEqual([theirs]);
    expect(await store.deleteSnippet(W2, snippet.id)).toBe(false);
    expect(await store.deleteSnippet(W1, snippet.id)).toBe(true);

    const sub = { id: ids.next('webhookSubscription'), workspaceId: W1, url: 'https://hooks.example/x', events: ['conversation.created', 'message.created'], createdAt: T0 };
    await store.insertWebhookSubscription(sub);
    expect(await store.listWebhookSubscriptions(W1)).toEqual([sub]);
    expect(await store.listWebhookSubscriptions(W2)).toEqual([]);
    expect(await store.deleteWebhookSubscription(W2, sub.id)).toBe(false);
    expect(await store.deleteWebhookSubscription(W1, sub.id)).toBe(true);
    expect(await store.listWebhookSubscriptions(W1)).toEqual([]);
  });

  it('sets operator routing and round-robin cursors per workspace', async () => {
    const op = { id: ids.next('operator'), workspaceId: W1, email: 'yui@example.com', name: 'Yui', role: 'agent' as const, passwordHash: 'h', createdAt: T0, disabledAt: null };
    await store.insertOperator(op);
    expect(await store.getOperator(W1, op.id)).toMatchObject({ teams: [], capacity: 10, presence: 'offline' });
    expect(await store.setOperatorRouting(W1, op.id, { teams: ['billing', 'vip'], capacity: 3 })).toBe(true);
    expect(await store.setOperatorRouting(W1, op.id, { presence: 'online' })).toBe(true);
    expect(await store.getOperator(W1, op.id)).toMatchObject({ teams: ['billing', 'vip'], capacity: 3, presence: 'online' });
    expect(await store.setOperatorRouting(W2, op.id, { presence: 'away' })).toBe(false);
    expect(await store.setOperatorRouting(W1, 'op_missing', { presence: 'away' })).toBe(false);
    expect((await store.getOperator(W1, op.id))?.presence).toBe('online');

    expect(await store.getAssignmentCursor(W1, 'billing')).toBeNull();
    await store.setAssignmentCursor(W1, 'billing', 'op_1');
    await store.setAssignmentCursor(W1, 'billing', 'op_2');
    expect(await store.getAssignmentCursor(W1, 'billing')).toBe('op_2');
    expect(await store.getAssignmentCursor(W2, 'billing')).toBeNull();
  });

  it('erases a customer\'s conversations, messages and attachments and takes them off the counters', async () => {
    const W = 'ws_conv_erasure';
    await store.insertWorkspace({ id: W, name: W, createdAt: T0 });
    const gone = ids.next('customer');
    const merged = ids.next('customer');
    const stays = ids.next('customer');
    const convs = [
      conversation(W, { customerId: gone, status: 'open', team: 'sales' }),
      conversation(W, { customerId: merged, status: 'resolved', assigneeId: 'op_1' }),
      conversation(W, { customerId: stays, status: 'open', team: 'sales', assigneeId: 'op_1' }),
    ];
    for (const c of convs) {
      await store.insertConversation(c);
      await store.adjustCounts(W, countDeltas(null, c));
    }
    const sent = attachment(W, gone);
    const unsent = attachment(W, merged);
    const kept = attachment(W, stays);
    for (const a of [sent, unsent, kept]) await store.insertAttachment(a, Buffer.from('data'));
    const m = message(convs[0]!, 1);
    await store.insertMessage(m);
    await store.bindAttachments(W, [sent.id], convs[0]!.id, m.id);
    await store.insertMessage(message(convs[0]!, 2, { kind: 'note', authorType: 'operator', senderKey: 'operator:op_1' }));
    await store.insertMessage(message(convs[1]!, 1));
    await store.insertMessage(message(convs[2]!, 1));

    const deleted = await store.transaction((tx) => tx.deleteCustomers(W, [gone, merged]));
    expect(deleted).toMatchObject({ conversations: 2, messages: 3, attachments: 2 });

    expect(await store.getConversation(W, convs[0]!.id)).toBeNull();
    expect(await store.getConversation(W, convs[1]!.id)).toBeNull();
    expect(await store.getConversation(W, convs[2]!.id)).toEqual(convs[2]);
    expect(await store.listMessages(W, convs[0]!.id, { afterSeq: 0, limit: 10, includeNotes: true })).toEqual([]);
    expect(await store.customerThread(W, [gone, merged], { before: null, limit: 10, includeNotes: true })).toEqual([]);
    expect(await store.listMessages(W, convs[2]!.id, { afterSeq: 0, limit: 10, includeNotes: true })).toHaveLength(1);
    expect(await store.getAttachment(W, sent.id)).toBeNull();
    expect(await store.getAttachmentData(W, unsent.id)).toBeNull();
    expect(await store.getAttachment(W, kept.id)).toEqual(kept);

    // Exactly what the remaining conversation contributes (erased keys go to 0, not away).
    const counts = await store.getCounts(W, { prefix: '' });
    const remaining = countDeltas(null, convs[2]!);
    expect(Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 0))).toEqual(remaining);
    expect(counts).toMatchObject({ 'status:resolved': 0, 'assignee:op_1:resolved': 0, 'unassigned:open': 0 });
  });
  it('counts the open conversations whose customer wrote last and lists the longest waits first, per workspace', async () => {
    const WW = 'ws_conv_waiting';
    await store.insertWorkspace({ id: WW, name: WW, createdAt: T0 });
    const rows = [
      conversation(WW, { waitingSince: T0 + 3000 }),
      conversation(WW, { waitingSince: T0 + 1000 }),
      conversation(WW, { waitingSince: T0 + 2000 }),
      conversation(WW, { waitingSince: null }),
      conversation(WW, { status: 'pending', waitingSince: T0 }),
      conversation(W2, { waitingSince: T0 - 5000 }),
    ];
    for (const c of rows) await store.insertConversation(c);
    const r = await store.waitingConversations(WW, 2);
    expect(r.count).toBe(3);
    expect(r.longest.map((c) => c.waitingSince)).toEqual([T0 + 1000, T0 + 2000]);
    expect(r.longest.every((c) => c.workspaceId === WW)).toBe(true);
    expect(await store.waitingConversations('ws_conv_nobody', 5)).toEqual({ count: 0, longest: [] });
  });
});
