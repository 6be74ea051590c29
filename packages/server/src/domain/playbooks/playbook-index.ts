import { EVENT_TYPES, type EventType } from '@omotenashi/protocol';
import type { NormalizedEvent } from '../events/normalized-event.js';
import type { CompiledPlaybook, TriggerKind } from './compile-playbook.js';
import type { EventMatch } from './definition.js';
import { matchTypes } from './event-match.js';

/*
 * Which playbooks an event could concern, decided before any matcher runs. Most playbooks
 * listen to one or a few named track events ("Checkout Started"), so the index maps exact names
 * to ready-made candidate lists; everything that may match any event of a type sits in that
 * type's list. All lists are built here, once, so looking up candidates allocates nothing.
 */

export interface PlaybookIndex {
  /** Every playbook given, enabled or not, in the order given. */
  readonly all: readonly CompiledPlaybook[];
  /**
   * Enabled playbooks that may react to this event, highest priority first (then by key).
   * A superset: the caller still runs the trigger's matchers.
   */
  candidates(e: NormalizedEvent): readonly CompiledPlaybook[];
  /** Enabled playbooks with this trigger kind (for timers: dwell, absence, date). */
  ofKind(kind: TriggerKind): readonly CompiledPlaybook[];
}

const EMPTY: readonly CompiledPlaybook[] = Object.freeze([]);

/** Exact track names an EventMatch is limited to, or null when it may match other names too. */
function exactNames(m: EventMatch): readonly string[] | null {
  if (m.event === undefined) return null;
  if (typeof m.event === 'string') return [m.event];
  return 'oneOf' in m.event ? m.event.oneOf : null;
}

/** The event types an EventMatch can match (an `event` name only exists on track calls). */
function typesOf(m: EventMatch): readonly EventType[] {
  const types = matchTypes(m) ?? EVENT_TYPES;
  return m.event === undefined ? types : types.filter((t) => t === 'track');
}

function byPriority(a: CompiledPlaybook, b: CompiledPlaybook): number {
  return b.priority - a.priority || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

function finish(set: Set<CompiledPlaybook>): readonly CompiledPlaybook[] {
  return set.size === 0 ? EMPTY : Object.freeze([...set].sort(byPriority));
}

export function indexPlaybooks(list: CompiledPlaybook[]): PlaybookIndex {
  const anyOfType = new Map<EventType, Set<CompiledPlaybook>>(EVENT_TYPES.map((t) => [t, new Set()]));
  const byName = new Map<string, Set<CompiledPlaybook>>();
  const kinds = new Map<TriggerKind, Set<CompiledPlaybook>>();
  const addType = (t: EventType, p: CompiledPlaybook): void => void anyOfType.get(t)!.add(p);

  for (const p of list) {
    if (!p.enabled) continue;
    let ofKind = kinds.get(p.triggerKind);
    if (ofKind === undefined) kinds.set(p.triggerKind, (ofKind = new Set()));
    ofKind.add(p);
    switch (p.triggerKind) {
      case 'dwell':
        // Armed (and re-armed or abandoned) by page views; the timer re-checks the current page.
        addType('page', p);
        addType('screen', p);
        break;
      case 'threshold':
      case 'date':
        // A fact (or a moment from traits) may change with any event, so every event is a chance
        // to see the crossing or to (re)arm the date's timer.
        for (const t of EVENT_TYPES) addType(t, p);
        break;
      default:
        for (const m of p.eventMatches) {
          const names = exactNames(m);
          for (const t of typesOf(m)) {
            if (t !== 'track' || names === null) addType(t, p);
            else {
              for (const name of names) {
                let set = byName.get(name);
                if (set === undefined) byName.set(name, (set = new Set()));
                set.add(p);
              }
            }
          }
        }
    }
  }

  // A named track event also concerns every playbook listening to any track event.
  const anyTrack = anyOfType.get('track')!;
  const named = new Map<string, readonly CompiledPlaybook[]>();
  for (const [name, set] of byName) named.set(name, finish(new Set([...set, ...anyTrack])));
  const typed = Object.fromEntries(EVENT_TYPES.map((t) => [t, finish(anyOfType.get(t)!)])) as Record<
    EventType,
    readonly CompiledPlaybook[]
  >;
  const ofKind = new Map([...kinds].map(([k, set]) => [k, finish(set)]));

  return {
    all: Object.freeze([...list]),
    candidates(e) {
      if (e.type === 'track' && e.event !== null) {
        const forName = named.get(e.event);
        if (forName !== undefined) return forName;
      }
      return typed[e.type] ?? EMPTY;
    },
    ofKind: (kind) => ofKind.get(kind) ?? EMPTY,
  };
}
