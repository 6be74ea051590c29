/**
 * Fan-out of things that happened, to whoever is listening (the realtime layer, tests). The
 * in-process implementation is the default; a distributed one (NATS) can replace it later.
 */
export interface Bus {
  publish(topic: string, payload: unknown): void;
  subscribe(topic: string, handler: (payload: unknown) => void): () => void;
}

export class InProcessBus implements Bus {
  private readonly handlers = new Map<string, Set<(payload: unknown) => void>>();

  /** `onError` hears about a listener that threw (the others still get the message). */
  constructor(private readonly onError?: (topic: string, err: unknown) => void) {}

  publish(topic: string, payload: unknown): void {
    for (const h of this.handlers.get(topic) ?? []) {
      try {
        h(payload);
      } catch (err) {
        // one faulty listener must not stop delivery to the others, nor go unnoticed
        this.onError?.(topic, err);
      }
    }
  }

  subscribe(topic: string, handler: (payload: unknown) => void): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }
}
