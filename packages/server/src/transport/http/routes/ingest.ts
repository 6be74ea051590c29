import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LIMITS, type EventType, type IngestResponse } from '@omotenashi/protocol';
import type { NormalizedEvent } from '../../../domain/events/normalized-event.js';
import { readWriteKey, validateBatch } from '../../../domain/events/validate-batch.js';
import { validateEvent } from '../../../domain/events/validate-event.js';
import { OmotenashiError, validationError } from '../../../errors.js';
import type { Services } from '../../../services.js';
import { decodeJsonBody } from '../decode-body.js';

const SINGLE: EventType[] = ['track', 'identify', 'page', 'screen', 'group', 'alias'];

/**
 * The Segment-compatible tracking API. Bodies are read raw (any content type, so browsers can
 * use sendBeacon's text/plain) and validated by the domain; a batch is all-or-nothing.
 */
export function ingestRoutes(app: FastifyInstance, services: Services): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: LIMITS.batchBytes }, (_req, body, done) => done(null, body));

    // Browsers call this API cross-origin from the shop's pages.
    scope.addHook('onRequest', async (req, reply) => {
      reply.header('access-control-allow-origin', req.headers.origin ?? '*');
      reply.header('vary', 'Origin');
      reply.header('access-control-allow-headers', 'authorization, content-type, content-encoding');
      reply.header('access-control-allow-methods', 'POST, OPTIONS');
      reply.header('access-control-max-age', '86400');
    });
    scope.options('/v1/*', async (_req, reply) => reply.code(204).send());

    scope.post('/v1/batch', { schema: { tags: ['tracking'], summary: 'Segment batch: up to 500 KB of calls, all-or-nothing (see docs/ingestion.md)', security: [{ basicAuth: [] }] } }, async (req) => {
      const receivedAt = services.clock.now();
      const { body, workspaceId } = await authenticateAndDecode(services, req, LIMITS.batchBytes);
      const result = validateBatch(body, { receivedAt, newMessageId: () => services.ids.next('event') });
      if (!result.ok) throw validationError(result.issues);
      return store(services, workspaceId, withRequestIp(req, result.events));
    });

    for (const type of SINGLE) {
      scope.post(`/v1/${type}`, { schema: { tags: ['tracking'], summary: `Segment ${type} call (32 KB max)`, security: [{ basicAuth: [] }] } }, async (req) => {
        const receivedAt = services.clock.now();
        const { body, workspaceId } = await authenticateAndDecode(services, req, LIMITS.eventBytes);
        const result = validateEvent(body, { path: '', impliedType: type, receivedAt, sentAt: null, newMessageId: () => services.ids.next('event') });
        if (!result.ok) throw validationError(result.issues);
        const r = await store(services, workspaceId, withRequestIp(req, [result.event]));
        return { ...r, duplicate: r.duplicates > 0 };
      });
    }
  });
}

/**
 * A write key in the Authorization header is checked before the body is even decompressed, so
 * unauthenticated callers cannot make the server inflate and parse 500 KB. A key in the body
 * (`writeKey`) is removed from what is stored: secrets never land in event payloads.
 */
async function authenticateAndDecode(services: Services, req: FastifyRequest, limit: number): Promise<{ body: unknown; workspaceId: string }> {
  const headerKey = basicWriteKey(req);
  const early = headerKey ? await services.credentials.workspaceForWriteKey(headerKey) : null;
  const body = await decodeJsonBody(asBuffer(req), req.headers['content-encoding'], limit);
  const workspaceId = early ?? (await services.credentials.workspaceForWriteKey(readWriteKey(body)));
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'writeKey' in body) {
    delete (body as Record<string, unknown>)['writeKey'];
  }
  return { body, workspaceId };
}

/**
 * Like Segment: when a browser (a request with an Origin) sends no context.ip, the request's own
 * address stands for the customer's. Server-side clients' addresses are the shop's, never used.
 */
function withRequestIp(req: FastifyRequest, events: NormalizedEvent[]): NormalizedEvent[] {
  if (!req.headers.origin) return events;
  for (const e of events) if (e.context['ip'] === undefined) e.context['ip'] = req.ip;
  return events;
}

async function store(services: Services, workspaceId: string, events: NormalizedEvent[]): Promise<IngestResponse> {
  const r = await services.ingest.submit(workspaceId, events);
  services.metrics.eventsAccepted.inc(r.accepted);
  if (r.duplicates) services.metrics.eventsDuplicate.inc(r.duplicates);
  if (r.suppressed) services.metrics.eventsSuppressed.inc(r.suppressed);
  return { success: true, accepted: r.accepted, duplicates: r.duplicates, suppressed: r.suppressed };
}

function asBuffer(req: FastifyRequest): Buffer {
  if (Buffer.isBuffer(req.body)) return req.body;
  throw new OmotenashiError('invalid_json', 'the body is empty; send a JSON object');
}

/** Segment clients send the write key as the HTTP Basic username with an empty password. */
function basicWriteKey(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h || !/^basic /i.test(h)) return null;
  const decoded = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
  const user = decoded.split(':')[0] ?? '';
  return user === '' ? null : user;
}
