import { Kind, type TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value';
import { Condition } from './definition.js';
import { childPath, jsonKind, label, type IssueList } from './issue-list.js';

/*
 * TypeBox's structural errors turned into issues a shop owner can act on. Two things matter:
 * every message names the field and says what it should be, and a union (trigger, step,
 * pattern, condition) produces ONE issue about the variant the author evidently meant, not one
 * per variant it failed: "steps[1].action must be one of hint, invite, …", then the problems
 * inside that kind of step.
 */

/** Schemas that `Type.Recursive` refers to by $id (the condition tree). */
const REFERENCES: TSchema[] = [Condition];

type Json = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';

function jsonType(value: unknown): Json | 'other' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' || t === 'object' ? t : 'other';
}

const kindOf = (s: TSchema): string => (s as { [Kind]?: string })[Kind] ?? '';

/** The variants of a union, nested unions flattened. */
function variantsOf(s: TSchema): TSchema[] {
  return kindOf(s) === 'Union' ? (s.anyOf as TSchema[]).flatMap(variantsOf) : [s];
}

function accepts(s: TSchema, type: Json | 'other'): boolean {
  switch (kindOf(s)) {
    case 'String':
      return type === 'string';
    case 'Number':
    case 'Integer':
      return type === 'number';
    case 'Boolean':
      return type === 'boolean';
    case 'Null':
      return type === 'null';
    case 'Array':
      return type === 'array';
    case 'Object':
      return type === 'object';
    case 'Literal':
      return jsonType(s.const) === type;
    case 'Union':
      return variantsOf(s).some((v) => accepts(v, type));
    default:
      return true;
  }
}

const isLiteral = (s: TSchema): boolean => kindOf(s) === 'Literal';
const literals = (list: readonly TSchema[]): string => list.map((s) => String(s.const)).join(', ');

