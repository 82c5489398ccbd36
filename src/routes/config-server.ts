/**
 * The configuration server (configserver.*) and its CA (certificate.*) as read resources. Each route is one
 * capability of the best available provider; the changes (compile, flush, sign, revoke, clean) are invoked
 * through POST /api/v1/capabilities/{name}/invoke, where the catalog documents their params and risk.
 */
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ref } from '../capabilities/common.js';
import { CertificateListParams, CertificateListResult } from '../capabilities/certificate.js';
import {
  ConfigServerEnvironmentsParams, ConfigServerEnvironmentsResult, ConfigServerStatusResult,
} from '../capabilities/configserver.js';
import { problems, requestContext } from './common.js';

export default async function configServerRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // The registry checked the value against the contract's result schema: the cast states what it proved.
  const invoke = async <T>(name: string, params: object, ctx: ReturnType<typeof requestContext>) =>
    (await app.registry.invoke(name, params, ctx, { timeoutMs: app.config.capabilityTimeoutMs })).value as T;

  app.get('/api/v1/config-server/status', {
    schema: {
      operationId: 'getConfigServerStatus', tags: ['configserver'],
      summary: 'Health of the configuration server: services, their state, the compiler pool (configserver.status)',
      response: { 200: ref(ConfigServerStatusResult), ...problems(503, 504) },
    },
  }, async (request, reply) => invoke<Static<typeof ConfigServerStatusResult>>('configserver.status', {}, requestContext(request, reply)));

  app.get('/api/v1/config-server/environments', {
    schema: {
      operationId: 'listConfigServerEnvironments', tags: ['configserver'],
      summary: 'Code environments with their settings, classes and modules (configserver.environments)',
      description: 'With `environment`, that one only (404 `CAPSTAN_ERR_ENVIRONMENT_NOT_FOUND` when unknown).',
      querystring: ref(ConfigServerEnvironmentsParams),
      response: { 200: ref(ConfigServerEnvironmentsResult), ...problems(400, 404, 503, 504) },
    },
  }, async (request, reply) => invoke<Static<typeof ConfigServerEnvironmentsResult>>('configserver.environments', request.query, requestContext(request, reply)));

  app.get('/api/v1/certificates', {
    schema: {
      operationId: 'listCertificates', tags: ['configserver'],
      summary: 'Node certificates and pending requests of the CA (certificate.list)',
      querystring: ref(CertificateListParams),
      response: { 200: ref(CertificateListResult), ...problems(400, 503, 504) },
    },
  }, async (request, reply) => invoke<Static<typeof CertificateListResult>>('certificate.list', request.query, requestContext(request, reply)));
}
