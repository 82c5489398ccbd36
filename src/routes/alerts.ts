/**
 * Alerts from monitoring systems: a merged, paginated list over every source (alert.list), one alert
 * (alert.get), acknowledge and resolve it at the source that raised it, a node's alerts, an SSE stream of
 * alert changes of every source (alert.stream), and webhook subscriptions to those changes (alert.subscribe,
 * delivered by the core: src/alerts/).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ref } from '../capabilities/common.js';
import {
  AlertAcknowledgeResult, AlertChange, AlertGetParams, AlertGetResult, AlertListParams, AlertResolveResult, AlertStreamParams, AlertSubscribeParams,
  AlertSubscribeResult, AlertSubscription, type AlertStreamResult,
} from '../capabilities/alert.js';
import { compileAlertFilter, hostOf, type AlertChangeT, type AlertT } from '../capabilities/alert-source.js';
import { Errors, fieldError } from '../core/errors.js';
import { inventoryNamer } from '../alerts/node-names.js';
import { authorize, SYSTEM_PRINCIPAL } from '../core/permissions.js';
import type { ExecutionContext } from '../core/types.js';
import { sseResponse } from '../execution/sse.js';
import { CORE_ALERT_SOURCE, subscriptionView } from '../alerts/subscriptions.js';
import { principalOf, problems, requestContext } from './common.js';
import { lastEventIdHeader, startFollowing, STREAM_POLL_MS, type FollowedRecords } from './follow-sources.js';
import { aggregatePage, firstHit, foldDeepObjectQuery, recordNotFound } from './record-common.js';
import { AlertAcknowledgeBody, AlertPage, AlertResolveBody } from './record-schemas.js';
import { streamUnauthorized, ticketParam } from './stream-tickets.js';

/** Every field of the acknowledge and resolve bodies is optional: a bare POST means `{}`. */
async function emptyBodyIsEmptyObject(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}

const SourceQuery = Type.Object({
  source: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The source (plugin id) that raised the alert, when two sources use the same id; default: the first source that knows it.' })),
}, { additionalProperties: false });

const { node: _node, nodes: _nodes, cursor: _cursor, ...nodeListRest } = AlertListParams.properties;
const NodeAlertsQuery = Type.Object({ ...nodeListRest, cursor: AlertListParams.properties.cursor }, { additionalProperties: false, description: 'alert.list params but the node (the path names it).' });

const AlertsStreamQuerystring = Type.Object({
  ...AlertStreamParams.properties,
  follow: Type.Optional(Type.Boolean({ default: true, description: 'false: send what every source has after the cursor, then `event: caught_up` (its id is the cursor), and end.' })),
  ticket: ticketParam(),
}, { additionalProperties: false, description: AlertStreamParams.description });

const ALERTS: FollowedRecords<AlertChangeT> = {
  capability: 'alert.stream', eventName: 'alert', countName: 'changes', time: (c) => c.at,
  read: (v) => { const r = v as Static<typeof AlertStreamResult>; return { items: r.changes, cursor: r.cursor }; },
};

const SubscriptionId = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,15}$', description: 'Subscription id.' }) });
const SubscriptionList = Type.Object({ items: Type.Array(ref(AlertSubscription)) }, { description: 'Every subscription not deleted, oldest first.' });

