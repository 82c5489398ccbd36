/**
 * Alerts from monitoring systems: a merged, paginated list over every source (alert.list), one alert
 * (alert.get), acknowledge and resolve it at the source that raised it, and webhook subscriptions.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ref } from '../capabilities/common.js';
import {
  AlertAcknowledgeResult, AlertGetParams, AlertGetResult, AlertListParams, AlertResolveResult, AlertSubscribeParams, AlertSubscribeResult,
} from '../capabilities/alert.js';
import type { Alert } from '../capabilities/records.js';
import { authorize, SYSTEM_PRINCIPAL } from '../core/permissions.js';
import type { ExecutionContext } from '../core/types.js';
import { problems, requestContext } from './common.js';
import { aggregatePage, firstHit, foldDeepObjectQuery, recordNotFound } from './record-common.js';
import { AlertAcknowledgeBody, AlertPage, AlertResolveBody } from './record-schemas.js';

type AlertT = Static<typeof Alert>;

/** Every field of the acknowledge and resolve bodies is optional: a bare POST means `{}`. */
async function emptyBodyIsEmptyObject(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}

export default async function alertRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  /** The alert as its source knows it (404 when none does): acknowledge and resolve go to that source. */
  async function locate(ctx: ExecutionContext, id: string): Promise<AlertT> {
    const found = await firstHit<Static<typeof AlertGetResult>>(app, ctx, 'alert.get', { id }, (v) => v.alert !== null);
    if (!found?.alert) throw recordNotFound('alert', id, 'alert.get');
    return found.alert;
  }

  /**
   * Calls a write capability at the alert's own source when it provides it, else at the best provider. The
   * caller needs that capability's permission only: finding the source is the server's own lookup.
   */
  async function atSource(ctx: ExecutionContext, capability: 'alert.acknowledge' | 'alert.resolve', params: Record<string, unknown>) {
    authorize(ctx.principal, app.registry.contract(capability));
    const id = String(params.id);
    const source = app.registry.providers('alert.get').length ? (await locate({ ...ctx, principal: SYSTEM_PRINCIPAL }, id)).source : undefined;
    const own = app.registry.available(capability).find((p) => p.plugin === source);
    const { value } = await app.registry.invoke(capability, params, ctx, { provider: own?.plugin, timeoutMs: app.config.capabilityTimeoutMs });
    return value;
  }

  app.get('/api/v1/alerts', {
    schema: {
      operationId: 'listAlerts', tags: ['records'], summary: 'Alerts of every monitoring source, newest first (alert.list)',
      description: 'Aggregates every provider: `sources` tells how each answered. Repeat `status` and `severity` for several values; `labels` is a deepObject (`labels[team]=infra`).',
      querystring: ref(AlertListParams),
      response: { 200: ref(AlertPage), ...problems(400, 503) },
    },
    preValidation: foldDeepObjectQuery('labels'),
  }, async (request, reply) => {
    const { cursor, ...params } = request.query;
    return aggregatePage<AlertT>(app, requestContext(request, reply), {
      capability: 'alert.list',
      params,
      cursor,
      read: (v) => { const r = v as { alerts: AlertT[]; nextCursor: string | null }; return { items: r.alerts, next: r.nextCursor }; },
      time: (a) => a.since,
    });
  });

  app.get('/api/v1/alerts/:id', {
    schema: {
      operationId: 'getAlert', tags: ['records'], summary: 'One alert with its labels, annotations and acknowledgement (alert.get)',
      description: 'The best provider answers; when it does not know the id, the other providers are asked. 404 when none knows it.',
      params: ref(AlertGetParams),
      response: { 200: ref(AlertGetResult), ...problems(400, 404, 503, 504) },
    },
  }, async (request, reply) => ({ alert: await locate(requestContext(request, reply), request.params.id) }));

  app.post('/api/v1/alerts/:id/acknowledge', {
    schema: {
      operationId: 'acknowledgeAlert', tags: ['records'], summary: 'Acknowledge an alert for a while (alert.acknowledge; a silence in Alertmanager)',
      description: 'Sent to the source that raised the alert; the caller is recorded as `acknowledgement.by`.',
      params: ref(AlertGetParams),
      body: ref(AlertAcknowledgeBody),
      response: { 200: ref(AlertAcknowledgeResult), ...problems(400, 404, 415, 503, 504) },
    },
    preValidation: emptyBodyIsEmptyObject,
  }, async (request, reply) => atSource(requestContext(request, reply), 'alert.acknowledge', { ...request.body, id: request.params.id }) as Promise<Static<typeof AlertAcknowledgeResult>>);

  app.post('/api/v1/alerts/:id/resolve', {
    schema: {
      operationId: 'resolveAlert', tags: ['records'], summary: 'Mark an alert resolved (alert.resolve)',
      description: 'Sent to the source that raised the alert.',
      params: ref(AlertGetParams),
      body: ref(AlertResolveBody),
      response: { 200: ref(AlertResolveResult), ...problems(400, 404, 415, 503, 504) },
    },
    preValidation: emptyBodyIsEmptyObject,
  }, async (request, reply) => atSource(requestContext(request, reply), 'alert.resolve', { ...request.body, id: request.params.id }) as Promise<Static<typeof AlertResolveResult>>);

  app.post('/api/v1/alerts/subscriptions', {
    schema: {
      operationId: 'createAlertSubscription', tags: ['records'], summary: 'Send new alerts matching a filter to a webhook receiver (alert.subscribe)',
      body: ref(AlertSubscribeParams),
      response: { 201: ref(AlertSubscribeResult), ...problems(400, 415, 503, 504) },
    },
  }, async (request, reply) => {
    const { value } = await app.registry.invoke('alert.subscribe', request.body, requestContext(request, reply), { timeoutMs: app.config.capabilityTimeoutMs });
    return reply.code(201).send(value as Static<typeof AlertSubscribeResult>);
  });
}
