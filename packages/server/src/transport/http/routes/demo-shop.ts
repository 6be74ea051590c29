import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';

/** Serves the demo shop at /demo. Owned by the demo-shop work. */
export function demoShopRoutes(_app: FastifyInstance, _services: Services): void {
  // filled in by the widget issue (demo shop)
}
