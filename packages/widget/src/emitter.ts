/** A small typed event emitter; a listener's exception never breaks the widget. */
export class Emitter<E extends Record<string, unknown>> {
  private readonly map = new Map<keyof E, Set<(p: any) => void>>();

  on<K extends keyof E>(ev: K, cb: (payload: E[K]) => void): () => void {
    let set = this.map.get(ev);
    if (!set) this.map.set(ev, (set = new Set()));
    set.add(cb);
    return () => set.delete(cb);
  }

  emit<K extends keyof E>(ev: K, payload: E[K]): void {
    for (const cb of [...(this.map.get(ev) ?? [])]) {
      try {
        cb(payload);
      } catch (e) {
        setTimeout(() => {
          throw e;
        }, 0);
      }
    }
  }
}
