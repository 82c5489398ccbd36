/**
 * Provisioning: create machines (provision.create) and take nodes out of service (decommission.execute) as
 * executions (202); read a provisioned resource (provision.status) and a node's decommissioning state
 * (decommission.status).
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ref } from '../capabilities/common.js';
import { DecommissionStatusParams, DecommissionStatusResult, ProvisionStatusParams, ProvisionStatusResult } from '../capabilities/provision.js';
import { problems, requestContext } from './common.js';
import { ACCEPTED_RESPONSES, IdempotencyHeader, firstHit, recordNotFound, submitCapability } from './record-common.js';
import { DecommissionExecuteRequest, ProvisionCreateRequest } from './record-schemas.js';

const accepted = { ...ACCEPTED_RESPONSES, ...problems(400, 404, 409, 413, 415, 429, 503) };

/** decommission.status params with the node name in the path as `id`. */
const NodeIdParam = Type.Object({ id: DecommissionStatusParams.properties.node });

export default async function provisioningRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/api/v1/provisioning', {
    schema: {
      operationId: 'createProvisionedResource', tags: ['records'], summary: 'Create a machine from a template (provision.create)',
      description: 'Submits provision.create on the targets that drive the provisioner (e.g. `localhost` for a local Terraform): 202 with the queued execution and a Location header. Each target result carries the ProvisionedResource as `value`.',
      headers: IdempotencyHeader, body: ref(ProvisionCreateRequest), response: accepted,
    },
  }, async (request, reply) => submitCapability(app, request, reply, 'provision.create', request.body));

  app.post('/api/v1/provisioning/decommission', {
    schema: {
      operationId: 'decommissionNodes', tags: ['records'], summary: 'Deregister, power off or destroy the target nodes (decommission.execute)',
      description: 'Submits decommission.execute on the nodes to decommission: 202 with the queued execution and a Location header.',
      headers: IdempotencyHeader, body: ref(DecommissionExecuteRequest), response: accepted,
    },
  }, async (request, reply) => submitCapability(app, request, reply, 'decommission.execute', request.body));

  app.get('/api/v1/provisioning/decommission/:id', {
    schema: {
      operationId: 'getDecommissionStatus', tags: ['records'], summary: 'Where a node stands in decommissioning (decommission.status)',
      description: 'The best provider answers; when it answers `unknown`, the other providers are asked.',
      params: NodeIdParam,
      response: { 200: ref(DecommissionStatusResult), ...problems(400, 503, 504) },
    },
  }, async (request, reply) => {
    type R = Static<typeof DecommissionStatusResult>;
    let last: R | undefined;
    const found = await firstHit<R>(app, requestContext(request, reply), 'decommission.status', { node: request.params.id }, (v) => { last = v; return v.status !== 'unknown'; });
    return (found ?? last)!;
  });

  app.get('/api/v1/provisioning/:id', {
    schema: {
      operationId: 'getProvisionedResource', tags: ['records'], summary: 'The state of a provisioned resource (provision.status)',
      description: 'The best provider answers; when it does not know the id, the other providers are asked. 404 when none knows it.',
      params: ref(ProvisionStatusParams),
      response: { 200: ref(ProvisionStatusResult), ...problems(400, 404, 503, 504) },
    },
  }, async (request, reply) => {
    const found = await firstHit<Static<typeof ProvisionStatusResult>>(app, requestContext(request, reply), 'provision.status', { id: request.params.id }, (v) => v.resource !== null);
    if (!found) throw recordNotFound('provisioned resource', request.params.id, 'provision.status');
    return found;
  });
}
