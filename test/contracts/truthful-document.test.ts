/**
 * The document says what the server does (issue 13, items 2, 3, 4 and 9): enums instead of unions of
 * literals, both answers of /output, every request body and header with its real constraints, and links
 * from createExecution to what a client calls next. The second half checks the server behaves as documented.
 */
import t from 'tap';
import { commandExecute, inventoryList } from '../../src/capabilities/index.js';
import { implement, type ExecutionContext } from '../../src/core/types.js';
import { generateOpenApi } from '../../src/openapi/generate.js';
import { buildTestApp, waitForExecution } from '../helper.js';
import { fakeModule, nodes } from '../core/fixtures/fake-plugins.js';

const doc = (await generateOpenApi()) as any;
const op = (path: string, method: string) => doc.paths[path][method];

/** Every place (JSON pointer) where a schema is an anyOf/oneOf whose branches are all single literals. */
function literalUnions(v: unknown, at = ''): string[] {
  if (!v || typeof v !== 'object') return [];
  const out: string[] = [];
  const s = v as Record<string, unknown>;
  for (const k of ['anyOf', 'oneOf']) {
    const branches = s[k];
    const literal = (b: any) => b && (b.const !== undefined || (Array.isArray(b.enum) && b.enum.length === 1));
    if (Array.isArray(branches) && branches.length > 0 && branches.every(literal)) out.push(`${at}/${k}`);
  }
  for (const [k, x] of Object.entries(s)) out.push(...literalUnions(x, `${at}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`));
  return out;
}

t.test('unions of literals are enums everywhere', async (t) => {
  t.same(literalUnions(doc), [], 'no anyOf/oneOf of literals left');
  const format = op('/api/v1/executions/{id}/output', 'get').parameters.find((p: any) => p.name === 'format');
  t.same(format.schema, { type: 'string', enum: ['json', 'text'] }, 'format=text can be picked in Swagger UI');
  t.same(doc.components.schemas.TargetResult.properties.status.enum, ['succeeded', 'failed', 'canceled', 'timed_out', 'skipped']);
  t.same(doc.components.schemas.Alert.properties.severity.enum, ['critical', 'error', 'warning', 'info']);
});

t.test('/output documents its JSON page and its text/plain form with X-Next-After', async (t) => {
  const ok = op('/api/v1/executions/{id}/output', 'get').responses['200'];
  t.same(ok.content['application/json'].schema, { $ref: '#/components/schemas/OutputPage' });
  t.equal(ok.content['text/plain'].schema.type, 'string');
  t.equal(ok.headers['X-Next-After'].schema.pattern, '^[0-9]+$');
});

t.test('cancel, refresh and the stream-ticket routes document their optional empty-object body', async (t) => {
  for (const path of ['/api/v1/executions/{id}/cancel', '/api/v1/nodes/{id}/facts', '/api/v1/executions/{id}/stream-ticket', '/api/v1/events/stream-ticket', '/api/v1/journal/stream-ticket', '/api/v1/alerts/stream-ticket']) {
    const body = op(path, 'post').requestBody;
    t.equal(body.required, false, `${path}: the body may be left out`);
    t.same(body.content['application/json'].schema, { $ref: '#/components/schemas/EmptyBody' });
  }
  const schema = doc.components.schemas.EmptyBody;
  t.equal(schema.type, 'object');
  t.equal(schema.additionalProperties, false);
  t.same(schema.properties ?? {}, {});
  const others = Object.values(doc.paths).flatMap((m: any) => Object.values(m)).filter((o: any) => o.requestBody && !['cancelExecution', 'refreshNodeFacts', 'createExecutionStreamTicket', 'createEventsStreamTicket', 'createJournalStreamTicket', 'createAlertsStreamTicket'].includes(o.operationId));
  t.ok(others.length > 0 && others.every((o: any) => o.requestBody.required === true), 'every other body stays required');
});

