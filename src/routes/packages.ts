/**
 * Packages: what a node has installed (package.list) and what the repositories offer (package.search), both
 * over every source; install, uninstall and update run on targets as executions (202).
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ref } from '../capabilities/common.js';
import { PackageListParams, PackageSearchParams, type PackageListResult, type PackageSearchResult } from '../capabilities/package.js';
import type { Package } from '../capabilities/records.js';
import { Errors, errorOfCode, fieldError } from '../core/errors.js';
import type { SourceStatus } from '../core/registry.js';
import { PACKAGE_SOURCE } from '../packages/provider.js';
import { problems, requestContext } from './common.js';
import { ACCEPTED_RESPONSES, IdempotencyHeader, fanOut, submitCapability } from './record-common.js';
import { PackageInstallRequest, PackagePage, PackageSearchPage, PackageUninstallRequest, PackageUpdateRequest } from './record-schemas.js';

type PackageT = Static<typeof Package>;

/** package.search params with `query` spelled `q`, as search boxes send it. */
const SearchQuerystring = Type.Object({
  q: PackageSearchParams.properties.query,
  node: PackageSearchParams.properties.node,
  limit: PackageSearchParams.properties.limit,
}, { additionalProperties: false, description: 'package.search params; `q` is its `query`.' });

const EXECUTIONS = [
  { verb: 'install', capability: 'package.install', body: PackageInstallRequest, operationId: 'installPackages', summary: 'Install packages on the targets (package.install)' },
  { verb: 'uninstall', capability: 'package.uninstall', body: PackageUninstallRequest, operationId: 'uninstallPackages', summary: 'Remove packages from the targets (package.uninstall)' },
  { verb: 'update', capability: 'package.update', body: PackageUpdateRequest, operationId: 'updatePackages', summary: 'Upgrade packages on the targets (package.update)' },
] as const;

/**
 * A read about a node no source knows is a 404, not an empty 200: when nothing was found and a source said
 * it knows no such node (the package provider asks the inventory), while every other source answered (with
 * nothing) or said the same. A source that could not answer leaves the answer a 200 naming it in `sources`.
 */
function unknownNode(node: string | undefined, found: number, sources: SourceStatus[]): void {
  const notFound = (s: SourceStatus) => s.error?.code === 'CAPSTAN_ERR_NODE_NOT_FOUND';
  if (node === undefined || found > 0 || !sources.some(notFound) || !sources.every((s) => s.status === 'ok' || notFound(s))) return;
  throw new Errors.NodeNotFound(`No source knows a node named '${node}'.`, { extra: { node, sources } });
}

/**
 * A source that refused the request itself (a query its manager cannot run, such as Chocolatey searching for
 * words with spaces) makes the whole answer that 4xx: the same request would fail again anywhere.
 */
function refusedBySource(sources: SourceStatus[]): void {
  const bad = sources.find((s) => s.error?.category === 'validation');
  if (bad?.error) throw errorOfCode(bad.error.code, `${bad.source}: ${bad.error.detail}`);
}

export default async function packageRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/v1/packages', {
    schema: {
      operationId: 'listPackages', tags: ['records'], summary: 'Packages installed on a node, as every package source reports them (package.list)',
      description: 'Aggregates every provider: each item names its `source`; `sources` tells how each answered. Not paginated (`nextCursor` is null).',
      querystring: ref(PackageListParams),
      response: { 200: ref(PackagePage), ...problems(400, 404, 503) },
    },
  }, async (request, reply) => {
    const { results, sources } = await fanOut(app, 'package.list', requestContext(request, reply), request.query);
    refusedBySource(sources);
    const items = results.flatMap((r) => (r.value as Static<typeof PackageListResult>).packages);
    unknownNode(request.query.node, items.length, sources);
    // Sorted by name; for one name, sources keep their priority order (stable sort).
    items.sort((a, b) => a.name.localeCompare(b.name));
    return { node: request.query.node, items, nextCursor: null, sources };
  });

  app.get('/api/v1/packages/search', {
    schema: {
      operationId: 'searchPackages', tags: ['records'], summary: 'Search the package repositories by name (package.search)',
      description: 'Asks every provider; answers at most `limit` packages, sources in priority order, each item naming its `source`. Not paginated.',
      querystring: SearchQuerystring,
      response: { 200: ref(PackageSearchPage), ...problems(400, 404, 503) },
    },
  }, async (request, reply) => {
    const { q, ...rest } = request.query;
    const params = { ...rest, query: q };
    // The package provider searches a node's own repositories: without `node` only the other sources are asked.
    let perSource: Map<string, Record<string, unknown>> | undefined;
    if (!rest.node) {
      const others = app.registry.providers('package.search').filter((p) => p.plugin !== PACKAGE_SOURCE);
      if (others.length === 0 && app.registry.providers('package.search').length > 0) {
        throw new Errors.Validation('No package source can search without a node: name the node whose repositories to search (`node`).', {
          extra: { errors: [fieldError('query', '/node', 'required: searching runs on a node through remote execution')] },
        });
      }
      if (others.length) perSource = new Map(others.map((p) => [p.plugin, { ...params }]));
    }
    const { results, sources } = await fanOut(app, 'package.search', requestContext(request, reply), params, perSource);
    refusedBySource(sources);
    const items: PackageT[] = results.flatMap((r) => (r.value as Static<typeof PackageSearchResult>).packages).slice(0, rest.limit ?? 100);
    unknownNode(rest.node, items.length, sources);
    return { items, nextCursor: null, sources };
  });

  for (const e of EXECUTIONS) {
    app.post(`/api/v1/packages/${e.verb}`, {
      schema: {
        operationId: e.operationId, tags: ['records'], summary: e.summary,
        description: `Submits ${e.capability} through the execution engine: 202 with the queued execution, a Location header and links to follow it.`,
        headers: IdempotencyHeader, body: ref(e.body),
        response: { ...ACCEPTED_RESPONSES, ...problems(400, 404, 409, 413, 415, 429, 503) },
      },
    }, async (request, reply) => submitCapability(app, request, reply, e.capability, request.body as Static<typeof e.body>));
  }
}
