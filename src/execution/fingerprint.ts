/**
 * The Idempotency-Key fingerprint of a submitted request: a SHA-256 of its canonical JSON, so the same key
 * with a different body (secrets included) is a conflict, whatever the order of object keys.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so key order never changes a fingerprint. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Hex SHA-256 of the canonical JSON of `v`. */
export function hash(v: unknown): string {
  return createHash('sha256').update(canonical(v)).digest('hex');
}
