import { fastifyCookie } from '@fastify/cookie';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OmotenashiError } from '../../../errors.js';
import type { ApiTokenRecord, OperatorRecord } from '../../../ports/store.js';
import type { Services } from '../../../services.js';
import { CSRF_HEADER, SESSION_COOKIE, csrfTokenFor, requireCsrf, sameOrigin, sessionTokenFromCookies } from '../console-session.js';
import { withErrors } from '../schemas.js';
import { CONSOLE_SECURITY_HEADERS } from './console-static.js';

const LoginBody = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 200 }),
  workspaceId: Type.Optional(Type.String({ maxLength: 64 })),
}, { additionalProperties: false });
const OperatorView = Type.Object({ id: Type.String(), email: Type.String(), name: Type.String(), role: Type.String(), workspaceId: Type.String(), avatarUrl: Type.Union([Type.String(), Type.Null()]) });
const SessionView = Type.Object({
  operator: OperatorView,
  csrfToken: Type.String({ description: `send it as the ${CSRF_HEADER} header on every POST, PUT, PATCH and DELETE made with the cookie` }),
  expiresAt: Type.String({ format: 'date-time' }),
});

const operatorView = (o: OperatorRecord) => ({ id: o.id, email: o.email, name: o.name, role: o.role, workspaceId: o.workspaceId, avatarUrl: o.avatarUrl ?? null });
const sessionView = (o: OperatorRecord, token: string, expiresAt: number) => ({ operator: operatorView(o), csrfToken: csrfTokenFor(token), expiresAt: new Date(expiresAt).toISOString() });

function cookie(req: FastifyRequest, value: string, maxAgeSeconds: number): string {
  // Secure whenever the browser reached us over https (directly or, with trustProxy, through a proxy).
  return req.server.serializeCookie(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'strict', path: '/', secure: req.protocol === 'https', maxAge: maxAgeSeconds });
}

function noStore(reply: FastifyReply): FastifyReply {
  for (const [k, v] of Object.entries(CONSOLE_SECURITY_HEADERS)) void reply.header(k, v);
  return reply.header('cache-control', 'no-store');
}

/**
 * The console's session: password login into an HttpOnly, SameSite=Strict cookie holding an
 * operator session token (the same 12-hour token `POST /api/v1/auth/login` hands out), the
 * session read back with its CSRF token, and logout, which revokes the token.
 */
export function consoleApiRoutes(app: FastifyInstance, s: Services): void {
  const tags = ['console'];
  // Only for its cookie serializer (app.serializeCookie); cookies are read by sessionTokenFromCookies.
  void app.register(fastifyCookie, { hook: false });

  /** The live session the cookie holds, with its operator; 401 without one. */
  async function session(req: FastifyRequest): Promise<{ token: string; rec: ApiTokenRecord; operator: OperatorRecord }> {
    const token = sessionTokenFromCookies(req.headers.cookie);
    if (!token) throw new OmotenashiError('unauthorized', 'not logged in: POST /console/api/login first');
    const rec = await s.credentials.apiToken(token);
    const operator = rec.operatorId ? await s.store.getOperator(rec.workspaceId, rec.operatorId) : null;
    if (!operator || operator.disabledAt !== null) throw new OmotenashiError('unauthorized', 'this session belongs to no active operator; log in again');
    return { token, rec, operator };
  }

  app.post<{ Body: Static<typeof LoginBody> }>('/console/api/login', {
    schema: {
      tags, summary: 'Console login: sets the HttpOnly session cookie and returns the operator and the CSRF token',
      body: LoginBody, response: withErrors({ 200: SessionView }, [429]),
    },
  }, async (req, reply) => {
    noStore(reply);
    // A login form on another site must not sign the browser into the attacker's account.
    if (!sameOrigin(req.headers.origin, req.headers.host)) throw new OmotenashiError('csrf_failed', 'log in from the console\'s own page: this request came from another origin');
    const r = await s.tenancy.login(req.body.email, req.body.password, req.body.workspaceId, { address: req.ip });
    const maxAge = Math.max(1, Math.floor((r.expiresAt - s.clock.now()) / 1000));
    void reply.header('set-cookie', cookie(req, r.token, maxAge));
    return sessionView(r.operator, r.token, r.expiresAt);
  });

  app.get('/console/api/session', {
    schema: { tags, summary: 'The logged-in operator and the CSRF token (401 when the cookie is missing, expired or revoked)', response: withErrors({ 200: SessionView }) },
  }, async (req, reply) => {
    noStore(reply);
    const { token, rec, operator } = await session(req);
    return sessionView(operator, token, rec.expiresAt ?? s.clock.now());
  });

  app.post('/console/api/logout', {
    schema: { tags, summary: `Log out: revokes the session token and clears the cookie (needs ${CSRF_HEADER})`, response: withErrors({ 204: Type.Null() }) },
  }, async (req, reply) => {
    noStore(reply);
    const token = sessionTokenFromCookies(req.headers.cookie);
    let rec: ApiTokenRecord | null = null;
    if (token) {
      try {
        rec = await s.credentials.apiToken(token);
      } catch (err) {
        // Already expired or revoked: there is nothing to revoke, only the cookie to clear.
        if (!(err instanceof OmotenashiError && err.code === 'unauthorized')) throw err;
      }
    }
    if (token && rec) {
      requireCsrf(req.method, req.headers[CSRF_HEADER], token);
      // The caller's own session: any role may end it.
      await s.tenancy.revokeApiToken(rec.workspaceId, rec.id, 'owner');
    }
    return reply.header('set-cookie', cookie(req, '', 0)).code(204).send();
  });
}
