/**
 * Deployments: history over every deployment source (deploy.history), one deployment (deploy.status), and
 * deploy / roll back as executions on the targets (202).
 */
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ref } from '../capabilities/common.js';
import { DeployHistoryParams, DeployStatusParams, DeployStatusResult } from '../capabilities/deploy.js';
import type { Deployment } from '../capabilities/records.js';
import { problems, requestContext } from './common.js';
import { ACCEPTED_RESPONSES, IdempotencyHeader, aggregatePage, firstHit, recordNotFound, submitCapability } from './record-common.js';
import { DeployExecuteRequest, DeployRollbackRequest, DeploymentPage } from './record-schemas.js';

type DeploymentT = Static<typeof Deployment>;

const accepted = { ...ACCEPTED_RESPONSES, ...problems(400, 404, 409, 413, 415, 429, 503) };

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
      description: 'Submits deploy.execute through the execution engine: 202 with the queued execution, a Location header and links to follow it.',
      headers: IdempotencyHeader, body: ref(DeployExecuteRequest), response: accepted,
    },
  }, async (request, reply) => submitCapability(app, request, reply, 'deploy.execute', request.body));

  app.post('/api/v1/deployments/:id/rollback', {
    schema: {
      operationId: 'rollbackDeployment', tags: ['records'], summary: 'Roll the targets back from this deployment (deploy.rollback)',
      description: 'Submits deploy.rollback with `deploymentId` = the path id: 202 with the queued execution and a Location header.',
      params: ref(DeployStatusParams), headers: IdempotencyHeader, body: ref(DeployRollbackRequest), response: accepted,
    },
  }, async (request, reply) => {
    const { params, ...rest } = request.body;
    return submitCapability(app, request, reply, 'deploy.rollback', { ...rest, params: { ...params, deploymentId: request.params.id } });
  });
}
