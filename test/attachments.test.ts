import { CONVERSATION_LIMITS } from '@omotenashi/protocol';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { storeFactories } from './helpers/stores.js';

const MAX = CONVERSATION_LIMITS.attachmentBytes;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** A buffer of `size` bytes that sniffs as PNG. */
const png = (size = 64): Buffer => {
  const b = Buffer.alloc(size, 7);
  PNG_MAGIC.copy(b);
  return b;
};
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF jpeg body')]);
const pdf = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n');
const html = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');
const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>');

interface Uploaded { id: string; fileName: string; contentType: string; size: number }

describe.each(await storeFactories())('attachments on $name', (factory) => {
  let t: TestApp;
  let visitorA: string;
  let visitorB: string;
  let customerA: { id: string; family: string[] };
  let other: { id: string; token: string; writeKey: string };

  beforeAll(async () => {
    t = await startTestApp(factory);
    const sessionA = await t.services.visitorSessions.open({ type: 'hello', v: 1, writeKey: t.ws.writeKey, anonymousId: 'anon-1' });
    const sessionB = await t.services.visitorSessions.open({ type: 'hello', v: 1, writeKey: t.ws.writeKey, anonymousId: 'anon-2' });
    visitorA = await t.services.visitorSessions.issueToken(sessionA);
    visitorB = await t.services.visitorSessions.issueToken(sessionB);
    customerA = { id: sessionA.customerId, family: sessionA.family };
    const o = await t.services.tenancy.createWorkspace('Other shop');
    other = { id: o.workspace.id, token: o.apiToken, writeKey: o.writeKey };
  });
  afterAll(async () => t.close());

  const upload = (url: string, bytes: Buffer, token: string, contentType = 'application/octet-stream'): Promise<LightMyRequestResponse> =>
    t.app.inject({ method: 'POST', url, payload: bytes, headers: { authorization: `Bearer ${token}`, 'content-type': contentType } });
  const operatorUpload = (fileName: string, bytes: Buffer, contentType?: string, token = t.ws.apiToken) =>
    upload(`/api/v1/attachments?fileName=${encodeURIComponent(fileName)}`, bytes, token, contentType);
  const download = (url: string, token?: string) =>
    t.app.inject({ method: 'GET', url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

  it('accepts PNG, JPEG and PDF by their bytes, whatever content type the client claimed', async () => {
    const cases = [
      { name: 'photo.png', bytes: png(), claimed: 'application/octet-stream', type: 'image/png', stored: 'photo.png' },
      { name: 'scan.jpeg', bytes: jpeg, claimed: 'application/octet-stream', type: 'image/jpeg', stored: 'scan.jpeg' },
      { name: 'invoice', bytes: pdf, claimed: 'application/pdf', type: 'application/pdf', stored: 'invoice.pdf' },
      // The claimed type is ignored, and the name gets the real type's extension.
      { name: 'picture.jpg', bytes: png(), claimed: 'image/jpeg', type: 'image/png', stored: 'picture.jpg.png' },
      { name: '../../etc/passwd', bytes: pdf, claimed: 'application/octet-stream', type: 'application/pdf', stored: 'passwd.pdf' },
    ];
    for (const c of cases) {
      const r = await operatorUpload(c.name, c.bytes, c.claimed);
      expect(r.statusCode, `${c.name}: ${r.body}`).toBe(201);
      expect(r.json()).toEqual({ id: expect.stringMatching(/^att_/), fileName: c.stored, contentType: c.type, size: c.bytes.length });
      const back = await download(`/api/v1/attachments/${r.json<Uploaded>().id}`, t.ws.apiToken);
      expect(back.statusCode).toBe(200);
      expect(back.headers['content-type']).toBe(c.type);
      expect(back.rawPayload.equals(c.bytes)).toBe(true);
    }
  });

  it('refuses HTML and SVG dressed up as PNG, and other content types, storing nothing', async () => {
    const before = await t.count('attachments');
    for (const [bytes, claimed] of [[html, 'image/png'], [svg, 'application/octet-stream'], [svg, 'image/svg+xml'], [Buffer.from('just text'), 'application/pdf']] as const) {
      const r = await operatorUpload('cute-cat.png', bytes, claimed);
      expect(r.statusCode, claimed).toBe(415);
      expect(r.json()).toMatchObject({ error: { code: 'unsupported_media_type', message: expect.stringContaining('image/png, image/jpeg, image/gif, image/webp, application/pdf') } });
    }
    const asHtml = await operatorUpload('page.png', png(), 'text/html');
    expect(asHtml.statusCode).toBe(415);
    expect(asHtml.json()).toMatchObject({ error: { code: 'unsupported_media_type', message: expect.stringContaining('application/octet-stream') } });
    const asJson = await t.api('POST', '/api/v1/attachments?fileName=x.png', { data: 'iVBORw0KGgo=' });
    expect(asJson.statusCode).toBe(415);
    const empty = await operatorUpload('empty.png', Buffer.alloc(0));
    expect(empty.statusCode).toBe(400);
    expect(await t.count('attachments')).toBe(before);
  });

  it('accepts exactly the size limit and refuses one byte more, naming the limit', async () => {
    const before = await t.count('attachments');
    const exact = await operatorUpload('big.png', png(MAX));
    expect(exact.statusCode, exact.body).toBe(201);
    expect(exact.json()).toMatchObject({ size: MAX, contentType: 'image/png' });
    for (const size of [MAX + 1, MAX + 1024]) {
      const over = await operatorUpload('bigger.png', png(size));
      expect(over.statusCode, String(size)).toBe(413);
      expect(over.json()).toMatchObject({ error: { code: 'payload_too_large', message: expect.stringContaining(String(MAX)) } });
    }
    expect(await t.count('attachments')).toBe(before + 1);
  });

  it('serves files with headers that keep them inert', async () => {
    const image = (await operatorUpload('スクリーンショット 1.png', png())).json<Uploaded>();
    const r = await download(`/api/v1/attachments/${image.id}`, t.ws.apiToken);
    expect(r.statusCode).toBe(200);
    expect(r.headers).toMatchObject({
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, max-age=300',
    });
    expect(r.headers['content-disposition']).toBe(`inline; filename="${'_'.repeat(9)} 1.png"; filename*=UTF-8''${encodeURIComponent('スクリーンショット 1.png')}`);

    const doc = (await operatorUpload('Rechnung "März" (final).pdf', pdf)).json<Uploaded>();
    expect(doc.fileName).toBe('Rechnung März (final).pdf');
    const d = await download(`/api/v1/attachments/${doc.id}`, t.ws.apiToken);
    expect(d.headers['content-type']).toBe('application/pdf');
    expect(d.headers['content-disposition']).toBe("attachment; filename=\"Rechnung M_rz (final).pdf\"; filename*=UTF-8''Rechnung%20M%C3%A4rz%20%28final%29.pdf");
    expect((await download(`/api/v1/attachments/${doc.id}`)).statusCode).toBe(401);
  });

  it('lets a visitor read their own uploads and what was sent to them, and nobody else\'s', async () => {
    const r = await upload('/v1/attachments?fileName=receipt.png', png(), visitorA, 'image/png');
    expect(r.statusCode, r.body).toBe(201);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    // The widget uploads from the shop's pages: the browser asks first.
    const preflight = await t.app.inject({ method: 'OPTIONS', url: '/v1/attachments?fileName=x.png', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
    const mine = r.json<Uploaded>();
    const stored = await t.store.getAttachment(t.ws.id, mine.id);
    expect(stored).toMatchObject({ uploaderType: 'customer', customerId: customerA.id, messageId: null });

    expect((await download(`/v1/attachments/${mine.id}`, visitorA)).statusCode).toBe(200);
    // <img src> cannot send headers: the token may come in the query.
    const viaQuery = await download(`/v1/attachments/${mine.id}?token=${encodeURIComponent(visitorA)}`);
    expect(viaQuery.statusCode).toBe(200);
    expect(viaQuery.headers['x-content-type-options']).toBe('nosniff');
    expect(viaQuery.rawPayload.equals(png())).toBe(true);
    const stranger = await download(`/v1/attachments/${mine.id}`, visitorB);
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json()).toMatchObject({ error: { code: 'not_found' } });

    const [head, ws, customer, exp] = visitorA.split('.');
    const forged = await download(`/v1/attachments/${mine.id}`, `${head}.${ws}.${customer}.${exp}.${'A'.repeat(43)}`);
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await download(`/v1/attachments/${mine.id}`)).statusCode).toBe(401);
    expect((await upload('/v1/attachments?fileName=x.png', png(), 'vst.nope')).statusCode).toBe(401);

    // Operators read any file of their workspace; another workspace sees none.
    expect((await download(`/api/v1/attachments/${mine.id}`, t.ws.apiToken)).statusCode).toBe(200);
    expect((await download(`/api/v1/attachments/${mine.id}`, other.token)).statusCode).toBe(404);

    // An operator's upload is theirs until sent; once sent to the customer, the customer may read it.
    const invoice = (await operatorUpload('invoice.pdf', pdf)).json<Uploaded>();
    expect((await download(`/v1/attachments/${invoice.id}`, visitorA)).statusCode).toBe(404);
    const started = await t.services.conversations.send({
      workspaceId: t.ws.id, sender: { type: 'customer', customerId: customerA.id, name: null }, channel: 'webchat', kind: 'text',
      text: 'Could I have the invoice?', attachmentIds: [], clientMessageId: null, customerScope: customerA.family,
    });
    const sent = await t.api('POST', `/api/v1/conversations/${started.conversation.id}/messages`, { text: 'Here it is.', attachmentIds: [invoice.id] });
    expect(sent.statusCode, sent.body).toBe(201);
    const readBack = await download(`/v1/attachments/${invoice.id}`, visitorA);
    expect(readBack.statusCode).toBe(200);
    expect(readBack.headers['content-disposition']).toMatch(/^attachment; /);
    expect((await download(`/v1/attachments/${invoice.id}`, visitorB)).statusCode).toBe(404);
    expect((await download('/v1/attachments/att_unknown', visitorA)).statusCode).toBe(404);

    // A file on an internal note stays with the team, even in the customer's own conversation.
    const internal = (await operatorUpload('fraud-check.pdf', pdf)).json<Uploaded>();
    const note = await t.api('POST', `/api/v1/conversations/${started.conversation.id}/messages`, { kind: 'note', text: 'see attached', attachmentIds: [internal.id] });
    expect(note.statusCode, note.body).toBe(201);
    expect((await download(`/v1/attachments/${internal.id}`, visitorA)).statusCode).toBe(404);
    expect((await download(`/api/v1/attachments/${internal.id}`, t.ws.apiToken)).statusCode).toBe(200);
  });

  it('lets a visitor hold at most the unsent-upload limit, and more once some are sent', async () => {
    const session = await t.services.visitorSessions.open({ type: 'hello', v: 1, writeKey: t.ws.writeKey, anonymousId: 'anon-hoarder' });
    const token = await t.services.visitorSessions.issueToken(session);
    const ids: string[] = [];
    for (let i = 0; i < CONVERSATION_LIMITS.unsentUploads; i++) {
      const r = await upload(`/v1/attachments?fileName=p${i}.png`, png(), token);
      expect(r.statusCode, r.body).toBe(201);
      ids.push(r.json<Uploaded>().id);
    }
    const before = await t.count('attachments');
    const over = await upload('/v1/attachments?fileName=one-more.png', png(), token);
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect(await t.count('attachments')).toBe(before);
    // Sending one frees a place.
    await t.services.conversations.send({
      workspaceId: t.ws.id, sender: { type: 'customer', customerId: session.customerId, name: null }, channel: 'webchat', kind: 'text',
      text: '', attachmentIds: [ids[0]!], clientMessageId: null, customerScope: session.family,
    });
    expect((await upload('/v1/attachments?fileName=one-more.png', png(), token)).statusCode).toBe(201);
  });

  it('keeps workspaces apart for visitors too', async () => {
    const session = await t.services.visitorSessions.open({ type: 'hello', v: 1, writeKey: other.writeKey, anonymousId: 'anon-1' });
    const otherVisitor = await t.services.visitorSessions.issueToken(session);
    const mine = (await upload('/v1/attachments?fileName=a.png', png(), visitorA)).json<Uploaded>();
    expect((await download(`/v1/attachments/${mine.id}`, otherVisitor)).statusCode).toBe(404);
    const theirs = (await upload('/v1/attachments?fileName=b.png', png(), otherVisitor)).json<Uploaded>();
    expect((await download(`/api/v1/attachments/${theirs.id}`, t.ws.apiToken)).statusCode).toBe(404);
    expect((await download(`/api/v1/attachments/${theirs.id}`, other.token)).statusCode).toBe(200);
  });

  it('leaves the rest of the API JSON-only', async () => {
    const r = await t.app.inject({
      method: 'POST', url: '/api/v1/snippets', payload: png(),
      headers: { authorization: `Bearer ${t.ws.apiToken}`, 'content-type': 'application/octet-stream' },
    });
    expect(r.statusCode).toBe(415);
  });
});
