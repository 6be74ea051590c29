/** localStorage that never throws (Safari private mode, storage disabled, quota full). */
export const store = {
  get(key: string): string | null {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key: string, value: string): void {
    try {
      localStorage.setItem(key, value);
    } catch {
      // unavailable: the widget keeps working in memory
    }
  },
  remove(key: string): void {
    try {
      localStorage.removeItem(key);
    } catch {
      // unavailable
    }
  },
  json<T>(key: string): T | null {
    try {
      return JSON.parse(this.get(key) ?? 'null') as T | null;
    } catch {
      return null;
    }
  },
};

export const KEYS = {
  anonymousId: 'omotenashi.anonymousId',
  user: 'omotenashi.user',
  consent: 'omotenashi.consent',
  dismissed: 'omotenashi.dismissed',
  email: 'omotenashi.email',
} as const;

export function uuid(): string {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  const b = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