export default async function alertRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const namer = inventoryNamer(app.inventory);

  /**
   * The alert as its source knows it; only `source` when given. 404 when every source answered and none knows
   * it; 503 naming the sources that failed when none that answered knows it but some could not be asked (the
   * alert may be theirs: a 404 would tell a script it is gone).
   */
  async function locate(ctx: ExecutionContext, id: string, source?: string): Promise<AlertT> {
    const providers = app.registry.providers('alert.get').map((p) => p.plugin);
    if (source !== undefined && !providers.includes(source)) {
      throw new Errors.Validation(`No alert source is named '${source}' (sources: ${providers.join(', ') || 'none'}).`, { extra: { errors: [fieldError('query', '/source', 'unknown alert source')] } });
    }
    const found = await firstHit<Static<typeof AlertGetResult>>(app, ctx, 'alert.get', { id }, (v) => v.alert !== null, source);
    if (found?.alert) return (await named(ctx, [found.alert]))[0];
    throw recordNotFound('alert', id, 'alert.get');
  }

  /** Alerts with their node as the inventory names it (an alias or address in a label becomes the name). */
  async function named(ctx: ExecutionContext, alerts: AlertT[]): Promise<AlertT[]> {
    if (!alerts.some((a) => a.node !== null)) return alerts;
    const name = await namer({ ...ctx, principal: SYSTEM_PRINCIPAL }).catch(() => (n: string) => n);
    return alerts.map((a) => (a.node === null || name(a.node) === a.node ? a : { ...a, node: name(a.node) }));
  }

  /**
   * Calls a write capability at the alert's own source. The caller needs that capability's permission only:
   * finding the source is the server's own lookup. A source that cannot do it answers 501 through the registry.
   */
  async function atSource(ctx: ExecutionContext, capability: 'alert.acknowledge' | 'alert.resolve', params: Record<string, unknown>, source?: string) {
    authorize(ctx.principal, app.registry.contract(capability));
    const owner = (await locate({ ...ctx, principal: SYSTEM_PRINCIPAL }, String(params.id), source)).source;
    const { value } = await app.registry.invoke(capability, params, ctx, { provider: owner, timeoutMs: app.config.capabilityTimeoutMs, paramsAt: { in: 'body', base: '' } });
    const { alert } = value as { alert: AlertT };
    return { alert: (await named(ctx, [alert]))[0] };
  }

  /** One merged page; matchers and the receiver regex are checked first (400), not by each source (a failed source on a 200). */
  async function page(ctx: ExecutionContext, params: Record<string, unknown>, cursor?: string) {
    compileAlertFilter(params);
    const merged = await aggregatePage<AlertT>(app, ctx, {
      capability: 'alert.list', params, cursor,
      read: (v) => { const r = v as { alerts: AlertT[]; nextCursor: string | null; total?: number }; return { items: r.alerts, next: r.nextCursor, total: r.total }; },
      time: (a) => a.since,
    });
    return { ...merged, items: await named(ctx, merged.items) };
  }

  app.get('/api/v1/alerts', {
    schema: {
      operationId: 'listAlerts', tags: ['records'], summary: 'Alerts of every monitoring source, newest first (alert.list)',
      description: 'Aggregates every source (Alertmanager, Nagios, Icinga, Grafana, Datadog, ...) in one Alert shape: `sources` tells how each answered; a failing source never fails the page. '
        + 'Repeat `state`, `severity` and `matchers` for several values; `labels` is a deepObject (`labels[team]=infra`). Default states: every state but resolved.',
      querystring: ref(AlertListParams),
      response: { 200: ref(AlertPage), ...problems(400, 503) },
    },
    preValidation: foldDeepObjectQuery('labels'),
  }, async (request, reply) => {
    const { cursor, ...params } = request.query;
    return page(requestContext(request, reply), params, cursor);
  });

  app.get('/api/v1/nodes/:id/alerts', {
    schema: {
      operationId: 'listNodeAlerts', tags: ['nodes'], summary: 'Alerts about one node, of every monitoring source (alert.list with node)',
      description: 'The node is looked up in the inventory (by name or alias; 404 when unknown); alerts whose source names it by its name, an alias or its address (the host of its `uri`) are listed (each source links alerts to nodes through its own label or host name, see the plugin READMEs), with the inventory\'s name as `node`.',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 255 }) }),
      querystring: NodeAlertsQuery,
      response: { 200: ref(AlertPage), ...problems(400, 404, 503) },
    },
    preValidation: foldDeepObjectQuery('labels'),
  }, async (request, reply) => {
    const ctx = requestContext(request, reply);
    authorize(ctx.principal, app.registry.contract('alert.list'));
    const { node } = await app.inventory.node(request.params.id, { ...ctx, principal: SYSTEM_PRINCIPAL });
    const { cursor, ...params } = request.query;
    // Sources name the node their own way: its name or any of its aliases (an address, a short name).
    const address = node.uri ? hostOf(node.uri.includes('://') ? node.uri : `ssh://${node.uri}`) : undefined;
    return page(ctx, { ...params, nodes: [...new Set([node.name, ...(node.alias ?? []), ...(address ? [address] : [])])].slice(0, 100) }, cursor);
  });

  app.get('/api/v1/alerts/stream', {
    schema: {
      operationId: 'streamAlerts', tags: ['records'],
      summary: 'Server-sent events: alert changes of every source as they happen (alert.stream), resumable with Last-Event-ID',
      description: `Polls every alert.stream source from its own cursor (every ${STREAM_POLL_MS} ms; each source looks at its monitoring system at most every few seconds) and pushes each change `
        + '(an alert appearing, changing state, or ending as `resolved`), oldest first, as `event: alert` with an AlertChange as data and the stream cursor as `id:`; reconnect with '
        + 'Last-Event-ID (or ?after=) to get only newer changes. Without a cursor the stream starts from now. With ?follow=false it ends after `event: caught_up`. '
        + '`event: source_status` reports a source failing or recovering; `: heartbeat` comments keep the connection alive.',
      querystring: AlertsStreamQuerystring,
      headers: lastEventIdHeader('alert change'),
      response: { 200: sseResponse(ref(AlertChange)), ...problems(400, 503), ...streamUnauthorized() },
    },
  }, async (request, reply) => {
    const { after, follow = true, ticket: _credential, ...base } = request.query;
    compileAlertFilter(base);
    return startFollowing(app, request, reply, ALERTS, { base, after, follow });
  });

  app.get('/api/v1/alerts/:id', {
    schema: {
      operationId: 'getAlert', tags: ['records'], summary: 'One alert with its labels, annotations and acknowledgement (alert.get)',
      description: 'The best source answers; when it does not know the id, the other sources are asked (or only `source`). 404 when none knows it.',
      params: ref(AlertGetParams),
      querystring: SourceQuery,
      response: { 200: ref(AlertGetResult), ...problems(400, 404, 502, 503, 504) },
    },
  }, async (request, reply) => ({ alert: await locate(requestContext(request, reply), request.params.id, request.query.source) }));

  app.post('/api/v1/alerts/:id/acknowledge', {
    schema: {
      operationId: 'acknowledgeAlert', tags: ['records'], summary: 'Acknowledge an alert for a while where it lives (alert.acknowledge)',
      description: 'Sent to the source that raised the alert (an Alertmanager or Grafana silence, a Nagios or Icinga acknowledgement, a Datadog mute); the caller is recorded as `acknowledgement.by`. '
        + 'With `downtime: true` a downtime of the same length is scheduled too where the source has downtimes.',
      params: ref(AlertGetParams),
      querystring: SourceQuery,
      body: ref(AlertAcknowledgeBody),
      response: { 200: ref(AlertAcknowledgeResult), ...problems(400, 404, 409, 415, 502, 503, 504) },
    },
    preValidation: emptyBodyIsEmptyObject,
  }, async (request, reply) => atSource(requestContext(request, reply), 'alert.acknowledge', { ...request.body, id: request.params.id }, request.query.source) as Promise<Static<typeof AlertAcknowledgeResult>>);

  app.post('/api/v1/alerts/:id/resolve', {
    schema: {
      operationId: 'resolveAlert', tags: ['records'], summary: 'Resolve an alert where it lives (alert.resolve)',
      description: 'Sent to the source that raised the alert: Capstan\'s acknowledgement is taken back (silence expired, acknowledgement removed, mute lifted) or, where the source allows it, the alert is ended.',
      params: ref(AlertGetParams),
      querystring: SourceQuery,
      body: ref(AlertResolveBody),
      response: { 200: ref(AlertResolveResult), ...problems(400, 404, 409, 415, 502, 503, 504) },
    },
    preValidation: emptyBodyIsEmptyObject,
  }, async (request, reply) => atSource(requestContext(request, reply), 'alert.resolve', { ...request.body, id: request.params.id }, request.query.source) as Promise<Static<typeof AlertResolveResult>>);

  app.post('/api/v1/alerts/subscriptions', {
    schema: {
      operationId: 'createAlertSubscription', tags: ['records'], summary: 'Send alert changes of every source matching a filter to a webhook (alert.subscribe)',
      description: 'Capstan follows every source\'s changes (alerts.followIntervalMs) and POSTs `{ subscription, changes: AlertChange[] }` to the receiver, in order, retrying with backoff; '
        + 'deliveries survive restarts. With `secret`, each carries `X-Capstan-Signature: sha256=<HMAC-SHA256 of the body>`.',
      body: ref(AlertSubscribeParams),
      response: { 201: ref(AlertSubscribeResult), ...problems(400, 415, 503, 504) },
    },
  }, async (request, reply) => {
    const { value } = await app.registry.invoke('alert.subscribe', request.body, requestContext(request, reply), {
      provider: CORE_ALERT_SOURCE, timeoutMs: app.config.capabilityTimeoutMs, paramsAt: { in: 'body', base: '' },
    });
    const created = value as Static<typeof AlertSubscribeResult>;
    return reply.code(201).header('location', `/api/v1/alerts/subscriptions/${created.subscription.id}`).send(created);
  });

  app.get('/api/v1/alerts/subscriptions', {
    schema: {
      operationId: 'listAlertSubscriptions', tags: ['records'], summary: 'Alert webhook subscriptions and how their deliveries go',
      description: 'Needs the permission of alert.subscribe (receiver URLs may carry credentials). Secrets are never answered.',
      response: { 200: SubscriptionList, ...problems() },
    },
  }, async (request) => {
    authorize(principalOf(request), app.registry.contract('alert.subscribe'));
    const repo = app.store.alertSubscriptions;
    return { items: repo.active().map((s) => subscriptionView(s, repo.pending(s.id))) };
  });

  app.get('/api/v1/alerts/subscriptions/:id', {
    schema: {
      operationId: 'getAlertSubscription', tags: ['records'], summary: 'One alert webhook subscription',
      params: SubscriptionId,
      response: { 200: ref(AlertSubscription), ...problems(400, 404) },
    },
  }, async (request) => {
    authorize(principalOf(request), app.registry.contract('alert.subscribe'));
    const row = app.store.alertSubscriptions.get(Number(request.params.id));
    if (!row || row.deletedAt) throw new Errors.RecordNotFound(`No alert subscription has id '${request.params.id}'.`, { extra: { id: request.params.id } });
    return subscriptionView(row, app.store.alertSubscriptions.pending(row.id));
  });

  app.delete('/api/v1/alerts/subscriptions/:id', {
    schema: {
      operationId: 'deleteAlertSubscription', tags: ['records'], summary: 'Stop an alert webhook subscription (its pending deliveries are dropped)',
      params: SubscriptionId,
      response: { 204: Type.Null({ description: 'Deleted.' }), ...problems(400, 404, 503) },
    },
  }, async (request, reply) => {
    authorize(principalOf(request), app.registry.contract('alert.subscribe'));
    app.storeGuard.assertWritable();
    let deleted: boolean;
    try {
      deleted = app.store.alertSubscriptions.delete(Number(request.params.id), new Date().toISOString());
    } catch (err) {
      throw app.storeGuard.translate(err);
    }
    if (!deleted) {
      throw new Errors.RecordNotFound(`No alert subscription has id '${request.params.id}'.`, { extra: { id: request.params.id } });
    }
    return reply.code(204).send(null);
  });
}
