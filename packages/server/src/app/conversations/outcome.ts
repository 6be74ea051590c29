import type { ConversationChange, SlaSignal } from './events.js';

/** What one transaction changed: published on the Bus only after it commits. */
export class Outcome {
  readonly changes: ConversationChange[] = [];
  readonly sla: SlaSignal[] = [];
}
