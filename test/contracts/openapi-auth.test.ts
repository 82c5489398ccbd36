/**
 * What the OpenAPI document says about authentication, the problem `type` base and the operational routes
 * (issue 13, items 5, 7 and 8): the bearer scheme, `security` on every /api operation and none elsewhere,
 * 401/403 problem responses, /metrics and /openapi.json documented, /docs named as out of the contract.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { PROBLEM_TYPE_BASE } from '../../src/core/errors.js';

const doc = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'openapi', 'openapi.json'), 'utf8'));
const ops = Object.entries(doc.paths as Record<string, Record<string, any>>)
  .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));

t.test('a bearer securityScheme, and no document-wide security', async (t) => {
  t.same(doc.components.securitySchemes.bearer.type, 'http');
  t.same(doc.components.securitySchemes.bearer.scheme, 'bearer');
  t.notOk('security' in doc, 'security is per operation: probes, metrics and the document stay open');
});

t.test('every /api operation: bearer security (or none, for a server without tokens) and 401/403 problems', async (t) => {
  const api = ops.filter((o) => o.path.startsWith('/api/'));
  t.ok(api.length > 30, `${api.length} /api operations`);
  for (const { op } of api) {
    t.same(op.security, [{ bearer: [] }, {}], `${op.operationId} security`);
    for (const status of ['401', '403']) {
      const schema = op.responses[status]?.content?.['application/problem+json']?.schema;
      t.same(schema, { $ref: '#/components/schemas/Problem' }, `${op.operationId} documents ${status} as a Problem`);
    }
  }
});

t.test('probes, /metrics and /openapi.json carry no security; /metrics and /openapi.json are documented', async (t) => {
  for (const { path, op } of ops.filter((o) => !o.path.startsWith('/api/'))) {
    t.same(op.security, [], `${op.operationId} (${path}) needs no token (explicitly: redocly's security-defined)`);
    t.notOk(op.responses['401'], `${op.operationId} has no 401`);
  }
  const metrics = doc.paths['/metrics']?.get;
  t.equal(metrics?.operationId, 'getMetrics');
  t.same(metrics?.tags, ['meta']);
  t.ok(metrics?.responses['200'].content['text/plain'], 'Prometheus text');
  const self = doc.paths['/openapi.json']?.get;
  t.equal(self?.operationId, 'getOpenApiDocument');
  t.same(self?.tags, ['meta']);
  t.ok(self?.responses['200'].content['application/json'], 'the document as JSON');
  t.ok(doc.tags.some((tag: { name: string }) => tag.name === 'meta'), 'the meta tag is declared');
  t.notOk(Object.keys(doc.paths).some((p) => p.startsWith('/docs')), 'Swagger UI is not in the contract');
  t.match(doc.info.description, /Out of this contract: the Swagger UI at \/docs\//, 'and the description says so');
});

t.test('the Problem schema: one type base, errors[] with `in` and a pointer into that part', async (t) => {
  const problem = doc.components.schemas.Problem;
  t.ok(problem.examples[0].type.startsWith(PROBLEM_TYPE_BASE), 'the example type uses the base answers use');
  t.match(problem.properties.type.description, PROBLEM_TYPE_BASE);
  const item = problem.properties.errors.items;
  t.same(item.properties.in.enum, ['body', 'query', 'path', 'header']);
  t.same(item.required.sort(), ['in', 'message', 'pointer']);
  t.notOk(JSON.stringify(doc).includes('urn:capstan:problem'), 'no other type base anywhere in the document');
});
