import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { DEFAULT_TRUSTED_PROXIES } from '../../config/config.js';
import { OmotenashiError } from '../../errors.js';
import type { Services } from '../../services.js';
import { errorHandler } from './error-handler.js';
import { adminRoutes } from './routes/admin.js';
import { attachmentRoutes } from './routes/attachments.js';
import { careRoutes } from './routes/care.js';
import { conversationAdminRoutes } from './routes/conversation-admin.js';
import { conversationRoutes } from './routes/conversations.js';
import { visitorHistoryRoutes } from './routes/visitor-history.js';
import { csatRoutes } from './routes/csat.js';
import { customerRoutes } from './routes/customers.js';
import { ingestRoutes } from './routes/ingest.js';
import { simulateRoutes } from './routes/simulate.js';
import { widgetAssetRoutes } from './routes/widget-assets.js';
import { demoShopRoutes } from './routes/demo-shop.js';
import { consoleRoutes } from './routes/console-app.js';
import { conversationReportRoutes } from './routes/reports-conversations.js';
import { customerSuggestionRoutes } from './routes/customer-suggestions.js';
import { ErrorSchema } from './schemas.js';
import { attachRealtime, type RealtimeServer } from '../realtime/realtime-server.js';

export interface AppOptions {
  logger?: boolean | { level: string };
  /** Where realtime failures not tied to one frame are reported (serve logs them). */
  onRealtimeError?: (err: unknown) => void;
  /** The demo workspace's write key for the demo shop at /demo; without it /demo says the demo is off. */
  demo?: { writeKey: string } | null;
  /** Who may set X-Forwarded-For/-Proto (config TRUST_PROXY); default: proxies on private networks. */
  trustProxy?: boolean | string[];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** WebSockets (visitors at /v1/realtime, operators at /api/v1/realtime), on the same port. */
    realtime: RealtimeServer;
  }
}

/** Builds the HTTP app without listening, so tests can `inject()` requests. */
export async function buildApp(services: Services, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // Request logs carry the path only: visitors may pass their session token in the query
    // (`<img src>` cannot send headers), and a token must never land in a log file.
    logger: options.logger ? {
      ...(typeof options.logger === 'object' ? options.logger : {}),
      serializers: { req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: req.url.split('?')[0], ip: req.ip }) },
    } : false,
    trustProxy: options.trustProxy ?? DEFAULT_TRUSTED_PROXIES,
    bodyLimit: 1024 * 1024,
    // Unknown fields are refused rather than silently dropped; all problems reported at once.
    ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array' } },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });
  app.addSchema(ErrorSchema);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Omotenashi API', version: '0.1.0', description: 'Admin and operator API. Ingestion (/v1/*) follows the Segment HTTP tracking API.' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' }, basicAuth: { type: 'http', scheme: 'basic', description: 'write key as the username, empty password' } } },
    },
  });

  const timings = new WeakMap<object, bigint>();
  app.addHook('onRequest', async (req) => {
    timings.set(req, process.hrtime.bigint());
  });
  app.addHook('onResponse', async (req, reply) => {
    const start = timings.get(req);
    if (start === undefined) return;
    const route = req.routeOptions.url ?? 'unmatched';
    services.metrics.httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, Number(process.hrtime.bigint() - start) / 1e9);
  });

  app.setErrorHandler(errorHandler(services.metrics));
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: { code: 'not_found', message: `no route for ${req.method} ${req.url.split('?')[0]}` } });
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await services.store.ping();
      return { ok: true, database: services.store.dialect };
    } catch (err) {
      const e = new OmotenashiError('not_ready', `the database is not reachable: ${(err as Error).message}`);
      return reply.code(503).send({ error: { code: e.code, message: e.message } });
    }
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', services.metrics.registry.contentType);
    return services.metrics.registry.metrics();
  });

  ingestRoutes(app, services);
  adminRoutes(app, services);
  customerRoutes(app, services);
  careRoutes(app, services);
  simulateRoutes(app, services);
  conversationRoutes(app, services);
  visitorHistoryRoutes(app, services);
  conversationAdminRoutes(app, services);
  attachmentRoutes(app, services);
  csatRoutes(app, services);
  widgetAssetRoutes(app, services);
  demoShopRoutes(app, services, options.demo ?? null);
  consoleRoutes(app, services);
  conversationReportRoutes(app, services);
  customerSuggestionRoutes(app, services);
  const realtime = attachRealtime(app, services, { onError: options.onRealtimeError ?? (() => undefined) });
  app.decorate('realtime', realtime);
  // Sockets first: an upgraded connection would otherwise hold the HTTP server's close open.
  app.addHook('preClose', async () => realtime.close());
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.ready();
  return app;
}
