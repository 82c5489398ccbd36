/**
 * A client written against the types openapi-typescript generates from openapi/openapi.json.
 * test/contracts/generated-client.test.ts copies this file next to the generated `schema.d.ts` (as client.ts),
 * compiles it with `tsc --noEmit` (strict) and runs it with tsx against a live server. It uses only typed
 * paths and methods (no casts), and prints one JSON line per route family for the test to check.
 * (Kept as .ts.txt so the project's own typecheck does not look for the generated schema.)
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './schema.js';

type Execution = components['schemas']['Execution'];
type Event = components['schemas']['Event'];

const baseUrl = process.argv[2];
if (!baseUrl) throw new Error('usage: tsx client.ts BASE_URL');
const client = createClient<paths>({ baseUrl });

function out(family: string, data: Record<string, unknown>): void {
  console.log(JSON.stringify({ family, ...data }));
}

/** The body of a successful answer; throws with the problem otherwise. */
function must<T>(r: { data?: T; error?: unknown; response: Response }, what: string): T {
  if (r.data === undefined) throw new Error(`${what}: HTTP ${r.response.status} ${JSON.stringify(r.error)}`);
  return r.data;
}

async function waitDone(id: string): Promise<Execution> {
  return must(await client.GET('/api/v1/executions/{id}/wait', { params: { path: { id }, query: { timeout: 60 } } }), 'waitExecution');
}

/** Reads the event stream until the first `event: event` frame, then disconnects. */
async function firstStreamedEvent(): Promise<{ id: string; event: Event }> {
  const controller = new AbortController();
  const r = await client.GET('/api/v1/events/stream', { params: { query: { limit: 10 } }, parseAs: 'stream', signal: controller.signal });
  if (!r.data) throw new Error(`streamEvents: HTTP ${r.response.status}`);
  const reader = r.data.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buf += decoder.decode(value, { stream: true });
      for (const frame of buf.split('\n\n').slice(0, -1)) {
        const lines = frame.split('\n');
        if (!lines.includes('event: event')) continue;
        const id = lines.find((l) => l.startsWith('id: '))?.slice(4) ?? '';
        const event: Event = JSON.parse(lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n'));
        return { id, event };
      }
    }
  } finally {
    controller.abort();
  }
}

/** Never called: the generated types reject what the API rejects (an unused @ts-expect-error fails the compile). */
export function typeChecks(): void {
  // @ts-expect-error an undocumented path
  void client.GET('/api/v1/no-such-route');
  // @ts-expect-error listReports has no `bogus` parameter
  void client.GET('/api/v1/reports', { params: { query: { bogus: 1 } } });
  // @ts-expect-error package.install params need `packages`
  void client.POST('/api/v1/packages/install', { body: { targets: ['localhost'], params: {} } });
  // @ts-expect-error rollbackDeployment needs the path id
  void client.POST('/api/v1/deployments/{id}/rollback', { body: { targets: ['localhost'], params: { application: 'storefront', environment: 'production' } } });
  // @ts-expect-error report items have no `foo`
  void client.GET('/api/v1/reports').then((r) => r.data?.items[0].foo);
}

// health
const live = must(await client.GET('/health/live'), 'getLiveness');
const ready = must(await client.GET('/health/ready'), 'getReadiness');
out('health', { live: live.status, ready: ready.status });

// plugins
const plugins = must(await client.GET('/api/v1/plugins'), 'listPlugins');
const ssh = must(await client.GET('/api/v1/plugins/{name}', { params: { path: { name: 'ssh' } } }), 'getPlugin');
out('plugins', { names: plugins.items.map((p) => p.name), sshState: ssh.state });

// capabilities
const caps = must(await client.GET('/api/v1/capabilities', { params: { query: { provided: true } } }), 'listCapabilities');
const cap = must(await client.GET('/api/v1/capabilities/{name}', { params: { path: { name: 'reports.list' } } }), 'getCapability');
out('capabilities', { provided: caps.items.map((c) => c.name), reportsProviders: cap.providers.map((p) => p.plugin) });

