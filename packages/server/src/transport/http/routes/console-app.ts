import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';
import { consoleApiRoutes } from './console-api.js';
import { consoleStaticRoutes } from './console-static.js';

/** Serves the operators' console at /console, with its session cookie, CSRF and CSP. */
export function consoleRoutes(app: FastifyInstance, services: Services): void {
  consoleApiRoutes(app, services);
  consoleStaticRoutes(app);
}
