/** Shape of the OpenAPI document that generated clients depend on. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { STREAM_EVENT_TYPES } from '../../src/execution/states.js';

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
      // 204 and 304 have no body (RFC 9110), so no content either.
      if (status === '204' || status === '304') t.notOk(resp.content, `${op.operationId} ${status} has no body`);
      else t.ok(Object.keys(content).length > 0, `${op.operationId} ${status} has a schema`);
      // Probes answer their own Health body even when 503, as load balancers expect.
      if (Number(status) >= 400 && !path.startsWith('/health')) t.ok(JSON.stringify(content).includes('#/components/schemas/Problem'), `${op.operationId} ${status} is a Problem`);
    }
    if (!path.startsWith('/health')) t.ok(Object.keys(op.responses).includes('500'), `${op.operationId} documents 500`);
  }
});

t.test('SSE operations are described as the media type is: a text body whose events are {id?, event, data}', async (t) => {
  const resolve = (s: any) => (s?.$ref ? doc.components.schemas[s.$ref.replace('#/components/schemas/', '')] : s);
  const streams: [string, string, readonly string[]][] = [
    ['/api/v1/executions/{id}/stream', 'StreamEvent', [...STREAM_EVENT_TYPES, 'problem']],
    ['/api/v1/events/stream', 'EventStreamFrame', ['event', 'source_status', 'caught_up', 'problem']],
  ];
  for (const [path, name, events] of streams) {
    const media = doc.paths[path].get.responses['200'].content['text/event-stream'];
    t.ok(media, `${path}: text/event-stream documented`);
    // A validating proxy (Prism) checks the body it receives, a string, against `schema`.
    t.equal(media.schema.type, 'string', `${path}: the body is a string`);
    t.equal(media.schema.contentMediaType, 'text/event-stream');
    t.equal(media.schema.contentSchema.type, 'array');
    t.same(media.schema.contentSchema.items, { $ref: `#/components/schemas/${name}` }, `${path}: each event is a ${name}`);
    t.notOk(media.itemSchema, 'no OpenAPI 3.2 itemSchema in a 3.1 document');
    const seen: string[] = [];
    for (const branch of doc.components.schemas[name].oneOf) {
      t.equal(branch.type, 'object');
      t.ok(branch.required.includes('event') && branch.required.includes('data'), `${name}: event and data required`);
      seen.push(...branch.properties.event.enum);
      const data = branch.properties.data;
      t.equal(data.type, 'string', `${branch.properties.event.enum}: data is a JSON text`);
      t.equal(data.contentMediaType, 'application/json');
      t.ok(resolve(data.contentSchema), `${branch.properties.event.enum}: the payload has a schema`);
    }
    t.same(seen.sort(), [...events].sort(), `${name}: one branch per event name`);
  }
});

t.test('HTTP semantics are documented: 304 on terminal executions, 406 on /output, 204 past the end of a stream, 501 beside 503', async (t) => {
  t.ok(doc.paths['/api/v1/executions/{id}'].get.responses['304'], 'getExecution 304');
  t.ok(doc.paths['/api/v1/executions/{id}/output'].get.responses['406'], 'getExecutionOutput 406');
  t.ok(doc.paths['/api/v1/executions/{id}/stream'].get.responses['204'], 'streamExecution 204');
  t.ok(doc.paths['/api/v1/nodes/{id}/journal'].get.responses['404'], 'getNodeJournal 404');
  // A 503 for providers that are down brings the 501 of no provider at all; the shutdown 503 every route has does not.
  const providersDown = (op: any) => op.responses['503'] && !/^The server is shutting down/.test(op.responses['503'].description);
  for (const { op } of ops) if (providersDown(op) && !op.tags.includes('health')) t.ok(op.responses['501'], `${op.operationId}: 501 beside 503`);
  for (const { op } of ops) t.ok(op.responses['503'], `${op.operationId}: the shutdown 503 is documented`);
  // Every answer sendAccepted gives carries Location (routes/execution-submit.ts); a replay also Idempotent-Replayed.
  for (const { op } of ops) {
    // cancelExecution's 202 is the run being canceled, not a new one: no Location.
    if (op.operationId === 'cancelExecution' || !op.responses['202']?.content?.['application/json']?.schema?.$ref?.endsWith('/Execution')) continue;
    t.ok(op.responses['202'].headers?.Location, `${op.operationId}: 202 documents Location`);
    if (op.responses['200']?.content?.['application/json']?.schema?.$ref?.endsWith('/Execution')) t.ok(op.responses['200'].headers?.['Idempotent-Replayed'], `${op.operationId}: the replay's 200 documents Idempotent-Replayed`);
  }
});
