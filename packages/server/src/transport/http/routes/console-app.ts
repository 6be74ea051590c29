import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';

/** Serves the operators' console at /console, with its session cookie, CSRF and CSP. */
export function consoleRoutes(_app: FastifyInstance, _services: Services): void {
  // filled in by the console issue
}
