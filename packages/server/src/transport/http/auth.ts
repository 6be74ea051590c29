import type { FastifyRequest } from 'fastify';
import { OmotenashiError } from '../../errors.js';
import type { ApiTokenRecord, Role } from '../../ports/store.js';
import type { Services } from '../../services.js';
import { CSRF_HEADER, requireCsrf, sessionTokenFromCookies } from './console-session.js';

const RANK: Record<Role, number> = { agent: 1, admin: 2, owner: 3 };

/**
 * Authenticates the bearer token, or else the console's session cookie (a bearer header wins
 * when both come); every admin route runs inside the token's workspace. A change made with the
 * cookie must carry the session's CSRF token (`x-csrf-token`).
 */
export async function authenticate(services: Services, req: FastifyRequest, minimum: Role = 'agent'): Promise<ApiTokenRecord> {
  const h = req.headers.authorization;
  const bearerToken = h && /^bearer /i.test(h) ? h.slice(7).trim() : null;
  const cookieToken = bearerToken === null ? sessionTokenFromCookies(req.headers.cookie) : null;
  const rec = await services.credentials.apiToken(bearerToken ?? cookieToken);
  if (cookieToken !== null) requireCsrf(req.method, req.headers[CSRF_HEADER], cookieToken);
  if (RANK[rec.role] < RANK[minimum]) {
    throw new OmotenashiError('forbidden', `this needs the ${minimum} role or higher; the token has ${rec.role}`);
  }
  return rec;
}

/**
 * Authenticates a visitor by the session token from the realtime welcome (Bearer header, or
 * `queryToken` where a browser cannot send headers, as for `<img src>`).
 */
export async function authenticateVisitor(services: Services, req: FastifyRequest, queryToken?: string): Promise<{ workspaceId: string; customerId: string; family: string[] }> {
  const h = req.headers.authorization;
  const token = h && /^bearer /i.test(h) ? h.slice(7).trim() : queryToken;
  if (!token) throw new OmotenashiError('unauthorized', 'send the visitor session token (from the realtime welcome) as Authorization: Bearer <token>');
  return services.visitorSessions.verifyToken(token);
}
