import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';
import { consoleApiRoutes } from './console-api.js';
import { consoleReportRoutes } from './console-reports.js';
import { consoleStaticRoutes } from './console-static.js';
import { consoleVisitorRoutes } from './console-visitors.js';

/**
 * Serves the operators' console at /console, with its session cookie, CSRF and CSP, and the
 * /api/v1 routes only the console needed (live visitors, manual invitations, console reports).
 */
export function consoleRoutes(app: FastifyInstance, services: Services): void {
  consoleApiRoutes(app, services);
  consoleStaticRoutes(app);
  consoleVisitorRoutes(app, services);
  consoleReportRoutes(app, services);
}
