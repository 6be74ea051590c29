/*
 * How a customer is called, from the traits the shop sent (Segment's spec allows `name`, or
 * `firstName`/`lastName`, and shops also send snake_case). One place, so the queue, the live
 * visitors list, snippets and suggestions all name a customer the same way.
 */

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** The first name: firstName, first_name, else the first word of name; null when none is known. */
export function firstNameOf(traits: Record<string, unknown>): string | null {
  return text(traits['firstName']) ?? text(traits['first_name']) ?? text(traits['name'])?.split(/\s+/)[0] ?? null;
}

/** The full name: name, else first and last name joined; null when none is known. */
export function fullNameOf(traits: Record<string, unknown>): string | null {
  return text(traits['name'])
    ?? ([text(traits['firstName'] ?? traits['first_name']), text(traits['lastName'] ?? traits['last_name'])].filter((x) => x !== null).join(' ') || null);
}
