/**
 * The JSON body parser: secure-json-parse refuses `__proto__` and `constructor.prototype` keys, and each
 * failure becomes a precise catalogue error (Fastify's own parser reports every case as "not valid JSON").
 */
import type { FastifyInstance } from 'fastify';
import sjson from 'secure-json-parse';
import { Errors } from './errors.js';

export function installJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(new Errors.MalformedJson('The body is empty but content-type is application/json.'), undefined);
    try {
      done(null, sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (err) {
      const msg = (err as Error).message;
      // secure-json-parse throws a SyntaxError for both cases; only its message tells them apart.
      if (/forbidden (prototype|constructor) property/i.test(msg)) {
        done(new Errors.ForbiddenKey(`The body holds a forbidden key: ${msg}.`), undefined);
      } else {
        done(new Errors.MalformedJson(`The body is not valid JSON: ${msg}.`), undefined);
      }
    }
  });
}
