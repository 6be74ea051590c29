import type { NormalizedEvent } from '../events/normalized-event.js';

export interface IdentityKeyRef { kind: string; value: string }

/** Identifiers an event carries besides userId/anonymousId: email, phone and external ids. */
export function secondaryIdentifiers(e: NormalizedEvent): IdentityKeyRef[] {
  const out: IdentityKeyRef[] = [];
  const traits = e.type === 'identify' ? e.traits : {};
  const ctxTraits = isObject(e.context['traits']) ? e.context['traits'] : {};
  const email = normalizeEmail(traits['email'] ?? ctxTraits['email']);
  if (email) out.push({ kind: 'email', value: email });
  const phone = normalizePhone(traits['phone'] ?? ctxTraits['phone']);
  if (phone) out.push({ kind: 'phone', value: phone });
  const ext = e.context['externalIds'];
  if (Array.isArray(ext)) {
    for (const item of ext.slice(0, 10)) {
      if (!isObject(item)) continue;
      const type = item['type'];
      const id = item['id'];
      if (typeof type === 'string' && type.length > 0 && type.length <= 64 && (typeof id === 'string' || typeof id === 'number')) {
        const value = String(id);
        if (value.length > 0 && value.length <= 256) out.push({ kind: `ext:${type.toLowerCase()}`, value });
      }
    }
  }
  return out;
}

export function normalizeEmail(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.trim().toLowerCase();
  // Deliberately loose: one @ with something on both sides and a dot in the domain.
  const at = s.indexOf('@');
  if (at < 1 || at !== s.lastIndexOf('@') || s.length > 254 || s.indexOf('.', at) < 0 || /\s/.test(s)) return null;
  return s;
}

export function normalizePhone(v: unknown): string | null {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const s = String(v).trim();
  const digits = s.replace(/[^\d]/g, '');
  if (digits.length < 6 || digits.length > 15) return null;
  return s.startsWith('+') ? `+${digits}` : digits;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
