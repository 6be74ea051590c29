import type { JsonObject } from '../events/normalized-event.js';
import { PROFILE_LIMITS } from './limits.js';

/*
 * Defensive readers for client-sent properties. Segment clients send whatever the shop's code
 * puts in (prices as "19.99", ids as numbers, nulls, nested junk), so every read goes through
 * one of these: they never throw and return null for anything unusable.
 */

export function asObject(value: unknown): JsonObject | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : null;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Trimmed, non-empty, length-capped text. Numbers are not text here (a title of 42 is a bug). */
export function asText(value: unknown, maxLength: number = PROFILE_LIMITS.textLength): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed.slice(0, maxLength);
}

/** An identifier: text, or a finite number written as text (product_id: 123 is common). */
export function asId(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  return asText(value, PROFILE_LIMITS.textLength);
}

const NUMERIC = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i;

/** A finite number, also from a plain numeric string ("19.99"); anything else is null. */
export function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (!NUMERIC.test(trimmed)) return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : null;
}

/** An ISO 4217-looking currency code, upper-cased ("jpy" → "JPY"). */
export function asCurrency(value: unknown): string | null {
  const text = asText(value, 16);
  return text !== null && /^[a-z]{3}$/i.test(text) ? text.toUpperCase() : null;
}

/**
 * Keys that are safe to assign on a plain object. `obj["__proto__"] = x` would replace the
 * prototype instead of storing a key, so client-chosen keys named that are dropped.
 */
export function isSafeKey(key: string): boolean {
  return key !== '__proto__';
}