/** "a, b or c" */
function either(parts: readonly string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}`;
}

/** A property every object variant has as a literal (e.g. a step's `action`), if any. */
function literalDiscriminator(objects: readonly TSchema[]): string | null {
  const first = objects[0];
  if (first === undefined || objects.length < 2) return null;
  for (const key of Object.keys(first.properties as object)) {
    if (objects.every((o) => isLiteral((o.properties as Record<string, TSchema>)[key] ?? ({} as TSchema)))) return key;
  }
  return null;
}

/** For each object variant, the first required key no other variant requires (trigger: on, dwell…). */
function signatureKeys(objects: readonly TSchema[]): (string | null)[] {
  return objects.map((o) => {
    const others = objects.filter((x) => x !== o).flatMap((x) => (x.required as string[] | undefined) ?? []);
    return ((o.required as string[] | undefined) ?? []).find((k) => !others.includes(k)) ?? null;
  });
}

function describeObjects(objects: readonly TSchema[]): string | null {
  if (objects.length === 0) return null;
  if (objects.length === 1) return 'an object';
  const disc = literalDiscriminator(objects);
  if (disc !== null) return `an object with ${disc} (one of ${literals(objects.map((o) => o.properties[disc] as TSchema))})`;
  const keys = signatureKeys(objects).filter((k) => k !== null);
  return `an object with exactly one of ${keys.join(', ')}`;
}

/** What a union accepts, in words: "text or an object with exactly one of prefix, glob, oneOf". */
function describeUnion(s: TSchema): string {
  const variants = variantsOf(s);
  if (variants.every(isLiteral)) return `one of ${literals(variants)}`;
  const parts: string[] = [];
  const names: Record<string, string> = {
    String: 'text',
    Number: 'a number',
    Integer: 'a whole number',
    Boolean: 'true or false',
    Null: 'null',
    Array: 'a list',
  };
  const lits = variants.filter(isLiteral);
  if (lits.length > 0) parts.push(`one of ${literals(lits)}`);
  for (const v of variants) {
    const name = names[kindOf(v)];
    if (name !== undefined && !parts.includes(name)) parts.push(name);
  }
  const objects = describeObjects(variants.filter((v) => kindOf(v) === 'Object'));
  if (objects !== null) parts.push(objects);
  return either(parts);
}

/** Appends the structural issues of `value` against `schema`, paths prefixed with `base`. */
export function collectSchemaIssues(schema: TSchema, value: unknown, base: string, out: IssueList): void {
  const reported = new Set<string>();
  for (const error of Value.Errors(schema, REFERENCES, value)) {
    if (out.full) return;
    const path = joinPointer(base, error.path);
    // TypeBox may report one spot twice (a missing required field is also "not a string").
    if (reported.has(path)) continue;
    reported.add(path);
    // A key set to undefined (only possible from JavaScript, never from JSON) is a missing one.
    if (error.value === undefined && error.type !== ValueErrorType.ObjectAdditionalProperties) {
      out.add(path, 'required', `${label(path)} is required`);
    } else if (error.type === ValueErrorType.Union) explainUnion(error.schema, error.value, path, out);
    else report(error, path, out);
  }
}

/** "/steps/1/after" → "steps[1].after" (JSON Pointer escapes undone). */
function joinPointer(base: string, pointer: string): string {
  let path = base;
  for (const raw of pointer.split('/').slice(1)) path = childPath(path, raw.replace(/~1/g, '/').replace(/~0/g, '~'));
  return path;
}

function explainUnion(schema: TSchema, value: unknown, path: string, out: IssueList): void {
  const type = jsonType(value);
  const fitting = (schema.anyOf as TSchema[]).filter((v) => accepts(v, type));
  const variants = fitting.flatMap(variantsOf).filter((v) => accepts(v, type));
  if (variants.length === 0) {
    out.add(path, 'invalid_type', `${label(path)} must be ${describeUnion(schema)}, got ${jsonKind(value)}`);
    return;
  }
  if (variants.every(isLiteral)) {
    const list = variantsOf(schema).some((v) => kindOf(v) === 'Array') ? ' (or a list of them)' : '';
    out.add(path, 'invalid_value', `${label(path)} must be one of ${literals(variants)}${list}, got ${JSON.stringify(value)}`);
    return;
  }
  if (type === 'object' && variants.length > 1) {
    explainObjectUnion(schema, variants, value as Record<string, unknown>, path, out);
    return;
  }
  // One shape fits the JSON type (or several, e.g. text as a scalar or as a pattern): explain
  // the problems inside the first, which is as specific as we can be.
  collectSchemaIssues(fitting[0]!, value, path, out);
}

function explainObjectUnion(
  schema: TSchema,
  objects: readonly TSchema[],
  value: Record<string, unknown>,
  path: string,
  out: IssueList,
): void {
  const disc = literalDiscriminator(objects);
  if (disc !== null) {
    const allowed = literals(objects.map((o) => o.properties[disc] as TSchema));
    const given = value[disc];
    const chosen = objects.find((o) => (o.properties[disc] as TSchema).const === given);
    const at = childPath(path, disc);
    if (given === undefined) out.add(at, 'required', `${at} is required: one of ${allowed}`);
    else if (chosen === undefined) out.add(at, 'invalid_value', `${at} must be one of ${allowed}, got ${JSON.stringify(given)}`);
    else collectSchemaIssues(chosen, value, path, out);
    return;
  }
  const keys = signatureKeys(objects);
  const present = keys.filter((k): k is string => k !== null && Object.hasOwn(value, k));
  if (present.length === 1) {
    collectSchemaIssues(objects[keys.indexOf(present[0]!)]!, value, path, out);
    return;
  }
  const keyList = keys.filter((k) => k !== null).join(', ');
  const mixed = variantsOf(schema).some((v) => kindOf(v) !== 'Object');
  if (present.length === 0 && mixed) {
    out.add(path, 'invalid_value', `${label(path)} must be ${describeUnion(schema)}`);
    return;
  }
  const has = present.length === 0 ? '' : `; it has ${present.length === 2 ? 'both ' : ''}${present.join(', ').replace(/, ([^,]*)$/, ' and $1')}`;
  out.add(path, 'invalid_value', `${label(path)} must have exactly one of ${keyList}${has}`);
}

const KEY_PATTERN = '^[a-z0-9][a-z0-9-]{1,62}$';

function report(error: ValueError, path: string, out: IssueList): void {
  const s = error.schema;
  const v = error.value;
  const at = label(path);
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return out.add(path, 'required', `${at} is required`);
    case ValueErrorType.ObjectAdditionalProperties: {
      const known = Object.keys((s.properties as object | undefined) ?? {});
      return out.add(path, 'invalid_value', `${at} is not a known field${known.length > 0 ? ` (expected ${either(known)})` : ''}`);
    }
    case ValueErrorType.Object:
      return out.add(path, 'invalid_type', `${at} must be an object, got ${jsonKind(v)}`);
    case ValueErrorType.Array:
      return out.add(path, 'invalid_type', `${at} must be a list, got ${jsonKind(v)}`);
    case ValueErrorType.ArrayMaxItems:
      return out.add(path, 'too_many', `${at} must have at most ${s.maxItems} items, got ${(v as unknown[]).length}`);
    case ValueErrorType.ArrayMinItems:
      return (v as unknown[]).length === 0
        ? out.add(path, 'empty', `${at} must not be empty`)
        : out.add(path, 'invalid_value', `${at} must have at least ${s.minItems} items`);
    case ValueErrorType.String:
      return out.add(path, 'invalid_type', `${at} must be text, got ${jsonKind(v)}`);
    case ValueErrorType.StringMinLength:
      return v === ''
        ? out.add(path, 'empty', `${at} must not be empty`)
        : out.add(path, 'invalid_value', `${at} must be at least ${s.minLength} characters`);
    case ValueErrorType.StringMaxLength:
      return out.add(path, 'too_long', `${at} must be at most ${s.maxLength} characters, got ${(v as string).length}`);
    case ValueErrorType.StringPattern:
      return out.add(
        path,
        'invalid_value',
        s.pattern === KEY_PATTERN
          ? `${at} must be 2 to 63 lowercase letters, digits and dashes, not starting with a dash (e.g. stuck-at-payment)`
          : `${at} does not have the expected format`,
      );
    case ValueErrorType.Number:
      return out.add(path, 'invalid_type', `${at} must be a number, got ${jsonKind(v)}`);
    case ValueErrorType.Integer:
      return typeof v === 'number'
        ? out.add(path, 'invalid_value', `${at} must be a whole number, got ${v}`)
        : out.add(path, 'invalid_type', `${at} must be a whole number, got ${jsonKind(v)}`);
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return out.add(path, 'invalid_value', `${at} must be at most ${s.maximum}, got ${String(v)}`);
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return out.add(path, 'invalid_value', `${at} must be at least ${s.minimum}, got ${String(v)}`);
    case ValueErrorType.Boolean:
      return out.add(path, 'invalid_type', `${at} must be true or false, got ${jsonKind(v)}`);
    case ValueErrorType.Null:
      return out.add(path, 'invalid_type', `${at} must be null, got ${jsonKind(v)}`);
    case ValueErrorType.Literal:
      return out.add(path, 'invalid_value', `${at} must be ${JSON.stringify(s.const)}, got ${JSON.stringify(v)}`);
    default:
      return out.add(path, 'invalid_value', `${at}: ${error.message}`);
  }
}
