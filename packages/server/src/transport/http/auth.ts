import type { FastifyRequest } from 'fastify';
import { OmotenashiError } from '../../errors.js';
import type { ApiTokenRecord, Role } from '../../ports/store.js';
import type { Services } from '../../services.js';

const RANK: Record<Role, number> = { agent: 1, admin: 2, owner: 3 };

/** Authenticates the bearer token; every admin route runs inside the token's workspace. */
export async function authenticate(services: Services, req: FastifyRequest, minimum: Role = 'agent'): Promise<ApiTokenRecord> {
  const h = req.headers.authorization;
  const token = h && /^bearer /i.test(h) ? h.slice(7).trim() : null;
  const rec = await services.credentials.apiToken(token);
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
