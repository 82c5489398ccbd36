/**
 * The JSON body parser. Every body is checked in this order, each failure a precise catalogue error
 * (Fastify's own parser reports every case as "not valid JSON"):
 * 1. UTF-8: the bytes must be well-formed UTF-8 (RFC 8259 §8.1), never silently replaced -> NotUnicode;
 * 2. nesting: at most MAX_JSON_DEPTH levels of objects and arrays, checked on the text -> JsonTooDeep;
 * 3. syntax and forbidden keys: secure-json-parse refuses `__proto__` and `constructor.prototype` keys
 *    -> MalformedJson / ForbiddenKey;
 * 4. Unicode: no string or member name may hold a lone UTF-16 surrogate (`"\ud800"`) -> NotUnicode naming
 *    its JSON pointer into the body (`/params/command`).
 */
import type { FastifyInstance } from 'fastify';
import sjson from 'secure-json-parse';
import { Errors, fieldError } from './errors.js';
import { MAX_JSON_DEPTH, findString, isWellFormed, nestsDeeperThan } from './json-text.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Parses one JSON body, or throws the catalogue error that says what is wrong with it. */
export function parseJsonBody(body: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new Errors.NotUnicode('The body is not well-formed UTF-8.', { extra: { errors: [fieldError('body', '', 'must be UTF-8')] } });
  }
  if (text.trim() === '') throw new Errors.MalformedJson('The body is empty but content-type is application/json.');
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new Errors.JsonTooDeep(`The body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels.`, {
      extra: { errors: [fieldError('body', '', `must not nest deeper than ${MAX_JSON_DEPTH} levels`)] },
    });
  }
  let value: unknown;
  try {
    value = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    const msg = (err as Error).message;
    // secure-json-parse throws a SyntaxError for both cases; only its message tells them apart.
    if (/forbidden (prototype|constructor) property/i.test(msg)) throw new Errors.ForbiddenKey(`The body holds a forbidden key: ${msg}.`);
    throw new Errors.MalformedJson(`The body is not valid JSON: ${msg}.`);
  }
  const at = findString(value, (s) => !isWellFormed(s));
  if (at !== undefined) {
    throw new Errors.NotUnicode(`The body's ${at || 'value'} holds a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape), which is not Unicode text.`, {
      extra: { errors: [fieldError('body', at, 'must be well-formed Unicode (no lone surrogate)')] },
    });
  }
  return value;
}

export function installJsonParser(app: FastifyInstance): void {
  // JSON is the only body the API reads: without Fastify's default text/plain parser, a text/plain body is a
  // 415 on every route instead of a string that fails (or, on routes without a body schema, passes) validation.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