// inventory
const inventory = must(await client.GET('/api/v1/inventory', { params: { query: { limit: 50 } } }), 'listNodes');
const node = must(await client.GET('/api/v1/inventory/nodes/{id}', { params: { path: { id: 'localhost' } } }), 'getNode');
const groups = must(await client.GET('/api/v1/inventory/groups', { params: { query: { limit: 10 } } }), 'listGroups');
out('inventory', { names: inventory.items.map((n) => n.name), node: node.name, groups: groups.items.length, sources: inventory.sources.map((s) => s.status) });

// nodes: facts
const facts = must(await client.GET('/api/v1/nodes/{id}/facts', { params: { path: { id: 'localhost' } } }), 'getNodeFacts');
out('facts', { node: facts.node, kernel: facts.kernel ?? null });

// executions: create, wait, output
const created = await client.POST('/api/v1/executions', {
  body: { capability: 'command.execute', targets: ['localhost'], params: { command: 'echo typed-client-hello' }, timeoutSeconds: 60 },
});
const execution = must(created, 'createExecution');
const finished = await waitDone(execution.id);
// /output answers JSON (OutputPage) or text/plain: the generated type is the union, told apart by its type.
const output = must(await client.GET('/api/v1/executions/{id}/output', { params: { path: { id: execution.id }, query: { after: 0, limit: 100, format: 'json' } } }), 'getExecutionOutput');
if (typeof output === 'string') throw new Error('getExecutionOutput: text where JSON was asked for');
const textPage = await client.GET('/api/v1/executions/{id}/output', { params: { path: { id: execution.id }, query: { format: 'text' } }, parseAs: 'text' });
const text: string = must(textPage, 'getExecutionOutput (text)');
out('executions', {
  status: created.response.status, location: created.response.headers.get('location'), final: finished.status,
  stdout: output.items.filter((e) => e.type === 'stdout').map((e) => String(e.data.line)),
  text, nextAfter: textPage.response.headers.get('x-next-after'),
});

// queue
const queue = must(await client.GET('/api/v1/queue'), 'getQueue');
out('queue', { concurrency: queue.concurrency, running: queue.running.length, queued: queue.queued.length });

// reports: two pages, a query, one report, a typed 404
const page1 = must(await client.GET('/api/v1/reports', { params: { query: { limit: 5 } } }), 'listReports');
const page2 = must(await client.GET('/api/v1/reports', { params: { query: { limit: 5, cursor: page1.nextCursor ?? undefined } } }), 'listReports page 2');
const failed = must(await client.GET('/api/v1/reports', { params: { query: { status: ['failed'], environment: 'production' } } }), 'listReports query');
const report = must(await client.GET('/api/v1/reports/{id}', { params: { path: { id: page2.items[0].id } } }), 'getReport');
const missing = await client.GET('/api/v1/reports/{id}', { params: { path: { id: 'no-such-report' } } });
out('reports', {
  page1: page1.items.map((r) => r.id), page2: page2.items.map((r) => r.id), sources: page1.sources.map((s) => `${s.source}:${s.status}`),
  failedOnly: failed.items.length > 0 && failed.items.every((r) => r.status === 'failed'), got: report.report?.id ?? null,
  missing: { status: missing.response.status, code: missing.error?.code ?? null },
});

// events: a query and the SSE stream
const events = must(await client.GET('/api/v1/events', { params: { query: { severities: ['error', 'warning'], limit: 3 } } }), 'listEvents');
const streamed = await firstStreamedEvent();
out('events', { severities: events.items.map((e) => e.severity ?? null), count: events.items.length, streamed: streamed.event.message, streamedId: streamed.id.length > 0 });

