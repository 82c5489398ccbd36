/**
 * Deployments: history over every deployment source (deploy.history), one deployment (deploy.status), and
 * deploy / roll back as executions on the targets (202).
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { Errors, fieldError } from '../core/errors.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ref } from '../capabilities/common.js';
import { DeployHistoryParams, DeployStatusParams, DeployStatusResult } from '../capabilities/deploy.js';
import type { Deployment } from '../capabilities/records.js';
import { problems, requestContext } from './common.js';
import { ACCEPTED_RESPONSES, IdempotencyHeader, aggregatePage, firstHit, recordNotFound, submitCapability } from './record-common.js';
import { DeployExecuteRequest, DeployRollbackRequest, DeploymentPage } from './record-schemas.js';

type DeploymentT = Static<typeof Deployment>;

const accepted = { ...ACCEPTED_RESPONSES, ...problems(400, 404, 409, 413, 415, 429, 503) };

const DeploySourceQuery = Type.Object({
  source: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The deployment source (plugin id: jenkins, gitlab, github-actions, ...) to deploy with; required when several are enabled.' })),
}, { additionalProperties: false });

/**
 * The plugin a deploy goes to: `source` when given (the engine answers 404 / 503 for one that is not an
 * enabled, available provider), else the only deployment source enabled. Several and none named is a 400:
 * a deploy never goes to whichever CI/CD tool happens to rank first.
 */
function deploySource(app: FastifyInstance, source: string | undefined): string | undefined {
  if (source !== undefined) return source;
  const plugins = app.registry.providers('deploy.execute').map((p) => p.plugin);
  // One source (or none: the engine's 501): the engine picks it, as for any run.
  if (plugins.length <= 1) return undefined;
  throw new Errors.Validation(`Several deployment sources are enabled (${plugins.join(', ')}): name the one to deploy with in \`source\`.`, {
    extra: { errors: [fieldError('query', '/source', `required: one of ${plugins.join(', ')}`)] },
  });
}

/** The source that owns a deployment id (`<plugin id>.<...>`); the only rollback source when the id names none. */
function rollbackSource(app: FastifyInstance, id: string): string | undefined {
  const plugins = app.registry.providers('deploy.rollback').map((p) => p.plugin);
  const owner = plugins.filter((p) => id.startsWith(`${p}.`)).sort((a, b) => b.length - a.length)[0];
  if (owner || plugins.length <= 1) return owner;
  throw recordNotFound('deployment', id, 'deploy.rollback');
}

export default async function deploymentRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/v1/deployments', {
    schema: {
      operationId: 'listDeployments', tags: ['records'], summary: 'Past deployments of every deployment source, newest first (deploy.history)',
      description: 'Aggregates every provider: `sources` tells how each answered; one failing source never fails the call. `cursor` is the opaque `nextCursor` of the previous page.',
      querystring: ref(DeployHistoryParams),
      response: { 200: ref(DeploymentPage), ...problems(400, 503) },
    },
  }, async (request, reply) => {
    const { cursor, ...params } = request.query;
    return aggregatePage<DeploymentT>(app, requestContext(request, reply), {
      capability: 'deploy.history',
      params,
      cursor,
      read: (v) => { const r = v as { deployments: DeploymentT[]; nextCursor: string | null }; return { items: r.deployments, next: r.nextCursor }; },
      time: (d) => d.startedAt,
    });
  });

  app.get('/api/v1/deployments/:id', {
    schema: {
      operationId: 'getDeployment', tags: ['records'], summary: 'The state of one deployment (deploy.status)',
      description: 'The best provider answers; when it does not know the id, the other providers are asked. 404 when none knows it.',
      params: ref(DeployStatusParams),
      response: { 200: ref(DeployStatusResult), ...problems(400, 404, 503, 504) },
    },
  }, async (request, reply) => {
    const found = await firstHit<Static<typeof DeployStatusResult>>(app, requestContext(request, reply), 'deploy.status', { id: request.params.id }, (v) => v.deployment !== null);
    if (!found) throw recordNotFound('deployment', request.params.id, 'deploy.status');
    return found;
  });

  app.post('/api/v1/deployments', {
    schema: {
      operationId: 'createDeployment', tags: ['records'], summary: 'Deploy an application version to the targets (deploy.execute)',
      description: 'Submits deploy.execute through the execution engine: 202 with the queued execution, a Location header and links to follow it. One pipeline (build, workflow run) of the source runs per execution; the targets are the nodes it deploys to (its journal entries). With several deployment sources enabled, `source` names the one to use (400 without it).',
      querystring: DeploySourceQuery, headers: IdempotencyHeader, body: ref(DeployExecuteRequest), response: accepted,
    },
  }, async (request, reply) => submitCapability(app, request, reply, 'deploy.execute', request.body, deploySource(app, request.query.source)));

  app.post('/api/v1/deployments/:id/rollback', {
    schema: {
      operationId: 'rollbackDeployment', tags: ['records'], summary: 'Roll the targets back from this deployment (deploy.rollback)',
      description: 'Submits deploy.rollback with `deploymentId` = the path id: 202 with the queued execution and a Location header. The source that owns the id runs it (a deployment id begins with its source\'s plugin id and a dot, `gitlab.4411.7702`); 404 when no enabled source owns it.',
      params: ref(DeployStatusParams), headers: IdempotencyHeader, body: ref(DeployRollbackRequest), response: accepted,
    },
  }, async (request, reply) => {
    const { params, ...rest } = request.body;
    return submitCapability(app, request, reply, 'deploy.rollback', { ...rest, params: { ...params, deploymentId: request.params.id } }, rollbackSource(app, request.params.id));
  });
}
