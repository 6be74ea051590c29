import type { JsonObject } from '../events/normalized-event.js';
import { formatCalendarDate, parseCalendarDate } from './calendar-date.js';
import { PROFILE_LIMITS } from './limits.js';
import type { Moment } from './profile.js';

/*
 * Dates worth remembering, read from traits: a birthday or anniversary recurs every year; any
 * other trait named "…_date" / "…Date" (reservation_date, weddingDate) is a one-off date, unless
 * it is written without a year ("--MM-DD"), which only makes sense as a yearly date.
 */

/** Birthday spellings in the order we prefer them when a profile has several. */
const BIRTHDAY_TRAITS = ['birthday', 'birthdate', 'birth_date', 'birthDate', 'date_of_birth', 'dateOfBirth', 'dob'];
const BIRTHDAY_SET = new Set(BIRTHDAY_TRAITS);

function isAnniversary(trait: string): boolean {
  return trait === 'anniversary' || trait.endsWith('_anniversary') || trait.endsWith('Anniversary');
}

function isDateTrait(trait: string): boolean {
  return trait.endsWith('_date') || trait.endsWith('Date');
}

function momentFrom(kind: string, trait: string, value: unknown, yearly: boolean): Moment | null {
  if (typeof value !== 'string') return null;
  const date = parseCalendarDate(value);
  if (date === null) return null;
  return { kind, trait, date: formatCalendarDate(date), yearly: yearly || date.year === null };
}

/**
 * All moments the traits describe, at most one birthday, bounded. Recomputed from the traits
 * whenever they change, so clearing a trait (setting it to null) removes its moment.
 */
export function extractMoments(traits: JsonObject): Moment[] {
  const moments: Moment[] = [];
  for (const trait of BIRTHDAY_TRAITS) {
    const moment = momentFrom('birthday', trait, traits[trait], true);
    if (moment !== null) {
      moments.push(moment);
      break;
    }
  }
  for (const [trait, value] of Object.entries(traits)) {
    if (moments.length >= PROFILE_LIMITS.moments) break;
    if (BIRTHDAY_SET.has(trait)) continue;
    const moment = isAnniversary(trait)
      ? momentFrom('anniversary', trait, value, true)
      : isDateTrait(trait)
        ? momentFrom(trait, trait, value, false)
        : null;
    if (moment !== null) moments.push(moment);
  }
  return moments;
}
