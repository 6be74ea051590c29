import { Type, type Static } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ATTACHMENT_TYPES, CONVERSATION_LIMITS } from '@omotenashi/protocol';
import type { AttachmentReader, Uploader } from '../../../app/conversations/attachments.js';
import type { AttachmentRecord } from '../../../ports/conversation-store.js';
import { OmotenashiError } from '../../../errors.js';
import type { Services } from '../../../services.js';
import { authenticate, authenticateVisitor } from '../auth.js';
import { errorHandler } from '../error-handler.js';
import { IdParams, bearer, withErrors } from '../schemas.js';

const MAX = CONVERSATION_LIMITS.attachmentBytes;
const UploadQuery = Type.Object({
  fileName: Type.Optional(Type.String({ maxLength: 1000, description: `the file's name (shortened to ${CONVERSATION_LIMITS.fileNameLength} characters, keeping the extension)` })),
}, { additionalProperties: false });
const VisitorReadQuery = Type.Object({
  token: Type.Optional(Type.String({ maxLength: 1000, description: 'the visitor session token, for <img src> (which cannot send headers)' })),
}, { additionalProperties: false });
const Uploaded = Type.Object({ id: Type.String(), fileName: Type.String(), contentType: Type.String(), size: Type.Integer() });
const uploadDescription = `The raw bytes as the body (Content-Type application/octet-stream, image/* or application/pdf; at most ${MAX} bytes). `
  + `The type is read from the bytes: ${ATTACHMENT_TYPES.join(', ')} are accepted, anything else (SVG, HTML, …) is refused with 415.`;

/** RFC 6266 / 5987: an ASCII fallback name plus the exact UTF-8 name. */
export function contentDisposition(contentType: string, fileName: string): string {
  const kind = contentType.startsWith('image/') ? 'inline' : 'attachment';
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * Headers that keep a stored file inert: served only as its sniffed type, never sniffed again by
 * the browser, and sandboxed with nothing allowed should it be opened as a page.
 */
function sendFile(reply: FastifyReply, a: AttachmentRecord, data: Buffer): FastifyReply {
  return reply.headers({
    'content-type': a.contentType,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cache-control': 'private, max-age=300',
    'content-disposition': contentDisposition(a.contentType, a.fileName),
    'referrer-policy': 'no-referrer',
  }).send(data);
}

/** The bytes of a file upload; an empty request arrives without a body. */
const bodyBytes = (body: unknown): Buffer => (Buffer.isBuffer(body) ? body : Buffer.alloc(0));

/**
 * File bodies, in encapsulated scopes so only these routes take raw bytes (the rest of the API
 * stays JSON-only). The parser's limit is one byte over the largest attachment, so a body just
 * past it reaches the app and is refused with the limit named.
 */
function acceptFiles(scope: FastifyInstance, s: Services): void {
  scope.removeAllContentTypeParsers();
  for (const type of [['application/octet-stream', 'application/pdf'], /^image\/[\w.+-]+$/]) {
    scope.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: MAX + 1 }, (_req, body, done) => done(null, body));
  }
  const base = errorHandler(s.metrics);
  scope.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return base(new OmotenashiError('payload_too_large', `an attachment may be at most ${MAX} bytes (${MAX / 1024 / 1024} MB); this one is larger`), req, reply);
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return base(new OmotenashiError('unsupported_media_type', 'send the file\'s bytes as the body with Content-Type application/octet-stream, image/* or application/pdf'), req, reply);
    }
    return base(err, req, reply);
  });
}

/** Uploads and downloads for operators (API token) and visitors (realtime session token). */
export function attachmentRoutes(app: FastifyInstance, s: Services): void {
  const tags = ['attachments'];

  void app.register(async (scope) => {
    acceptFiles(scope, s);
    scope.post<{ Querystring: Static<typeof UploadQuery> }>('/api/v1/attachments', {
      schema: { tags, summary: 'Upload a file to attach to a reply', description: uploadDescription, querystring: UploadQuery, security: bearer, response: withErrors({ 201: Uploaded }) },
    }, async (req, reply) => {
      const auth = await authenticate(s, req);
      const uploader: Uploader = { type: 'operator', operatorId: auth.operatorId, tokenId: auth.id };
      return reply.code(201).send(await s.attachments.upload(auth.workspaceId, uploader, req.query.fileName ?? '', bodyBytes(req.body)));
    });
    scope.get<{ Params: Static<typeof IdParams> }>('/api/v1/attachments/:id', {
      schema: { tags, summary: 'Download an attachment (any in the workspace)', params: IdParams, security: bearer },
    }, async (req, reply) => {
      const auth = await authenticate(s, req);
      const { attachment, data } = await s.attachments.read(auth.workspaceId, req.params.id, { type: 'operator' });
      return sendFile(reply, attachment, data);
    });
  });

  void app.register(async (scope) => {
    acceptFiles(scope, s);
    // The widget calls these from the shop's pages (another origin); no cookies are involved.
    scope.addHook('onRequest', async (req, reply) => {
      void reply.header('access-control-allow-origin', req.headers.origin ?? '*');
      void reply.header('vary', 'Origin');
    });
    scope.post<{ Querystring: Static<typeof UploadQuery> }>('/v1/attachments', {
      schema: { tags, summary: 'Upload a file as a visitor (Authorization: Bearer <sessionToken> from the realtime welcome)', description: uploadDescription, querystring: UploadQuery, security: bearer, response: withErrors({ 201: Uploaded }) },
    }, async (req, reply) => {
      const v = await authenticateVisitor(s, req);
      const uploader: Uploader = { type: 'customer', customerId: v.customerId };
      return reply.code(201).send(await s.attachments.upload(v.workspaceId, uploader, req.query.fileName ?? '', bodyBytes(req.body)));
    });
    scope.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof VisitorReadQuery> }>('/v1/attachments/:id', {
      schema: { tags, summary: 'Download an attachment as a visitor (own uploads and files sent in their conversations)', params: IdParams, querystring: VisitorReadQuery, security: bearer },
    }, async (req, reply) => {
      const v = await authenticateVisitor(s, req, req.query.token);
      const reader: AttachmentReader = { type: 'customer', family: v.family };
      const { attachment, data } = await s.attachments.read(v.workspaceId, req.params.id, reader);
      return sendFile(reply, attachment, data);
    });
  });
}
