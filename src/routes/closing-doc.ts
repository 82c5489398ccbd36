/**
 * Documents the 503 that every request may get while the server shuts down (core/closing.ts answers it before
 * any route runs): a problem with `Retry-After`. Without it, a validating proxy (Prism `--errors`) would turn
 * that answer into its own 500, and generated clients would not type it.
 */
import type { RouteOptions } from 'fastify';
import { problems } from './common.js';

type Responses = Record<string | number, unknown>;

/** onRoute hook: adds the closing 503 to a documented route, next to the 503 it may already have. */
export function documentServerClosing(route: RouteOptions): void {
  const schema = route.schema as (Record<string, unknown> & { response?: Responses }) | undefined;
  // Routes without a schema (Swagger UI's) or hidden ones are not in the document.
  if (!schema || schema.hide) return;
  const response = (schema.response ??= {});
  const closing = (problems(503) as unknown as Responses)[503] as { headers: object; content: Record<string, unknown> };
  const existing = response[503] as Record<string, unknown> | undefined;
  if (!existing) {
    response[503] = { ...closing, description: 'The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted.' };
    return;
  }
  if ('content' in existing) {
    const content = existing.content as Record<string, unknown>;
    if (!content['application/problem+json']) content['application/problem+json'] = closing.content['application/problem+json'];
    return;
  }
  // A plain schema (the readiness probe's Health): the same answer as application/json, and the closing problem.
  response[503] = {
    description: `${String(existing.description ?? 'Unavailable')}; while the server shuts down, a problem with Retry-After (CAPSTAN_ERR_SERVER_CLOSING).`,
    headers: closing.headers,
    content: { 'application/json': { schema: existing }, 'application/problem+json': closing.content['application/problem+json'] },
  };
}
