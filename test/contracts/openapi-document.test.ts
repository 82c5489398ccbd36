/** Shape of the OpenAPI document that generated clients depend on. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';

const doc = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'openapi', 'openapi.json'), 'utf8'));
const ops = Object.entries(doc.paths as Record<string, Record<string, any>>)
  .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));

t.test('OpenAPI 3.1 with named components', async (t) => {
  t.match(doc.openapi, /^3\.1\./);
  t.ok(doc.components.schemas.Problem, 'Problem component');
  t.ok(doc.components.schemas.Node, 'Node component');
  t.notOk(Object.keys(doc.components.schemas).some((k) => /^def-\d+$/.test(k)), 'no def-N names');
});

t.test('every operation has a unique operationId, one tag and documented problem responses', async (t) => {
  const ids = new Set<string>();
  for (const { path, method, op } of ops) {
    t.ok(op.operationId, `${method} ${path} operationId`);
    t.notOk(ids.has(op.operationId), `${op.operationId} unique`);
    ids.add(op.operationId);
    t.equal(op.tags?.length, 1, `${op.operationId} has one tag`);
    for (const [status, resp] of Object.entries(op.responses as Record<string, any>)) {
      const content = resp.content ?? {};
      t.ok(Object.keys(content).length > 0, `${op.operationId} ${status} has a schema`);
      // Probes answer their own Health body even when 503, as load balancers expect.
      if (Number(status) >= 400 && !path.startsWith('/health')) t.ok(JSON.stringify(content).includes('#/components/schemas/Problem'), `${op.operationId} ${status} is a Problem`);
    }
    if (!path.startsWith('/health')) t.ok(Object.keys(op.responses).includes('500'), `${op.operationId} documents 500`);
  }
});

t.test('the SSE endpoint documents its event schema', async (t) => {
  const stream = doc.paths['/api/v1/executions/{id}/stream'].get;
  t.ok(stream.responses['200'].content['text/event-stream'], 'text/event-stream documented');
});
