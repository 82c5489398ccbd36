/**
 * The capability catalog and direct invocation. A query capability answers in the request (one provider, or
 * every provider with ?all=true); an execution capability is submitted to the ExecutionService (202).
 */
import type { FastifyInstance } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { anyObject, ref } from '../capabilities/common.js';
import { authorize } from '../core/permissions.js';
import type { CapabilityContract } from '../core/types.js';
import { pageByKey, principalOf, problems, requestContext, defaulted } from './common.js';
import { ACCEPTED_RESPONSES, EXECUTION_LINKS, IdempotencyHeader, sendAccepted, submitFromRequest } from './execution-submit.js';
import { AggregateResult, CapabilityInfo, CapabilityList, Execution, InvokeResult } from './schemas.js';

const NameParam = Type.Object({ name: Type.String({ maxLength: 100, description: 'Capability name, e.g. inventory.list.' }) });

export default async function capabilityRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const info = (c: CapabilityContract) => ({
    name: c.name, category: c.category, description: c.description, mode: c.mode, riskLevel: c.riskLevel,
    requiredPermissions: c.requiredPermissions,
    providers: app.registry.providers(c.name).map((p) => ({ plugin: p.plugin, priority: p.priority, available: p.isAvailable() })),
    paramsSchema: String((c.params as TSchema).$id ?? ''), resultSchema: String((c.result as TSchema).$id ?? ''),
  });

  app.get('/api/v1/capabilities', {
    schema: {
      operationId: 'listCapabilities', tags: ['capabilities'], summary: 'The capability catalog with providers by priority',
      querystring: Type.Object({
        provided: Type.Optional(Type.Boolean({ description: 'Only capabilities with at least one provider.' })),
        limit: defaulted(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        cursor: Type.Optional(Type.String({ maxLength: 200 })),
      }, { additionalProperties: false }),
      response: { 200: ref(CapabilityList), ...problems(400) },
    },
  }, async (request) => {
    const items = app.registry.contractsList().map(info);
    const wanted = request.query.provided ? items.filter((i) => i.providers.length > 0) : items;
    return pageByKey(wanted, (c) => c.name, request.query.limit, request.query.cursor);
  });

  app.get('/api/v1/capabilities/:name', {
    schema: {
      operationId: 'getCapability', tags: ['capabilities'], summary: 'One capability', params: NameParam,
      response: { 200: ref(CapabilityInfo), ...problems(404) },
    },
  }, async (request) => info(app.registry.contract(request.params.name)));

  app.post('/api/v1/capabilities/:name/invoke', {
    schema: {
      operationId: 'invokeCapability', tags: ['capabilities'],
      summary: 'Invoke any capability: queries answer 200, execution capabilities ({targets, params}) answer 202',
      description: 'For a query the body is its params. For an execution-mode capability the body is `{ "targets": [...], "params": {...}, "timeoutSeconds"? }` and the answer is the queued execution.',
      params: NameParam,
      headers: IdempotencyHeader,
      querystring: Type.Object({
        provider: Type.Optional(Type.String({ description: 'Ask this plugin only.' })),
        all: Type.Optional(Type.Boolean({ description: 'Ask every provider and aggregate, with per-source status.' })),
      }, { additionalProperties: false }),
      body: anyObject(),
      response: { 200: Type.Union([ref(InvokeResult), ref(AggregateResult), ref(Execution)], { description: 'A query answer, an aggregate, or (Idempotency-Key replay of an execution capability) the original execution.' }), 202: ACCEPTED_RESPONSES[202], ...problems(400, 404, 409, 429, 503, 504) },
    },
    links: { 202: EXECUTION_LINKS },
  }, async (request, reply) => {
    const name = request.params.name;
    const contract = app.registry.contract(name);
    // The permission first: a caller without it learns nothing of the providers (403, not 503).
    authorize(principalOf(request), contract);
    app.registry.available(name, request.query.provider);
    if (contract.mode === 'execution') {
      const body = request.body as { targets?: string[]; params?: Record<string, unknown>; timeoutSeconds?: number };
      return sendAccepted(app, reply, await submitFromRequest(app, request, {
        capability: name, targets: body.targets ?? [], params: body.params ?? {}, timeoutSeconds: body.timeoutSeconds, provider: request.query.provider,
      }));
    }
    const ctx = requestContext(request, reply);
    if (request.query.all) {
      const { results, sources } = await app.registry.invokeAll(name, request.body, ctx, { timeoutMs: app.config.capabilityTimeoutMs });
      return { capability: name, items: results.map((r) => ({ source: r.source, result: r.value })), sources };
    }
    const { provider, value } = await app.registry.invoke(name, request.body, ctx, { provider: request.query.provider, timeoutMs: app.config.capabilityTimeoutMs });
    return { capability: name, provider, result: value };
  });
}
