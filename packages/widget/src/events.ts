import type { ConsentGate } from './consent.js';

/** One Segment call as the widget sends it in a /v1/batch. */
export interface TrackedCall {
  type: 'track' | 'page' | 'identify';
  messageId: string;
  anonymousId: string;
  userId?: string;
  event?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  originalTimestamp: string;
  context: Record<string, unknown>;
}

/**
 * Holds calls while analytics consent is pending (in memory only: nothing reaches the server or
 * storage), releases them when the answer is yes and forgets them when it is no.
 */
export class ConsentBuffer<T> {
  private held: T[] = [];

  constructor(private readonly gate: ConsentGate, private readonly forward: (item: T) => void, private readonly max = 100) {}

  push(item: T): void {
    if (this.gate.allows('analytics')) this.forward(item);
    else if (this.gate.pending('analytics')) {
      this.held.push(item);
      if (this.held.length > this.max) this.held.shift();
    }
  }

  /** Called after the consent changed. */
  settle(): void {
    if (this.gate.allows('analytics')) for (const item of this.held.splice(0)) this.forward(item);
    else if (!this.gate.pending('analytics')) this.held = [];
  }

  get size(): number {
    return this.held.length;
  }

  clear(): void {
    this.held = [];
  }
}

/** The batch body: writeKey in the body so that `sendBeacon` (no headers) can carry it. */
export function batchBody(writeKey: string, calls: TrackedCall[], now: Date): string {
  return JSON.stringify({ batch: calls, sentAt: now.toISOString(), writeKey });
}
