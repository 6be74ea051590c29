import { validateEvent } from '../../domain/events/validate-event.js';
import { validationError } from '../../errors.js';
import type { IdGenerator } from '../../platform/ids.js';
import type { Clock } from '../../ports/clock.js';
import type { IngestService } from './ingest-service.js';

/**
 * Records an event the server itself observed (a chat message, an answer to an invitation, a
 * wait too long) through the same validation and pipeline as tracked ones, so identity
 * resolution and the care loop see it like any other. An event that does not validate is an
 * error, never dropped quietly.
 */
export async function submitEvent(deps: { ingest: IngestService; ids: IdGenerator; clock: Clock }, workspaceId: string, raw: Record<string, unknown> & { type: 'track' | 'identify' }): Promise<void> {
  const r = validateEvent(
    { ...raw, context: { library: { name: 'omotenashi-server', version: '1' } } },
    { path: raw.type, impliedType: raw.type, receivedAt: deps.clock.now(), sentAt: null, newMessageId: () => deps.ids.next('event') },
  );
  if (!r.ok) throw validationError(r.issues);
  await deps.ingest.submit(workspaceId, [r.event]);
}
