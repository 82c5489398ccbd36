/**
 * Secrets in params are write-only: they reach the run, and every answer shows REDACTED in their place.
 * A contract marks them in its TypeBox schema, so the OpenAPI document tells clients which params are secret:
 *
 * - `'x-sensitive': true` (`sensitive()`): the value is a secret; an object or array as a whole (every value
 *   of an `env` map, its names stay visible).
 * - `'x-sensitive-keys': SECRET_KEY_NAMES` on a free-form object (task parameters, Terraform variables, ...):
 *   at any depth, the value of every key whose name matches (case-insensitively) is a secret.
 *
 * Pure schema walking: no runtime of the core is needed here.
 */
import type { TSchema } from '@sinclair/typebox';

/** What answers show instead of a secret value. */
export const REDACTED = '***';

/** Schema keyword: this value is a secret. */
export const SENSITIVE = 'x-sensitive';

/** Schema keyword of free-form objects: the regular expression (case-insensitive) of key names holding secrets. */
export const SENSITIVE_KEYS = 'x-sensitive-keys';

/** Key names that hold secrets in free-form params (`db_password`, `apiToken`, `ssh_private_key`, ...). */
export const SECRET_KEY_NAMES = 'passw(or)?d|passphrase|secret|token|api[_-]?key|private[_-]?key|credential';

/** Schema options marking a value as a secret: `Type.String({ ...sensitive(), ... })`. */
export function sensitive(): { [SENSITIVE]: true } {
  return { [SENSITIVE]: true };
}

/** Schema options of a free-form object whose secret-named keys hold secrets (see SECRET_KEY_NAMES). */
export function sensitiveKeys(): { [SENSITIVE_KEYS]: string } {
  return { [SENSITIVE_KEYS]: SECRET_KEY_NAMES };
}

/** Finds a shared schema by its `$id` (the target of a `$ref`). */
export type SchemaLookup = (id: string) => TSchema | undefined;

type Hide = (secret: unknown) => unknown;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A secret as answers show it: scalars become REDACTED; objects and arrays keep their shape (keys, length). */
export function mask(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map(() => REDACTED);
  if (isObject(value)) return Object.fromEntries(Object.keys(value).map((k) => [k, REDACTED]));
  return REDACTED;
}

/** `params` with every secret replaced as `mask` does; `params` itself is not changed. */
export function redactBySchema(schema: TSchema, params: unknown, lookup: SchemaLookup): unknown {
  return walk(schema, params, lookup, mask, 0);
}

/** The secret strings in `params` (every string or number inside a secret value), e.g. to scrub logs. */
export function secretsBySchema(schema: TSchema, params: unknown, lookup: SchemaLookup): string[] {
  const found: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === 'string' || typeof v === 'number') found.push(String(v));
    else if (Array.isArray(v)) v.forEach(collect);
    else if (isObject(v)) Object.values(v).forEach(collect);
  };
  walk(schema, params, lookup, (v) => { collect(v); return v; }, 0);
  return found;
}

function walk(schema: TSchema | undefined, value: unknown, lookup: SchemaLookup, hide: Hide, depth: number): unknown {
  let found = schema;
  for (let i = 0; found?.$ref !== undefined && i < 8; i++) found = lookup(String(found.$ref));
  // Nothing is known of a value past 32 levels or without a schema: it is shown as given (no secret declared).
  if (!found || value === null || value === undefined || depth > 32) return value;
  const s = found;
  if (s[SENSITIVE] === true) return hide(value);
  let out = typeof s[SENSITIVE_KEYS] === 'string' ? byKeyName(value, new RegExp(s[SENSITIVE_KEYS], 'i'), hide, 0) : value;
  for (const branch of [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])] as TSchema[]) out = walk(branch, out, lookup, hide, depth + 1);
  if (Array.isArray(out) && isObject(s.items)) return out.map((v) => walk(s.items as TSchema, v, lookup, hide, depth + 1));
  if (isObject(out) && (s.properties || s.patternProperties || isObject(s.additionalProperties))) {
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, walk(propertySchema(s, k), v, lookup, hide, depth + 1)]));
  }
  return out;
}

function propertySchema(s: TSchema, key: string): TSchema | undefined {
  if (s.properties && Object.hasOwn(s.properties, key)) return s.properties[key];
  for (const [pattern, sub] of Object.entries((s.patternProperties ?? {}) as Record<string, TSchema>)) if (new RegExp(pattern, 'u').test(key)) return sub;
  return isObject(s.additionalProperties) ? s.additionalProperties as TSchema : undefined;
}

function byKeyName(value: unknown, names: RegExp, hide: Hide, depth: number): unknown {
  if (depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => byKeyName(v, names, hide, depth + 1));
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, names.test(k) ? hide(v) : byKeyName(v, names, hide, depth + 1)]));
}
