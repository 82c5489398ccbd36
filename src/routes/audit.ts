/**
 * GET /api/v1/audit: the audit trail (src/audit), newest first, keyset pages, admin only (`*`): it names every
 * principal, address and token id.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { cursorParam, ref } from '../capabilities/common.js';
import { requireAdmin } from '../core/permissions.js';
import { decodeCursor, defaulted, encodeCursor, principalOf, problems } from './common.js';
import { AuditAction, AuditEventList, AuditOutcome } from './audit-schemas.js';

interface AuditQuery {
  limit: number;
  cursor?: string;
  action?: string;
  principal?: string;
  outcome?: string;
  since?: string;
  until?: string;
  executionId?: string;
}

/** Stored times are `toISOString()` (UTC, ms): a filter in another offset is compared in the same form. */
const utc = (t: string | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

export default async function auditRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/v1/audit', {
    schema: {
      operationId: 'listAuditEvents', tags: ['audit'], summary: 'The audit trail (admin): refusals, token changes, runs submitted and cancelled; newest first',
      description: 'Filters combine (AND). `since` is inclusive, `until` exclusive. The trail is append-only: records are never changed or removed through the API.',
      querystring: Type.Object({
        limit: defaulted(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        cursor: cursorParam(),
        action: Type.Optional(ref(AuditAction)),
        principal: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
        outcome: Type.Optional(ref(AuditOutcome)),
        since: Type.Optional(Type.String({ format: 'date-time' })),
        until: Type.Optional(Type.String({ format: 'date-time' })),
        executionId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
      }, { additionalProperties: false }),
      response: { 200: ref(AuditEventList), ...problems(400) },
    },
  }, async (request) => {
    requireAdmin(principalOf(request), 'read the audit trail');
    const q = request.query as AuditQuery;
    const filter = { action: q.action, principal: q.principal, outcome: q.outcome, executionId: q.executionId, since: utc(q.since), until: utc(q.until) };
    const rows = app.store.audit.list(filter, q.limit + 1, decodeCursor<number>(q.cursor, 'number'));
    const page = rows.slice(0, q.limit);
    return { items: page, nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1].seq) : null };
  });
}
