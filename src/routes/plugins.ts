/** GET /api/v1/plugins and /api/v1/plugins/{name}: state, health and capabilities of each plugin. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ref } from '../capabilities/common.js';
import { Errors } from '../core/errors.js';
import { pageByKey, problems, defaulted } from './common.js';
import { PluginInfo, PluginList } from './schemas.js';

export default async function pluginRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/v1/plugins', {
    schema: {
      operationId: 'listPlugins', tags: ['plugins'], summary: 'List plugins (by name)',
      querystring: Type.Object({ limit: defaulted(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })), cursor: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
      response: { 200: ref(PluginList), ...problems(400) },
    },
  }, async (request) => {
    const { limit, cursor } = request.query as { limit: number; cursor?: string };
    return pageByKey(app.integrations.list(), (p) => p.name, limit, cursor);
  });

  app.get('/api/v1/plugins/:name', {
    schema: {
      operationId: 'getPlugin', tags: ['plugins'], summary: 'One plugin',
      params: Type.Object({ name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' }) }),
      response: { 200: ref(PluginInfo), ...problems(400, 404) },
    },
  }, async (request) => {
    const { name } = request.params as { name: string };
    const p = app.integrations.get(name);
    if (!p) throw new Errors.PluginNotFound(`No plugin named '${name}' is loaded.`);
    return p;
  });
}
