import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { EVENT_TYPES } from '@omotenashi/protocol';

/**
 * The playbook format: trigger (when) + conditions (if) + a ladder of steps (what) + etiquette
 * (how politely). This TypeBox schema is the single source: it types the code, validates API
 * bodies and YAML/JSON files, and generates the OpenAPI document. Semantic checks the schema
 * cannot express (durations, pattern safety, fact names) live in validate-playbook.ts.
 */

/** "30s", "10m", "2h", "7d" (also "1d12h"). Parsed by duration.ts. */
export const Duration = Type.String({ minLength: 2, maxLength: 16, description: 'a duration like 30s, 10m, 2h, 7d' });

/** Exact text, or { prefix }, { glob } (`*` within a segment, `**` across), or { oneOf }. */
export const StringPattern = Type.Union([
  Type.String({ minLength: 1, maxLength: 500 }),
  Type.Object({ prefix: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
  Type.Object({ glob: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
  Type.Object({ oneOf: Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { minItems: 1, maxItems: 50 }) }, { additionalProperties: false }),
]);
export type StringPattern = Static<typeof StringPattern>;

export const CONDITION_OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'notIn', 'contains', 'exists', 'notExists', 'matches', 'between'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

const Scalar = Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean(), Type.Null()]);

/** One test of a fact, e.g. `{ fact: cart.value, op: gt, value: 50 }`. */
export const FactCondition = Type.Object({
  fact: Type.String({ minLength: 1, maxLength: 200, description: 'a fact name, see docs/playbooks.md' }),
  op: Type.Union(CONDITION_OPS.map((o) => Type.Literal(o))),
  value: Type.Optional(Type.Union([Scalar, Type.Array(Scalar, { maxItems: 100 }), StringPattern])),
}, { additionalProperties: false });
export type FactCondition = Static<typeof FactCondition>;

export type Condition = FactCondition | { any: Condition[] } | { all: Condition[] } | { not: Condition };
export const Condition: TSchema = Type.Recursive((Self) => Type.Union([
  FactCondition,
  Type.Object({ any: Type.Array(Self, { minItems: 1, maxItems: 20 }) }, { additionalProperties: false }),
  Type.Object({ all: Type.Array(Self, { minItems: 1, maxItems: 20 }) }, { additionalProperties: false }),
  Type.Object({ not: Self }, { additionalProperties: false }),
]), { $id: 'PlaybookCondition' });

export const PageMatch = Type.Object({
  path: Type.Optional(StringPattern),
  url: Type.Optional(StringPattern),
}, { additionalProperties: false });
export type PageMatch = Static<typeof PageMatch>;

/** Which incoming events a trigger listens to. */
export const EventMatch = Type.Object({
  type: Type.Optional(Type.Union([Type.Union(EVENT_TYPES.map((t) => Type.Literal(t))), Type.Array(Type.Union(EVENT_TYPES.map((t) => Type.Literal(t))), { minItems: 1 })])),
  /** track: the event name. */
  event: Type.Optional(StringPattern),
  page: Type.Optional(PageMatch),
  /** Conditions on the event itself; facts are relative, e.g. `properties.reason`. */
  where: Type.Optional(Type.Array(FactCondition, { maxItems: 20 })),
}, { additionalProperties: false });
export type EventMatch = Static<typeof EventMatch>;

export const Trigger = Type.Union([
  Type.Object({ on: EventMatch }, { additionalProperties: false }),
  Type.Object({ dwell: Type.Object({ page: PageMatch, seconds: Type.Integer({ minimum: 5, maximum: 3600 }) }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object({ repetition: Type.Object({ on: EventMatch, count: Type.Integer({ minimum: 2, maximum: 100 }), within: Duration }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object({ sequence: Type.Object({ first: EventMatch, then: EventMatch, within: Duration }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object({ absence: Type.Object({ after: EventMatch, missing: EventMatch, within: Duration }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object({ date: Type.Object({ moment: Type.String({ minLength: 1, maxLength: 64 }), daysBefore: Type.Integer({ minimum: 0, maximum: 90 }), hour: Type.Optional(Type.Integer({ minimum: 0, maximum: 23 })) }, { additionalProperties: false }) }, { additionalProperties: false }),
  Type.Object({ threshold: Type.Object({ fact: Type.String({ minLength: 1, maxLength: 200 }), above: Type.Number() }, { additionalProperties: false }) }, { additionalProperties: false }),
]);
export type Trigger = Static<typeof Trigger>;

export const ACTIONS = ['hint', 'invite', 'alert', 'task', 'webhook', 'tag'] as const;
export type ActionKind = (typeof ACTIONS)[number];
export const ALERT_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

const StepBase = { after: Type.Optional(Duration), id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) };
export const Step = Type.Union([
  Type.Object({ ...StepBase, action: Type.Literal('hint'), title: Type.Optional(Type.String({ maxLength: 200 })), body: Type.String({ minLength: 1, maxLength: 2000 }), link: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
  Type.Object({ ...StepBase, action: Type.Literal('invite'), message: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
  Type.Object({ ...StepBase, action: Type.Literal('alert'), priority: Type.Union(ALERT_PRIORITIES.map((p) => Type.Literal(p))), note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
  Type.Object({ ...StepBase, action: Type.Literal('task'), title: Type.String({ minLength: 1, maxLength: 200 }), team: Type.Optional(Type.String({ maxLength: 100 })), owner: Type.Optional(Type.String({ maxLength: 100 })), due: Duration, note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
  Type.Object({ ...StepBase, action: Type.Literal('webhook'), url: Type.String({ minLength: 8, maxLength: 2000 }), reachesCustomer: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
  Type.Object({ ...StepBase, action: Type.Literal('tag'), trait: Type.String({ minLength: 1, maxLength: 100 }), value: Scalar }, { additionalProperties: false }),
]);
export type Step = Static<typeof Step>;

export const PURPOSES = ['service', 'marketing'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** A playbook may only tighten the workspace's etiquette (see domain/etiquette). */
export const PlaybookEtiquette = Type.Object({
  cooldown: Type.Optional(Duration),
  maxPerDay: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  maxPerWeek: Type.Optional(Type.Integer({ minimum: 0, maximum: 500 })),
  /** Topics this playbook is about, e.g. ['payment'] lets it speak on the payment step. */
  about: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 10 })),
}, { additionalProperties: false });
export type PlaybookEtiquette = Static<typeof PlaybookEtiquette>;

export const PlaybookDefinition = Type.Object({
  key: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$', description: 'stable identifier, e.g. stuck-at-payment' }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  enabled: Type.Optional(Type.Boolean()),
  priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  purpose: Type.Union(PURPOSES.map((p) => Type.Literal(p))),
  trigger: Trigger,
  conditions: Type.Optional(Type.Array(Condition, { maxItems: 30 })),
  steps: Type.Array(Step, { minItems: 1, maxItems: 5 }),
  etiquette: Type.Optional(PlaybookEtiquette),
}, { additionalProperties: false, $id: 'PlaybookDefinition' });
export type PlaybookDefinition = Static<typeof PlaybookDefinition>;
