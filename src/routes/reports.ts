/**
 * Configuration-management run reports: one merged, paginated list over every reports source (reports.list,
 * or reports.query as soon as a query criterion is given) and one report in full (reports.get).
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ref } from '../capabilities/common.js';
import type { Report } from '../capabilities/records.js';
import { ReportsGetParams, ReportsGetResult, ReportsListParams, ReportsQueryParams } from '../capabilities/reports.js';
import { problems, requestContext } from './common.js';
import { aggregatePage, firstHit, recordNotFound } from './record-common.js';
import { ReportPage } from './record-schemas.js';

type ReportT = Static<typeof Report>;

/** The keys only reports.query knows; any of them switches the list to reports.query. */
const QUERY_KEYS = Object.keys(ReportsQueryParams.properties).filter((k) => !(k in ReportsListParams.properties));

/** Both contracts' params as one querystring (each property is the contract's own schema). */
const ReportsQuerystring = Type.Object({ ...ReportsListParams.properties, ...ReportsQueryParams.properties }, {
  additionalProperties: false,
  description: `The params of reports.list (node, limit, cursor); with any of ${QUERY_KEYS.join(', ')}, those of reports.query (node is then added to nodes).`,
});

export default async function reportRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/v1/reports', {
    schema: {
      operationId: 'listReports', tags: ['records'],
      summary: 'Run reports of every reports source, newest first (reports.list, or reports.query with query criteria)',
      description: 'Aggregates every provider: `sources` tells how each answered; one failing source never fails the call. `cursor` is the opaque `nextCursor` of the previous page.',
      querystring: ReportsQuerystring,
      response: { 200: ref(ReportPage), ...problems(400, 503) },
    },
  }, async (request, reply) => {
    const { cursor, node, nodes, ...rest } = request.query;
    const query = QUERY_KEYS.some((k) => (request.query as Record<string, unknown>)[k] !== undefined);
    const params: Record<string, unknown> = query
      ? { ...rest, ...(node || nodes ? { nodes: [...new Set([...(nodes ?? []), ...(node ? [node] : [])])] } : {}) }
      : { limit: rest.limit, ...(node ? { node } : {}) };
    return aggregatePage<ReportT>(app, requestContext(request, reply), {
      capability: query ? 'reports.query' : 'reports.list',
      params,
      cursor,
      read: (v) => { const r = v as { reports: ReportT[]; nextCursor: string | null; total?: number }; return { items: r.reports, next: r.nextCursor, total: r.total }; },
      time: (r) => r.startTime,
    });
  });

  app.get('/api/v1/reports/:id', {
    schema: {
      operationId: 'getReport', tags: ['records'], summary: 'One report with its logs and resource events (reports.get)',
      description: 'The best provider answers; when it does not know the id, the other providers are asked. 404 when none knows it.',
      params: ref(ReportsGetParams),
      response: { 200: ref(ReportsGetResult), ...problems(400, 404, 503, 504) },
    },
  }, async (request, reply) => {
    const found = await firstHit<Static<typeof ReportsGetResult>>(app, requestContext(request, reply), 'reports.get', { id: request.params.id }, (v) => v.report !== null);
    if (!found) throw recordNotFound('report', request.params.id, 'reports.get');
    return found;
  });
}
