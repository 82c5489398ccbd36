/**
 * Route validation with two Ajv instances: request bodies are validated strictly (no type coercion, no
 * stripping of unknown keys), while querystrings, params and headers (always strings on the wire) are
 * coerced to the documented types. Both reject NaN/Infinity and know every shared named schema.
 */
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifySchemaValidationError } from 'fastify';

const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

function makeAjv(coerceTypes: false | 'array', schemas: TSchema[]): Ajv {
  const ajv = new Ajv({ coerceTypes, removeAdditional: false, useDefaults: true, allErrors: true, strict: false, strictNumbers: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  for (const s of schemas) ajv.addSchema(s);
  return ajv;
}

/** JSON pointer of the first non-finite number in a value, if any. */
function nonFinite(v: unknown, path = ''): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : path || '/';
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const hit = nonFinite(x, `${path}/${k}`);
      if (hit) return hit;
    }
  }
  return undefined;
}

export function installRouteValidators(app: FastifyInstance, schemas: TSchema[]): void {
  const strict = makeAjv(false, schemas);
  const coercing = makeAjv('array', schemas);
  app.setValidatorCompiler(({ schema, httpPart }) => {
    if (httpPart === 'body') return strict.compile(schema);
    const fn = coercing.compile(schema);
    // Coercing "Infinity" or "1e400" yields Infinity, which Ajv then lets past integer, minimum and maximum.
    type Validate = ((data: unknown) => boolean) & { errors?: FastifySchemaValidationError[] | null };
    const validate: Validate = (data: unknown) => {
      const ok = fn(data);
      const bad = ok ? nonFinite(data) : undefined;
      validate.errors = bad
        ? [{ instancePath: bad, schemaPath: '#', keyword: 'type', params: {}, message: 'must be a finite number' }]
        : (fn.errors as FastifySchemaValidationError[] | null | undefined);
      return ok && !bad;
    };
    return validate as never;
  });
}
