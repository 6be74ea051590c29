import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';

/** Serves the widget's scripts (/widget.js and its lazily loaded chunks). Owned by the widget work. */
export function widgetAssetRoutes(_app: FastifyInstance, _services: Services): void {
  // filled in by the widget issue
}