t.test('request headers carry their real form', async (t) => {
  const submitters = [
    '/api/v1/executions', '/api/v1/capabilities/{name}/invoke', '/api/v1/packages/install', '/api/v1/packages/uninstall', '/api/v1/packages/update',
    '/api/v1/deployments', '/api/v1/deployments/{id}/rollback', '/api/v1/provisioning', '/api/v1/provisioning/decommission',
  ];
  for (const path of submitters) {
    const key = op(path, 'post').parameters.find((p: any) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key');
    t.ok(key, `${path}: Idempotency-Key documented`);
    t.equal(key?.schema.pattern, '^[!-~]{1,255}$', `${path}: Idempotency-Key pattern`);
  }
  t.equal(doc.components.parameters.RequestId.name, 'X-Request-Id');
  t.equal(doc.components.parameters.RequestId.schema.pattern, '^[A-Za-z0-9._:@-]{1,128}$');
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    for (const [method, o] of Object.entries(methods)) {
      t.ok(o.parameters?.some((p: any) => p.$ref === '#/components/parameters/RequestId'), `${method} ${path} accepts X-Request-Id`);
    }
  }
});

t.test('env names keep their pattern', async (t) => {
  for (const id of ['CommandExecuteParams', 'ScriptExecuteParams']) {
    const env = doc.components.schemas[id].properties.env;
    t.same(env.propertyNames, { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, `${id}.env names`);
    t.same(env.additionalProperties, { type: 'string', maxLength: 32768 }, `${id}.env values`);
  }
});

t.test('createExecution links to the operations a client chains next', async (t) => {
  const expected = ['cancelExecution', 'getExecution', 'getExecutionOutput', 'streamExecution', 'waitExecution'];
  const ids = new Set(Object.values(doc.paths).flatMap((m: any) => Object.values(m).map((o: any) => o.operationId)));
  for (const [path, status] of [['/api/v1/executions', '202'], ['/api/v1/executions', '200'], ['/api/v1/capabilities/{name}/invoke', '202']]) {
    const links = op(path, 'post').responses[status].links;
    t.same(Object.keys(links ?? {}).sort(), expected, `${path} ${status} links`);
    for (const l of Object.values(links ?? {}) as any[]) {
      t.ok(ids.has(l.operationId), `${l.operationId} exists`);
      t.same(l.parameters, { id: '$response.body#/id' });
    }
  }
});

t.test('the server does what the document says', async (t) => {
  const held = async (_p: unknown, ctx: ExecutionContext) => {
    await new Promise((resolve) => {
      if (ctx.signal.aborted) resolve(null);
      else ctx.signal.addEventListener('abort', resolve, { once: true });
    });
    return { results: (ctx.targets ?? []).map((n) => ({ target: n.name, status: 'canceled' as const, exitCode: null })) };
  };
  const app = await buildTestApp(t, {}, {
    plugins: [
      fakeModule({ id: 'inv', capabilities: [implement(inventoryList, async () => nodes('inv', 'localhost'))] }),
      fakeModule({ id: 'runner', integrationTypes: ['remote_execution'], capabilities: [implement(commandExecute, held)] }),
    ],
  });
  const submit = (params: Record<string, unknown>, headers: Record<string, string> = {}) => app.inject({
    method: 'POST', url: '/api/v1/executions', headers, payload: { capability: 'command.execute', targets: ['localhost'], params },
  });

  const a = (await submit({ command: 'a' })).json();
  const b = (await submit({ command: 'b' })).json();
  const bare = await app.inject({ method: 'POST', url: `/api/v1/executions/${a.id}/cancel` });
  t.equal(bare.statusCode, 202, 'a bare POST (no body) cancels');
  const empty = await app.inject({ method: 'POST', url: `/api/v1/executions/${b.id}/cancel`, payload: {} });
  t.equal(empty.statusCode, 202, '{} cancels');
  const extra = await app.inject({ method: 'POST', url: `/api/v1/executions/${b.id}/cancel`, payload: { force: true } });
  t.equal(extra.statusCode, 400, 'an unknown body field is refused, as documented');
  t.equal((await waitForExecution(app, a.id)).status, 'canceled');
  t.equal((await waitForExecution(app, b.id)).status, 'canceled');

  const badKey = await submit({ command: 'true' }, { 'idempotency-key': 'has a space' });
  t.equal(badKey.statusCode, 400, 'an Idempotency-Key outside the pattern is refused');
  t.match(badKey.json().errors, [{ pointer: /idempotency-key/ }]);

  const badEnv = await submit({ command: 'true', env: { 'BAD-NAME': 'x' } });
  t.equal(badEnv.statusCode, 400);
  const detail = badEnv.json().detail as string;
  t.match(detail, /\/env\/BAD-NAME name "BAD-NAME" must match pattern/, 'the error names the key and the rule');
  t.notMatch(detail, /additional properties/);
  t.equal(app.executions.activeCount, 0);
});

/** Response headers a client acts on: each answer that carries one must document it for its status. */
const ACTED_ON = ['retry-after', 'etag'];

function undocumentedHeaders(path: string, method: string, res: { statusCode: number; headers: Record<string, unknown> }): string[] {
  const documented = Object.keys(op(path, method).responses[String(res.statusCode)]?.headers ?? {}).map((h) => h.toLowerCase());
  return ACTED_ON.filter((h) => res.headers[h] !== undefined && !documented.includes(h));
}

t.test('Retry-After and ETag are documented where they are sent', async (t) => {
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    for (const [method, o] of Object.entries(methods)) {
      for (const status of ['429', '503']) {
        if (!o.responses[status]?.content?.['application/problem+json']) continue;
        t.ok(o.responses[status].headers?.['Retry-After'], `${method} ${path} ${status} documents Retry-After`);
      }
    }
  }
  for (const [path, status] of [['/openapi.json', '200'], ['/openapi.json', '304'], ['/api/v1/executions/{id}', '200'], ['/api/v1/executions/{id}', '304']]) {
    t.ok(op(path, 'get').responses[status].headers?.ETag, `GET ${path} ${status} documents ETag`);
  }

  // What the server sends: ETag on the document and on a terminal execution (200 and 304), Retry-After on a full queue.
  const held = async (_p: unknown, ctx: ExecutionContext) => {
    await new Promise((resolve) => (ctx.signal.aborted ? resolve(null) : ctx.signal.addEventListener('abort', resolve, { once: true })));
    return { results: (ctx.targets ?? []).map((n) => ({ target: n.name, status: 'canceled' as const, exitCode: null })) };
  };
  const app = await buildTestApp(t, { execution: { concurrency: 1, maxQueued: 1 } }, {
    plugins: [
      fakeModule({ id: 'inv', capabilities: [implement(inventoryList, async () => nodes('inv', 'localhost'))] }),
      fakeModule({ id: 'runner', integrationTypes: ['remote_execution'], capabilities: [implement(commandExecute, held)] }),
    ],
  });
  const submit = () => app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['localhost'], params: { command: 'x' } } });
  const seen: [string, string, Awaited<ReturnType<typeof submit>>][] = [];
  const documentRes = await app.inject({ url: '/openapi.json' });
  seen.push(['/openapi.json', 'get', documentRes], ['/openapi.json', 'get', await app.inject({ url: '/openapi.json', headers: { 'if-none-match': String(documentRes.headers.etag) } })]);

  const running = (await submit()).json();
  const queued = (await submit()).json();
  const full = await submit();
  t.equal(full.statusCode, 429, 'the queue is full');
  seen.push(['/api/v1/executions', 'post', full]);
  for (const id of [queued.id, running.id]) await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel` });
  await waitForExecution(app, running.id);
  const terminal = await app.inject({ url: `/api/v1/executions/${running.id}` });
  seen.push(['/api/v1/executions/{id}', 'get', terminal], ['/api/v1/executions/{id}', 'get', await app.inject({ url: `/api/v1/executions/${running.id}`, headers: { 'if-none-match': String(terminal.headers.etag) } })]);

  t.same(seen.map(([, , res]) => res.statusCode), [200, 304, 429, 200, 304]);
  t.ok(seen.every(([, , res]) => ACTED_ON.some((h) => res.headers[h] !== undefined)), 'each answer carries one of the headers');
  for (const [path, method, res] of seen) t.same(undocumentedHeaders(path, method, res), [], `${method} ${path} ${res.statusCode}: every such header is documented`);
});