// alerts: list by label, get, acknowledge, resolve, subscribe
const alerts = must(await client.GET('/api/v1/alerts', { params: { query: { labels: { team: 'db' }, severity: ['warning'] } } }), 'listAlerts');
const alertId = alerts.items[0].id;
const alert = must(await client.GET('/api/v1/alerts/{id}', { params: { path: { id: alertId } } }), 'getAlert');
const acked = must(await client.POST('/api/v1/alerts/{id}/acknowledge', { params: { path: { id: alertId } }, body: { comment: 'typed client', durationSeconds: 600 } }), 'acknowledgeAlert');
const resolved = must(await client.POST('/api/v1/alerts/{id}/resolve', { params: { path: { id: alertId } }, body: { comment: 'fixed' } }), 'resolveAlert');
const subscribed = await client.POST('/api/v1/alerts/subscriptions', { body: { receiverUrl: 'https://chatops.example.com/hooks/alerts', filter: { severity: ['critical'] } } });
out('alerts', {
  names: alerts.items.map((a) => a.name), got: alert.alert?.name ?? null, acknowledged: acked.alert.status, by: acked.alert.acknowledgement?.by ?? null,
  resolved: resolved.alert.status, subscription: { status: subscribed.response.status, source: must(subscribed, 'createAlertSubscription').subscription.source },
});

// packages: list, search, install as an execution
const installed = must(await client.GET('/api/v1/packages', { params: { query: { node: 'web1.example.com' } } }), 'listPackages');
const found = must(await client.GET('/api/v1/packages/search', { params: { query: { q: 'nginx' } } }), 'searchPackages');
const install = await client.POST('/api/v1/packages/install', { body: { targets: ['localhost'], params: { packages: [{ name: 'nginx' }] } } });
const installDone = await waitDone(must(install, 'installPackages').id);
out('packages', {
  installed: installed.items.map((p) => `${p.name}@${p.source}`), found: found.items.map((p) => p.name),
  install: { status: install.response.status, capability: installDone.capability, final: installDone.status },
});

// deployments: history, one, deploy and roll back as executions
const history = must(await client.GET('/api/v1/deployments', { params: { query: { application: 'storefront', limit: 3 } } }), 'listDeployments');
const deployment = must(await client.GET('/api/v1/deployments/{id}', { params: { path: { id: history.items[0].id } } }), 'getDeployment');
const deploy = await client.POST('/api/v1/deployments', { body: { targets: ['localhost'], params: { application: 'storefront', version: '2.14.2', environment: 'production' } } });
const rollback = await client.POST('/api/v1/deployments/{id}/rollback', {
  params: { path: { id: history.items[0].id } }, body: { targets: ['localhost'], params: { application: 'storefront', environment: 'production' } },
});
const deployDone = await waitDone(must(deploy, 'createDeployment').id);
const rollbackDone = await waitDone(must(rollback, 'rollbackDeployment').id);
out('deployments', {
  history: history.items.length, more: history.nextCursor !== null, got: deployment.deployment?.id ?? null,
  deploy: { status: deploy.response.status, final: deployDone.status }, rollback: { status: rollback.response.status, final: rollbackDone.status, deploymentId: rollbackDone.params.deploymentId ?? null },
});

// provisioning: status, create, decommission, decommission status
const resource = must(await client.GET('/api/v1/provisioning/{id}', { params: { path: { id: 'web3.example.com' } } }), 'getProvisionedResource');
const create = await client.POST('/api/v1/provisioning', { body: { targets: ['localhost'], params: { name: 'web4.example.com', template: 'ubuntu-22.04', size: { cpus: 2 } } } });
const decommission = await client.POST('/api/v1/provisioning/decommission', { body: { targets: ['localhost'], params: { action: 'deregister', reason: 'typed client' } } });
const createDone = await waitDone(must(create, 'createProvisionedResource').id);
const decommissionDone = await waitDone(must(decommission, 'decommissionNodes').id);
const state = must(await client.GET('/api/v1/provisioning/decommission/{id}', { params: { path: { id: 'web1.example.com' } } }), 'getDecommissionStatus');
out('provisioning', {
  resource: resource.resource?.status ?? null, create: { status: create.response.status, final: createDone.status },
  decommission: { status: decommission.response.status, final: decommissionDone.status }, state: state.status,
});
