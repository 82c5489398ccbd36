/**
 * No JSON answer holds a lone UTF-16 surrogate, whatever its source: input is refused at the parser, but
 * rows stored before that rule, and values plugins return (a tool's JSON may carry `"\ud800"`), could still
 * hold one, and JSON.stringify would write it as a `\ud800` escape that strict parsers (jq 1.6) reject.
 * Each lone surrogate is answered as U+FFFD instead. SSE frames get the same through stringifyWellFormed.
 */
import type { FastifyInstance } from 'fastify';
import { wellFormed } from './json-text.js';

/** Adds the root preSerialization hook (before the routes, so every route and the error handler get it). */
export function installWellFormedOutput(app: FastifyInstance): void {
  app.addHook('preSerialization', (_request, _reply, payload, done) => {
    done(null, wellFormed(payload));
  });
}
