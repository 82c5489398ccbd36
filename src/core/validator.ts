/**
 * One Ajv instance for the registry: validates capability params and results against the contracts,
 * resolving the shared named schemas ($ref by $id) the routes use too.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { pointerToken } from './json-text.js';

// ajv-formats ships CJS; its default export arrives wrapped under ESM interop.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

export interface ValidationIssue {
  pointer: string;
  message: string;
}

export class SchemaValidator {
  private readonly ajv: Ajv;
  private readonly cache = new WeakMap<object, ValidateFunction>();

  constructor(sharedSchemas: TSchema[] = []) {
    this.ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, removeAdditional: false, coerceTypes: false });
    (addFormats as unknown as (a: Ajv) => void)(this.ajv);
    for (const s of sharedSchemas) if (s.$id && !this.ajv.getSchema(s.$id)) this.ajv.addSchema(s);
  }

  /** Returns the problems found (empty when valid). Applies schema defaults to `value` in place. */
  check(schema: TSchema, value: unknown): ValidationIssue[] {
    let fn = this.cache.get(schema);
    if (!fn) {
      fn = this.ajv.compile(schema);
      this.cache.set(schema, fn);
    }
    if (fn(value)) return [];
    // A bad key under `propertyNames` gives two errors: the key's own (which names it) and a vague
    // "property name must be valid" for the object; the first says it all.
    return (fn.errors ?? []).filter((e) => e.keyword !== 'propertyNames').map(toIssue);
  }
}

function toIssue(e: ErrorObject): ValidationIssue {
  if (e.propertyName !== undefined) {
    return { pointer: `${e.instancePath}/${pointerToken(e.propertyName)}`, message: `name ${JSON.stringify(e.propertyName)} ${e.message ?? 'is not allowed'}` };
  }
  const extra = e.keyword === 'additionalProperties' ? `/${pointerToken((e.params as { additionalProperty: string }).additionalProperty)}` : '';
  // RFC 6901: Ajv's instancePath is a pointer already; `''` is the value as a whole.
  return { pointer: `${e.instancePath}${extra}`, message: e.message ?? e.keyword };
}
