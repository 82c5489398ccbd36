/**
 * API tests of the github-actions plugin through Capstan's routes, against the fake GitHub (fake-github.ts) on
 * 127.0.0.103: deploy (dispatch with inputs, the run found, jobs and steps followed, logs streamed once and in
 * order), the 204 dispatch found by run-name (and the clear failure without it), API 2026-03-10, failures
 * mapped, cancel (and force-cancel), an environment review at the timeout, rollback, history pages, status by
 * id, bad input refused before any request, a bad token, rate limits waited, 5xx retried, and the token
 * never in an answer, a log line, the output or a request but its own header.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { buildTestApp, tempDir, waitForExecution } from '../../../../test/helper.js';
import { events, lines } from '../../../../test/executions-api.js';
import { captureLogs } from '../../../../test/observability.js';
import { until } from '../../../../test/until.js';
import { FakeGitHub, LONG_LINE, UTF8_LINE } from './fake-github.js';

const TOKEN = 'ghp_fakeGitHubToken0123456789abcdefABCDEF';
const REPO = 'acme/shop';

const fake = new FakeGitHub(TOKEN);
await fake.start();
t.teardown(() => fake.stop());
const REFS = ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v2.0.0', 'fail-1', 'timeout-1', 'startup-1', 'stuck-1', 'stuck-2', 'stuck-3', 'blocked-1', 'neutral-1', 'v3.0.0', 'v3.1.0', 'stuck-4', 'stuck-5', 'stuck-6', 'v4.0.0', 'v4.1.0', 'v4.2.0', 'v4.3.0', 'late-1', 'late-2', 'rl-1', 'rl-2', 'stuck-7', 'late-3', 'v5.0.0', 'v5.1.0'];
fake.addRepo(REPO, REFS, 'deploy.yml', ['version', 'environment', 'capstan_id', 'region', 'api_token']);
fake.addRepo('acme/legacy', ['v1.0.0'], 'deploy.yml', ['version', 'environment', 'capstan_id'], false);
fake.scenario = (ref) => (ref.startsWith('fail') ? 'failure' : ref.startsWith('timeout') ? 'timed_out' : ref.startsWith('startup') ? 'startup_failure'
  : ref === 'stuck-2' ? 'ignore-cancel' : ref.startsWith('stuck') ? 'stuck' : ref.startsWith('blocked') ? 'blocked' : ref.startsWith('neutral') ? 'neutral' : 'success');

const INVENTORY = `version: 2
groups:
  - name: shop-prod
    targets:
      - { name: web1, uri: "127.0.0.1:1" }
      - { name: web2, uri: "127.0.0.1:1" }
`;
const dir = tempDir('capstan-gha-');
const { writeFileSync } = await import('node:fs');
writeFileSync(join(dir, 'inventory.yaml'), INVENTORY);

const base = { apiUrl: fake.url, token: TOKEN, owner: 'acme', pollIntervalMs: 30, findRunTimeoutMs: 1500, cancelWaitMs: 3000, timeoutMs: 3000, applications: ['shop', 'legacy'] };
const logs = captureLogs();
const app = await buildTestApp(t, {
  logLevel: 'debug',
  plugins: { 'github-actions': base, ssh: { inventoryFile: join(dir, 'inventory.yaml'), connectTimeoutSeconds: 2 } },
}, { logStream: logs.stream });

const answers: string[] = [];
async function call(a: FastifyInstance, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const res = await a.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  answers.push(res.body);
  return { status: res.statusCode, body: res.json() };
}

async function deploy(a: FastifyInstance, params: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const res = await call(a, 'POST', '/api/v1/deployments', { targets: ['shop-prod'], params, ...extra });
  if (res.status !== 202) throw new Error(`deploy answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

async function finished(a: FastifyInstance, id: string) {
  const exec = await waitForExecution(a, id, 60);
  const evs = await events(a, id);
  answers.push(JSON.stringify(exec), JSON.stringify(evs));
  const results = evs.filter((e) => e.type === 'target_result').map((e) => e.data);
  return { exec, evs, results, out: lines(evs, 'stdout', 'web1'), notices: evs.filter((e) => e.type === 'notice').map((e) => e.data) };
}

t.test('deploy: dispatched with inputs, run followed, jobs and steps told, logs streamed once and in order', async (t) => {
  const id = await deploy(app, { application: 'shop', version: 'v1.1.0', environment: 'production', parameters: { region: 'eu-west', api_token: 'input-secret-value-42' } });
  const { exec, results, out, notices } = await finished(app, id);
  t.equal(exec.status, 'succeeded');
  t.same(results.map((r) => [r.target, r.status, r.exitCode]), [['web1', 'succeeded', 0], ['web2', 'succeeded', 0]]);
  const value = results[0].value;
  t.match(value, {
    id: /^github-actions\.acme~shop\.\d+$/, source: 'github-actions', application: 'shop', version: 'v1.1.0', environment: 'production',
    status: 'succeeded', ref: 'v1.1.0', toolStatus: 'completed/success', initiatedBy: 'capstan-bot', executionId: id, targets: ['web1', 'web2'],
    url: /^https:\/\/github\.com\/acme\/shop\/actions\/runs\/\d+$/,
  });
  t.ok(value.finishedAt && value.startedAt);
  const run1 = [...fake.runs.values()].find((r) => r.ref === 'v1.1.0')!;
  t.equal(value.id, `github-actions.acme~shop.${run1.deployment}`, 'the id is the GitHub deployment the run created');
  const dispatch = fake.requests.find((r) => r.method === 'POST' && r.path.endsWith('/dispatches'))!;
  t.same(JSON.parse(dispatch.body), { ref: 'v1.1.0', inputs: { region: 'eu-west', api_token: 'input-secret-value-42', version: 'v1.1.0', environment: 'production', capstan_id: id }, return_run_details: true });
  t.equal(dispatch.path, '/repos/acme/shop/actions/workflows/deploy.yml/dispatches');
  t.match(dispatch.headers, { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', authorization: `Bearer ${TOKEN}`, 'user-agent': /./ });
  for (const l of ['job build: queued', 'job build: in_progress', 'step 1 "Set up job": in_progress', 'step 3 "Build": completed/success', 'job deploy: completed/success', 'step 2 "Deploy": completed/success']) {
    t.ok(out.includes(l), `line '${l}'`);
  }
  t.equal(out.filter((l) => l === LONG_LINE).length, 1, 'the long line once, whole');
  t.equal(out.filter((l) => l === UTF8_LINE).length, 1, 'multibyte text intact, once');
  const buildLog = out.indexOf('--- log of job build ---');
  const deployLog = out.indexOf('--- log of job deploy ---');
  t.ok(deployLog > buildLog && deployLog > out.indexOf('job deploy: completed/success'), 'each job\'s log once that job completed, job by job');
  t.ok(buildLog > out.indexOf('job build: completed/success'));
  t.ok(out.indexOf(LONG_LINE) > buildLog && out.indexOf(LONG_LINE) < deployLog);
  t.ok(out.slice(deployLog).some((l) => /deploying v1\.1\.0 to production/.test(l)));
  t.equal(out.filter((l) => l === 'job build: in_progress').length, 1, 'each transition told once');
  t.ok(notices.some((n) => n.target === 'web2' && /streams under web1/.test(n.message)), 'web2 is told where the log is');
  t.ok(fake.storage.requests.length >= 2, 'logs fetched from the storage host');
  t.ok(fake.storage.requests.every((r) => r.headers.authorization === undefined), 'no Authorization header to the log storage');
  const jobs = fake.requests.filter((r) => /\/jobs$/.test(r.path));
  t.ok(jobs.every((r) => r.query.get('filter') === 'latest' || r.query.get('page') === '2'), 'jobs of the latest attempt');
  t.ok(jobs.some((r) => r.query.get('page') === '2'), 'the second page of jobs read (pages of 2)');
  t.ok(out.includes('job notify: completed/success') && out.includes('--- log of job notify ---'), 'the job on page 2 followed and logged');
  const journal = (await call(app, 'GET', '/api/v1/journal?node=web2')).body;
  t.ok(JSON.stringify(journal).includes(id), 'journal entry on the target nodes');
  const params = (await call(app, 'GET', `/api/v1/executions/${id}`)).body.params;
  t.equal(params.parameters.api_token, '***', 'secret-named parameter masked in the answer');
});

t.test('status by id: the run Capstan started, a GitHub deployment, unknown ids', async (t) => {
  const runs = [...fake.runs.values()];
  const run = runs[0];
  const byRun = await call(app, 'GET', `/api/v1/deployments/github-actions.acme~shop.run-${run.id}`);
  t.equal(byRun.status, 200, 'the run id stays an alias');
  t.match(byRun.body.deployment, { id: `github-actions.acme~shop.${run.deployment}`, status: 'succeeded', targets: ['web1', 'web2'], executionId: /./, environment: 'production', version: 'v1.1.0' });
  const dep = fake.deployments.find((d) => d.ref === 'v1.1.0')!;
  const byDep = await call(app, 'GET', `/api/v1/deployments/github-actions.acme~shop.${dep.id}`);
  t.equal(byDep.status, 200);
  t.match(byDep.body.deployment, { status: 'succeeded', toolStatus: 'success', environment: 'production', ref: 'v1.1.0', initiatedBy: 'capstan-bot', targets: ['web1', 'web2'], application: 'shop' });
  t.equal((await call(app, 'GET', '/api/v1/deployments/github-actions.acme~shop.424242')).status, 404);
  t.equal((await call(app, 'GET', '/api/v1/deployments/github-actions.acme~shop.run-424242')).status, 404);
  t.equal((await call(app, 'GET', '/api/v1/deployments/jenkins.deploy-shop.42')).status, 404);
  t.equal((await call(app, 'GET', '/api/v1/deployments/github-actions.bad')).status, 404);
});

t.test('failures mapped: failure, timed_out, startup_failure; neutral succeeds', async (t) => {
  for (const [ref, tool] of [['fail-1', 'completed/failure'], ['timeout-1', 'completed/timed_out'], ['startup-1', 'completed/startup_failure']]) {
    const id = await deploy(app, { application: 'shop', version: ref, environment: 'staging' });
    const { exec, results } = await finished(app, id);
    t.equal(exec.status, 'failed', ref);
    t.match(results[0], { status: 'failed', exitCode: 1, value: { status: 'failed', toolStatus: tool }, error: { code: 'CAPSTAN_ERR_DEPLOYMENT_FAILED', detail: new RegExp(`${tool}: https://github\\.com/acme/shop/actions/runs/\\d+`) } });
    t.equal(results[1].status, 'failed');
  }
  const { results } = await finished(app, await deploy(app, { application: 'shop', version: 'neutral-1', environment: 'staging' }));
  t.match(results[0], { status: 'succeeded', value: { toolStatus: 'completed/neutral' } });
});

t.test('cancel mid-run: the run is canceled in GitHub first, then the execution', async (t) => {
  const id = await deploy(app, { application: 'shop', version: 'stuck-1', environment: 'staging' });
  await until('deploy step running', async () => lines(await events(app, id), 'stdout', 'web1').includes('step 2 "Deploy": in_progress'));
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel` })).statusCode < 300, true);
  const { exec, results, out } = await finished(app, id);
  t.equal(exec.status, 'canceled');
  t.match(results[0], { status: 'canceled', exitCode: null, value: { status: 'canceled', toolStatus: 'completed/cancelled' } });
  t.notOk('error' in results[0], 'a cancel Capstan asked for is no error');
  t.ok(out.includes('--- log of job build ---') && out.includes(LONG_LINE), 'the completed build job\'s log streamed');
  const run = [...fake.runs.values()].find((r) => r.ref === 'stuck-1')!;
  t.equal(run.conclusion, 'cancelled');
  t.ok(fake.requests.some((r) => r.method === 'POST' && r.path === `/repos/acme/shop/actions/runs/${run.id}/cancel`));
  t.notOk(fake.requests.some((r) => r.path.endsWith('/force-cancel') && r.path.includes(String(run.id))), 'no force-cancel needed');
  t.ok(out.includes('job deploy: completed/cancelled'));
});

t.test('a run that ignores the cancel is force-canceled', async (t) => {
  const id = await deploy(app, { application: 'shop', version: 'stuck-2', environment: 'staging' });
  await until('deploy step running', async () => lines(await events(app, id), 'stdout', 'web1').includes('step 2 "Deploy": in_progress'));
  await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel` });
  const { exec, results } = await finished(app, id);
  t.equal(exec.status, 'canceled');
  const run = [...fake.runs.values()].find((r) => r.ref === 'stuck-2')!;
  t.ok(fake.requests.some((r) => r.method === 'POST' && r.path === `/repos/acme/shop/actions/runs/${run.id}/force-cancel`));
  t.match(results[0].value, { toolStatus: 'completed/cancelled' });
});

t.test('an environment review at the timeout: DeploymentBlocked, the run left as it is', async (t) => {
  const id = await deploy(app, { application: 'shop', version: 'blocked-1', environment: 'production' }, { timeoutSeconds: 1 });
  const { results, notices } = await finished(app, id);
  t.match(results[0], { status: 'timed_out', error: { code: 'CAPSTAN_ERR_DEPLOYMENT_BLOCKED', detail: /waits for a person \(waiting/ }, value: { status: 'pending', toolStatus: 'waiting' } });
  const run = [...fake.runs.values()].find((r) => r.ref === 'blocked-1')!;
  t.notOk(fake.requests.some((r) => r.path.includes(`/runs/${run.id}/cancel`)), 'not canceled');
  t.ok(notices.some((n) => /waits for a person/.test(n.message)));
  const out = lines(await events(app, id), 'stdout', 'web1');
  t.ok(out.includes('--- log of job build ---') && out.includes(LONG_LINE), 'the build job completed before the review: its log reached the stream');
  t.ok(out.indexOf('--- log of job build ---') > out.indexOf('job build: completed/success'));
});

t.test('rollback: to the previous successful deployment of the environment, or toVersion', async (t) => {
  fake.addDeployment(REPO, { ref: 'v1.0.0', environment: 'qa', states: ['in_progress', 'success', 'inactive'], minutesAgo: 30 });
  fake.addDeployment(REPO, { ref: 'v1.1.0', environment: 'qa', states: ['in_progress', 'failure'], minutesAgo: 20 });
  const live = fake.addDeployment(REPO, { ref: 'v1.2.0', environment: 'qa', states: ['in_progress', 'success'], minutesAgo: 10 });
  const res = await call(app, 'POST', `/api/v1/deployments/github-actions.acme~shop.${live}/rollback`, { targets: ['shop-prod'], params: { application: 'shop', environment: 'qa' } });
  t.equal(res.status, 202);
  const { exec, results } = await finished(app, res.body.id);
  t.equal(exec.status, 'succeeded');
  t.match(results[0].value, { version: 'v1.0.0', ref: 'v1.0.0', previousVersion: 'v1.2.0', status: 'succeeded', environment: 'qa' });
  const d = fake.requests.filter((r) => r.path.endsWith('/dispatches')).at(-1)!;
  t.match(JSON.parse(d.body), { ref: 'v1.0.0', inputs: { version: 'v1.0.0', environment: 'qa' } });

  const to = await call(app, 'POST', `/api/v1/deployments/github-actions.acme~shop.${live}/rollback`, { targets: ['shop-prod'], params: { application: 'shop', environment: 'qa', toVersion: 'v2.0.0' } });
  t.match((await finished(app, to.body.id)).results[0].value, { version: 'v2.0.0', previousVersion: 'v1.2.0' });

  const none = await call(app, 'POST', '/api/v1/deployments/latest/rollback', { targets: ['shop-prod'], params: { application: 'shop', environment: 'lonely' } });
  t.equal(none.status, 400, 'a path id that is no deployment id of this source is refused at submit');
  const dispatches = fake.requests.filter((r) => r.path.endsWith('/dispatches')).length;
  const other = await call(app, 'POST', `/api/v1/deployments/github-actions.acme~legacy.${live}/rollback`, { targets: ['shop-prod'], params: { application: 'shop', environment: 'qa' } });
  t.equal(other.status, 400, 'a deployment of another repository is refused at submit');
  t.match(JSON.stringify(other.body), /acme\/legacy, not acme\/shop/);
  const lonely = fake.addDeployment(REPO, { ref: 'v1.1.0', environment: 'lonely', states: ['success'], minutesAgo: 1 });
  const failed = await call(app, 'POST', `/api/v1/deployments/github-actions.acme~shop.${lonely}/rollback`, { targets: ['shop-prod'], params: { application: 'shop', environment: 'lonely' } });
  const r2 = (await finished(app, failed.body.id)).results[0];
  t.match(r2, { status: 'failed', error: { code: 'CAPSTAN_ERR_RECORD_NOT_FOUND', detail: /no earlier successful deployment of shop to lonely/ } });
  t.equal(fake.requests.filter((r) => r.path.endsWith('/dispatches')).length, dispatches, 'nothing dispatched');
});

t.test('history: the Deployments API, newest first, across pages; node filter from Capstan runs', async (t) => {
  const first = await call(app, 'GET', '/api/v1/deployments?application=shop&environment=qa&limit=2');
  t.equal(first.status, 200);
  t.match(first.body.sources, [{ source: 'github-actions', status: 'ok' }]);
  t.equal(first.body.items.length, 2);
  t.ok(first.body.nextCursor);
  const seen = [...first.body.items];
  let cursor = first.body.nextCursor;
  while (cursor) {
    const next = await call(app, 'GET', `/api/v1/deployments?application=shop&environment=qa&limit=2&cursor=${encodeURIComponent(cursor)}`);
    t.equal(next.status, 200);
    seen.push(...next.body.items);
    cursor = next.body.nextCursor;
  }
  const qa = fake.deployments.filter((d) => d.environment === 'qa');
  t.equal(seen.length, qa.length, 'every deployment once');
  t.equal(new Set(seen.map((d) => d.id)).size, qa.length);
  const times = seen.map((d) => Date.parse(d.startedAt));
  t.same(times, [...times].sort((a, b) => b - a), 'newest first');
  const old = seen.find((d) => d.ref === 'v1.2.0' && d.toolStatus === 'success');
  t.match(old, { id: /^github-actions\.acme~shop\.\d+$/, status: 'succeeded', initiatedBy: 'octocat', targets: [], environment: 'qa', finishedAt: /Z$/ });
  t.match(seen.find((d) => d.ref === 'v1.1.0'), { status: 'failed', toolStatus: 'failure' });
  t.match(seen.find((d) => d.toolStatus === 'inactive'), { status: 'succeeded' });
  const mine = seen.filter((d) => d.executionId);
  t.ok(mine.length >= 1 && mine.every((d) => d.targets.includes('web1')), 'deployments of runs Capstan started carry their targets');
  const byNode = await call(app, 'GET', '/api/v1/deployments?node=web2&limit=50');
  t.ok(byNode.body.items.length >= 3 && byNode.body.items.every((d: any) => d.targets.includes('web2') && /\.(run-)?\d+$/.test(d.id)));
  const bad = await call(app, 'GET', '/api/v1/deployments?application=shop&cursor=notacursor');
  t.not(bad.status, 200);
});

t.test('bad input refused at submit: no request reaches GitHub', async (t) => {
  const before = fake.requests.length;
  const bad = async (params: Record<string, unknown>, re: RegExp) => {
    const res = await call(app, 'POST', '/api/v1/deployments', { targets: ['shop-prod'], params });
    t.equal(res.status, 400, JSON.stringify(params).slice(0, 80));
    t.match(JSON.stringify(res.body), re);
  };
  await bad({ application: 'shop', version: 'v1', environment: 'qa', parameters: { region: { a: 1 } } }, /inputs are strings/);
  await bad({ application: 'shop', version: 'v1', environment: 'qa', parameters: { list: [1, 2] } }, /inputs are strings/);
  const many = Object.fromEntries(Array.from({ length: 23 }, (_, i) => [`p${i}`, 'x']));
  await bad({ application: 'shop', version: 'v1', environment: 'qa', parameters: many }, /at most 25/);
  await bad({ application: 'other', version: 'v1', environment: 'qa' }, /not in plugins\.github-actions\.applications/);
  await bad({ application: 'shop', version: 'v1', environment: 'qa', parameters: { capstan_id: 'x' } }, /input Capstan sets itself/);
  await bad({ application: 'shop', version: 'v1', environment: 'qa', parameters: { 'bad name': 'x' } }, /not a GitHub workflow input name/);
  t.equal(fake.requests.length, before, 'nothing reached the fake');
});

t.test('a 204 dispatch: the run found by its run-name; without the run-name line a clear failure', async (t) => {
  fake.runDetails = 'ignored';
  t.teardown(() => { fake.runDetails = 'supported'; });
  const id = await deploy(app, { application: 'shop', version: 'v1.2.0', environment: 'staging' });
  const { results, out } = await finished(app, id);
  t.equal(results[0].status, 'succeeded');
  t.ok(out.some((l) => /found by its run-name \(capstan_id/.test(l)));
  const list = fake.requests.filter((r) => r.path === '/repos/acme/shop/actions/workflows/deploy.yml/runs').at(-1)!;
  t.equal(list.query.get('event'), 'workflow_dispatch');
  t.equal(list.query.get('branch'), 'v1.2.0');
  t.match(list.query.get('created'), /^>=\d{4}-\d\d-\d\dT/);

  const legacy = await deploy(app, { application: 'legacy', version: 'v1.0.0', environment: 'staging' });
  const r = (await finished(app, legacy)).results[0];
  t.match(r, { status: 'failed', error: { detail: /lacks the line `run-name: deploy \$\{\{ inputs\.version \}\} \[\$\{\{ inputs\.capstan_id \}\}\]`/ } });
});

t.test('canceled while the run of a 204 dispatch is looked for: found and canceled all the same', async (t) => {
  fake.runDetails = 'ignored';
  fake.appearAfterMs = 700;
  t.teardown(() => { fake.runDetails = 'supported'; fake.appearAfterMs = 100; });
  const id = await deploy(app, { application: 'shop', version: 'stuck-3', environment: 'staging' });
  await until('dispatched', async () => lines(await events(app, id), 'stdout', 'web1').some((l) => /looking for its run/.test(l)));
  await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel` });
  const { exec, results } = await finished(app, id);
  t.equal(exec.status, 'canceled');
  const run = [...fake.runs.values()].find((r) => r.ref === 'stuck-3')!;
  t.ok(fake.requests.some((r) => r.method === 'POST' && r.path === `/repos/acme/shop/actions/runs/${run.id}/cancel`), 'the run was canceled in GitHub');
  t.equal(run.conclusion, 'cancelled');
  t.match(results[0], { status: 'canceled', value: { toolStatus: 'completed/cancelled' } });
});

t.test('API version 2026-03-10: the dispatch answers the run id, no return_run_details sent', async (t) => {
  const app2 = await buildTestApp(t, { plugins: { 'github-actions': { ...base, apiVersion: '2026-03-10' }, ssh: { inventoryFile: join(dir, 'inventory.yaml') } } });
  const id = await deploy(app2, { application: 'shop', version: 'v3.0.0', environment: 'staging' });
  const { results } = await finished(app2, id);
  t.equal(results[0].status, 'succeeded');
  const d = fake.requests.filter((r) => r.path.endsWith('/dispatches')).at(-1)!;
  t.equal(d.headers['x-github-api-version'], '2026-03-10');
  t.notOk('return_run_details' in JSON.parse(d.body));
});

t.test('rate limits are waited (primary and secondary), 5xx while following retried', async (t) => {
  fake.fault(/\/dispatches$/, 1, FakeGitHub.secondaryLimit(1), 'POST');
  fake.fault(/\/actions\/runs\/\d+$/, 1, FakeGitHub.primaryLimit(1));
  fake.fault(/\/actions\/runs\/\d+\/jobs$/, 2, FakeGitHub.serverError(502));
  fake.fault(/\/actions\/jobs\/\d+\/logs$/, 1, FakeGitHub.serverError(503));
  const started = Date.now();
  const id = await deploy(app, { application: 'shop', version: 'v3.1.0', environment: 'staging' });
  const { results, notices } = await finished(app, id);
  t.equal(results[0].status, 'succeeded');
  t.ok(Date.now() - started >= 1500, 'waited');
  t.ok(notices.some((n) => /rate limit reached \(HTTP 429\); waiting 1 s/.test(n.message)), 'secondary limit told');
  t.ok(notices.some((n) => /rate limit reached \(HTTP 403\)/.test(n.message)), 'primary limit told');
  t.ok(notices.some((n) => /HTTP 502.*retrying/.test(n.message)), '5xx retried and told');
  t.ok(notices.some((n) => /fetching the log of job build failed .*HTTP 503.*retrying/.test(n.message)), 'a log fetch retried');
  const out = lines(await events(app, id), 'stdout', 'web1');
  t.equal(out.filter((l) => l === LONG_LINE).length, 1, 'a re-fetched log streamed once');
  t.equal(out.filter((l) => l === '--- log of job build ---').length, 1);
  t.equal(fake.requests.filter((r) => r.path.endsWith('/dispatches') && JSON.parse(r.body).ref === 'v3.1.0').length, 2, 'the limited dispatch sent again, once');
});

t.test('a budget announced spent (remaining 0 on a 2xx): the next request waits for the reset', async (t) => {
  const id = await deploy(app, { application: 'shop', version: 'v2.0.0', environment: 'budget' });
  await until('run followed', async () => lines(await events(app, id), 'stdout', 'web1').some((l) => /job build/.test(l)));
  fake.exhaust(1);
  const { results, notices } = await finished(app, id);
  t.equal(results[0].status, 'succeeded');
  t.equal(fake.refused, 0, 'no request sent before the reset');
  t.ok(notices.some((n) => /rate limit of the token spent \(x-ratelimit-remaining 0\); waiting/.test(n.message)));
});

t.test('error answers of the dispatch: typed, with the words of GitHub', async (t) => {
  const failOf = async (version: string) => (await finished(app, await deploy(app, { application: 'shop', version, environment: 'staging' }))).results[0];
  t.match(await failOf('no-such-ref'), { status: 'failed', exitCode: null, error: { code: 'CAPSTAN_ERR_DEPLOYMENT_FAILED', detail: /HTTP 422: No ref found for: no-such-ref/ } });
  fake.fault(/\/dispatches$/, 1, (res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"Invalid value for input region","status":"400"}'), 'POST');
  t.match(await failOf('v1.0.0'), { status: 'failed', exitCode: null, error: { code: 'CAPSTAN_ERR_DEPLOYMENT_FAILED', detail: /HTTP 400: Invalid value for input region/ } });
  fake.fault(/\/dispatches$/, 1, (res) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}'), 'POST');
  t.match(await failOf('v1.0.0'), { error: { code: 'CAPSTAN_ERR_RECORD_NOT_FOUND', detail: /HTTP 404: Not Found/ } });
  fake.fault(/\/dispatches$/, 1, (res) => res.writeHead(403, { 'content-type': 'application/json', 'x-ratelimit-remaining': '4000' }).end('{"message":"Resource not accessible by integration","status":"403"}'), 'POST');
  t.match(await failOf('v1.0.0'), { error: { code: 'CAPSTAN_ERR_TARGET_AUTH_FAILED', detail: /HTTP 403: Resource not accessible by integration/ } });
  fake.fault(/\/dispatches$/, 1, FakeGitHub.serverError(500), 'POST');
  const before = fake.runs.size;
  t.match(await failOf('v1.0.0'), { status: 'failed', exitCode: null, error: { code: 'CAPSTAN_ERR_DEPLOYMENT_FAILED', detail: /outcome of the dispatch .* is unknown \(.*HTTP 500: Server Error.*no run carrying capstan_id=.* look at https:\/\/github\.com\/acme\/shop\/actions\/workflows\/deploy\.yml/ } });
  t.equal(fake.runs.size, before, 'nothing was created, nothing sent again');
});

t.test('a bad token: typed auth errors', async (t) => {
  const wrong = 'ghp_wrongToken_00000000000000000000';
  const bad = await buildTestApp(t, { plugins: { 'github-actions': { ...base, token: wrong }, ssh: { inventoryFile: join(dir, 'inventory.yaml') } } });
  const health = await call(bad, 'GET', '/api/v1/plugins/github-actions');
  t.match(health.body, { health: { status: 'degraded', message: /refused the credentials \(HTTP 401: Bad credentials\)/ } });
  // A token revoked after start: the run fails with a typed error.
  const app3 = await buildTestApp(t, { plugins: { 'github-actions': base, ssh: { inventoryFile: join(dir, 'inventory.yaml') } } });
  fake.token = wrong.replace('wrong', 'other');
  t.teardown(() => { fake.token = TOKEN; });
  const id = await deploy(app3, { application: 'shop', version: 'v1.0.0', environment: 'staging' });
  const { results } = await finished(app3, id);
  t.match(results[0], { status: 'failed', error: { code: 'CAPSTAN_ERR_TARGET_AUTH_FAILED', detail: /HTTP 401: Bad credentials/ } });
  const h = await call(app3, 'GET', '/api/v1/deployments?application=shop');
  t.match(h.body.sources, [{ source: 'github-actions', status: 'error' }]);
  t.notOk(JSON.stringify(health.body).includes(wrong), 'the wrong token is not quoted either');
});

t.test('timeout of a running deployment: timed_out with ExecutionTimeout, the run canceled in GitHub first, completed logs kept', async (t) => {
  const id = await deploy(app, { application: 'shop', version: 'stuck-4', environment: 'staging' }, { timeoutSeconds: 1 });
  const { exec, results, out } = await finished(app, id);
  t.equal(exec.status, 'timed_out');
  t.match(results[0], { status: 'timed_out', exitCode: null, error: { code: 'CAPSTAN_ERR_EXECUTION_TIMEOUT', detail: /timed out; GitHub Actions run \d+ ended completed\/cancelled/ }, value: { status: 'canceled' } });
  const run = [...fake.runs.values()].find((r) => r.ref === 'stuck-4')!;
  t.ok(fake.requests.some((r) => r.method === 'POST' && r.path === `/repos/acme/shop/actions/runs/${run.id}/cancel`), 'canceled in GitHub');
  t.equal(run.conclusion, 'cancelled');
  t.ok(out.includes('--- log of job build ---') && out.includes(LONG_LINE), 'the build log streamed');
  t.ok(out.includes('--- log of job deploy ---'), 'the canceled deploy job\'s log too');
});

t.test('server shutdown: the run is left running in GitHub, canceled + ServerClosing, deploy.status follows it later', async (t) => {
  const dataDir = tempDir('capstan-gha-shutdown-');
  const cfg = { plugins: { 'github-actions': base, ssh: { inventoryFile: join(dir, 'inventory.yaml') } }, dataDir };
  const a = await buildTestApp(t, cfg);
  const id = await deploy(a, { application: 'shop', version: 'stuck-5', environment: 'staging' });
  await until('deploy step running', async () => lines(await events(a, id), 'stdout', 'web1').includes('step 2 "Deploy": in_progress'));
  await a.close();
  const run = [...fake.runs.values()].find((r) => r.ref === 'stuck-5')!;
  t.notOk(fake.requests.some((r) => r.path.startsWith(`/repos/acme/shop/actions/runs/${run.id}/`) && r.method === 'POST'), 'neither cancel nor force-cancel sent');
  t.equal(run.status, 'in_progress', 'still running in GitHub');
  const b = await buildTestApp(t, cfg);
  const evs = await events(b, id);
  const result = evs.find((e) => e.type === 'target_result' && e.data.target === 'web1')!.data;
  t.match(result, { status: 'canceled', exitCode: null, error: { code: 'CAPSTAN_ERR_SERVER_CLOSING', detail: /goes on in GitHub/ }, value: { id: `github-actions.acme~shop.run-${run.id}`, status: 'running' } }); // no deployment-id look-up after an abort (A1)
  t.ok(evs.some((e) => e.type === 'notice' && /left running in GitHub \(not canceled\)/.test(e.data.message)), 'a notice says so');
  t.ok(lines(evs, 'stdout', 'web1').includes('--- log of job build ---'), 'the completed build job\'s log streamed');
  const st = await call(b, 'GET', `/api/v1/deployments/github-actions.acme~shop.run-${run.id}`);
  t.match(st, { status: 200, body: { deployment: { status: 'running', executionId: id, targets: ['web1', 'web2'] } } }, 'the record was kept');
  fake.approve(run.id);
  run.scenario = 'success';
});

t.test('a cancel while the dispatch is on its way: the run it created is found and canceled', async (t) => {
  fake.dispatchDelayMs = 600;
  const id = await deploy(app, { application: 'shop', version: 'stuck-6', environment: 'staging' });
  await until('dispatch sent', async () => fake.requests.some((r) => r.path.endsWith('/dispatches') && JSON.parse(r.body).ref === 'stuck-6'));
  await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel` });
  const { exec, results } = await finished(app, id);
  t.equal(exec.status, 'canceled');
  const run = [...fake.runs.values()].find((r) => r.ref === 'stuck-6')!;
  t.ok(fake.requests.some((r) => r.method === 'POST' && r.path === `/repos/acme/shop/actions/runs/${run.id}/cancel`), 'canceled in GitHub');
  t.equal(run.conclusion, 'cancelled');
  t.match(results[0], { status: 'canceled', exitCode: null });
  t.notOk('error' in results[0]);
});

t.test('canceled or timed out before the run of a 204 dispatch appears: canceled without error / ExecutionTimeout, told', async (t) => {
  fake.runDetails = 'ignored';
  fake.appearAfterMs = 60_000;
  t.teardown(() => { fake.runDetails = 'supported'; fake.appearAfterMs = 100; });
  const id = await deploy(app, { application: 'shop', version: 'late-1', environment: 'staging' });
  await until('dispatched', async () => lines(await events(app, id), 'stdout', 'web1').some((l) => /looking for its run/.test(l)));
  await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel` });
  const c = await finished(app, id);
  t.equal(c.exec.status, 'canceled');
  t.match(c.results[0], { status: 'canceled', exitCode: null });
  t.notOk('error' in c.results[0], 'no error field');
  t.ok(c.notices.some((n) => /canceled before the run was found: a run GitHub may have started is not canceled by Capstan/.test(n.message)));
  const id2 = await deploy(app, { application: 'shop', version: 'late-2', environment: 'staging' }, { timeoutSeconds: 1 });
  const o = await finished(app, id2);
  t.equal(o.exec.status, 'timed_out');
  t.match(o.results[0], { status: 'timed_out', exitCode: null, error: { code: 'CAPSTAN_ERR_EXECUTION_TIMEOUT', detail: /before its run was found/ } });
});

t.test('a dispatch whose answer is lost (502, dropped connection): the run is found by its correlation input, never sent again', async (t) => {
  fake.dispatchAnswer = FakeGitHub.serverError(502);
  const id = await deploy(app, { application: 'shop', version: 'v4.0.0', environment: 'staging' });
  const { results, notices } = await finished(app, id);
  t.match(results[0], { status: 'succeeded', value: { version: 'v4.0.0', executionId: id } });
  t.ok(notices.some((n) => /got no clear answer .*HTTP 502.*looking for a run carrying capstan_id=/.test(n.message)));
  t.equal(fake.requests.filter((r) => r.path.endsWith('/dispatches') && JSON.parse(r.body).ref === 'v4.0.0').length, 1, 'sent once');
  fake.dispatchAnswer = (res) => res.destroy();
  const id2 = await deploy(app, { application: 'shop', version: 'v4.1.0', environment: 'staging' });
  t.match((await finished(app, id2)).results[0], { status: 'succeeded', value: { version: 'v4.1.0' } });
  t.equal(fake.requests.filter((r) => r.path.endsWith('/dispatches') && JSON.parse(r.body).ref === 'v4.1.0').length, 1, 'sent once');
});

t.test('job logs late after completion: asked again with backoff; never there: a notice', async (t) => {
  fake.logDelayMs = 500;
  const id = await deploy(app, { application: 'shop', version: 'v4.2.0', environment: 'staging' });
  const { results, out } = await finished(app, id);
  t.equal(results[0].status, 'succeeded');
  for (const j of ['build', 'deploy', 'notify']) t.equal(out.filter((l) => l === `--- log of job ${j} ---`).length, 1, `${j} log once`);
  t.ok(out.indexOf('--- log of job build ---') < out.indexOf('--- log of job deploy ---') && out.indexOf('--- log of job deploy ---') < out.indexOf('--- log of job notify ---'), 'in job order');
  fake.logDelayMs = 60_000;
  t.teardown(() => { fake.logDelayMs = 150; });
  const id2 = await deploy(app, { application: 'shop', version: 'v4.3.0', environment: 'staging' });
  const r2 = await finished(app, id2);
  t.equal(r2.results[0].status, 'succeeded');
  t.ok(r2.notices.some((n) => /no log for job build .*did not appear after 4 retries/.test(n.message)));
  const build = [...fake.runs.values()].find((r) => r.ref === 'v4.3.0')!.jobs[0];
  t.equal(fake.requests.filter((r) => r.path.endsWith(`/jobs/${build.id}/logs`)).length, 5, 'asked 5 times in all');
});

t.test('previousVersion on deploy.execute: the environment\'s latest successful deployment before it', async (t) => {
  fake.addDeployment(REPO, { ref: 'v1.0.0', environment: 'prevenv', states: ['success'], minutesAgo: 30 });
  fake.addDeployment(REPO, { ref: 'v1.1.0', environment: 'prevenv', states: ['failure'], minutesAgo: 20 });
  const id = await deploy(app, { application: 'shop', version: 'v1.2.0', environment: 'prevenv' });
  t.match((await finished(app, id)).results[0].value, { version: 'v1.2.0', previousVersion: 'v1.0.0' });
  const id2 = await deploy(app, { application: 'shop', version: 'v2.0.0', environment: 'prevenv' });
  t.match((await finished(app, id2)).results[0].value, { version: 'v2.0.0', previousVersion: 'v1.2.0' });
});

t.test('history without application: each allowed application read from GitHub, merged newest first; at most 4 requests in flight', async (t) => {
  for (let i = 0; i < 12; i++) fake.addDeployment(REPO, { ref: 'v1.0.0', environment: 'bulk', states: ['in_progress', i % 2 ? 'success' : 'failure'], minutesAgo: 5 + i });
  const legacyDep = fake.addDeployment('acme/legacy', { ref: 'v1.0.0', environment: 'production', states: ['success'], minutesAgo: 0.01 });
  const seen: any[] = [];
  let cursor: string | null = null;
  do {
    const res = await call(app, 'GET', `/api/v1/deployments?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    t.equal(res.status, 200);
    seen.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  t.equal(seen.length, fake.deployments.length, 'every deployment of both repositories once');
  t.equal(new Set(seen.map((d) => d.id)).size, seen.length);
  t.match(seen.find((d) => d.id === `github-actions.acme~legacy.${legacyDep}`), { application: 'legacy', status: 'succeeded' });
  t.ok(seen.some((d) => d.application === 'shop'));
  const times = seen.map((d) => Date.parse(d.startedAt));
  t.same(times, [...times].sort((a, b) => b - a), 'newest first');
  fake.slowMs = 40;
  fake.maxInFlight = 0;
  t.teardown(() => { fake.slowMs = 0; });
  const many = await call(app, 'GET', '/api/v1/deployments?application=shop&limit=50');
  t.ok(many.body.items.length >= 2);
  const merged = await call(app, 'GET', '/api/v1/deployments?limit=30');
  t.equal(merged.body.items.length, Math.min(30, fake.deployments.length));
  const byNode = await call(app, 'GET', '/api/v1/deployments?node=web1&limit=30');
  t.ok(byNode.body.items.length >= 1);
  t.ok(fake.maxInFlight <= 4 && fake.maxInFlight >= 2, `at most 4 requests in flight (saw ${fake.maxInFlight})`);
});

t.test('aborted during a rate-limit wait before the dispatch: nothing is sent, canceled / timed_out', async (t) => {
  const dispatches = (ref: string) => fake.requests.filter((r) => r.path.endsWith('/dispatches') && JSON.parse(r.body).ref === ref).length;
  fake.fault(/\/dispatches$/, 1, FakeGitHub.secondaryLimit(30), 'POST');
  const id = await deploy(app, { application: 'shop', version: 'rl-1', environment: 'staging' });
  await until('the wait told', async () => (await events(app, id)).some((e) => e.type === 'notice' && /rate limit reached \(HTTP 429\); waiting 30 s/.test(e.data.message)));
  const started = Date.now();
  await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel` });
  const c = await finished(app, id);
  t.ok(Date.now() - started < 3000, `the wait was cut by the cancel (${Date.now() - started} ms)`);
  t.equal(c.exec.status, 'canceled');
  t.match(c.results[0], { status: 'canceled', exitCode: null });
  t.notOk('error' in c.results[0], 'no error field');
  t.equal(dispatches('rl-1'), 1, 'only the refused dispatch: nothing sent after the wait');
  t.notOk([...fake.runs.values()].some((r) => r.ref === 'rl-1'), 'no run created');
  t.ok(c.notices.some((n) => /nothing was dispatched/.test(n.message)));
  fake.fault(/\/dispatches$/, 1, FakeGitHub.secondaryLimit(30), 'POST');
  const id2 = await deploy(app, { application: 'shop', version: 'rl-2', environment: 'staging' }, { timeoutSeconds: 1 });
  const o = await finished(app, id2);
  t.equal(o.exec.status, 'timed_out');
  t.match(o.results[0], { status: 'timed_out', exitCode: null, error: { code: 'CAPSTAN_ERR_EXECUTION_TIMEOUT', detail: /before anything was dispatched/ } });
  t.equal(dispatches('rl-2'), 1, 'nothing sent after the wait');
});

t.test('GitHub silent after a cancel: everything after the abort fits one deadline (abortSettleMs less 2 s)', async (t) => {
  const id = await deploy(app, { application: 'shop', version: 'stuck-7', environment: 'staging' });
  await until('deploy step running', async () => lines(await events(app, id), 'stdout', 'web1').includes('step 2 "Deploy": in_progress'));
  const silent = (res: import('node:http').ServerResponse) => { setTimeout(() => { if (!res.destroyed) res.writeHead(502).end(); }, 20_000).unref(); };
  fake.fault(/\/actions\/runs\/\d+\/(force-)?cancel$/, 2, silent, 'POST');
  fake.fault(/\/deployments$/, 10, silent, 'GET');
  fake.fault(/\/actions\/runs\/\d+(\/jobs)?$/, 200, silent, 'GET');
  t.teardown(() => fake.clearFaults());
  const started = Date.now();
  await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel` });
  const { exec, results, notices } = await finished(app, id);
  const took = Date.now() - started;
  t.ok(took < base.cancelWaitMs + 5000 - 2000, `the outcome within the deadline (${took} ms)`);
  t.equal(exec.status, 'canceled');
  t.match(results[0], { status: 'canceled', exitCode: null });
  t.ok(notices.some((n) => /did not confirm that run \d+ stopped/.test(n.message)), 'unconfirmed: told');
});

t.test('a dispatch of unknown outcome whose run is not found, canceled meanwhile: canceled, the unknown outcome told, never "nothing dispatched"', async (t) => {
  fake.dispatchAnswer = FakeGitHub.serverError(502);
  fake.appearAfterMs = 60_000;
  t.teardown(() => { fake.appearAfterMs = 100; });
  const id = await deploy(app, { application: 'shop', version: 'late-3', environment: 'staging' });
  await until('looking for the run', async () => (await events(app, id)).some((e) => e.type === 'notice' && /got no clear answer/.test(e.data.message)));
  await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel` });
  const c = await finished(app, id);
  t.equal(c.exec.status, 'canceled');
  t.match(c.results[0], { status: 'canceled', exitCode: null });
  t.ok(c.notices.some((n) => /outcome of the dispatch .* is unknown .*look at https:\/\/github\.com\/acme\/shop\/actions\/workflows\/deploy\.yml/.test(n.message)), 'the unknown outcome told');
  t.notOk(c.notices.some((n) => /nothing was (dispatched|triggered)/.test(n.message)));
});

t.test('submit: each ref component checked (R8; the repository an application makes: unit test)', async (t) => {
  const before = fake.requests.length;
  const bad = async (params: Record<string, unknown>, pointer: string, re: RegExp) => {
    const res = await call(app, 'POST', '/api/v1/deployments', { targets: ['shop-prod'], params });
    t.equal(res.status, 400, JSON.stringify(params));
    t.ok((res.body.errors ?? []).some((e: { pointer?: string; message?: string }) => e.pointer === pointer && re.test(e.message ?? '')), `${pointer}: ${JSON.stringify(res.body).slice(0, 300)}`);
  };
  await bad({ application: 'shop', version: '.hidden', environment: 'qa' }, '/params/version', /starts with "\."/);
  await bad({ application: 'shop', version: 'release/.x', environment: 'qa' }, '/params/version', /starts with "\."/);
  await bad({ application: 'shop', version: 'a.lock/b', environment: 'qa' }, '/params/version', /ends with "\.lock"/);
  t.equal(fake.requests.length, before, 'nothing reached GitHub');
});

t.test('rollback from a run id: its record checked at submit, its environment checked before it is the anchor (R7)', async (t) => {
  const id = await deploy(app, { application: 'shop', version: 'v5.1.0', environment: 'r7env' });
  t.equal((await finished(app, id)).exec.status, 'succeeded');
  const run = [...fake.runs.values()].find((r) => r.ref === 'v5.1.0')!;
  fake.addDeployment(REPO, { ref: 'v5.0.0', environment: 'r7env', states: ['success'], minutesAgo: 30 });
  const before = fake.requests.length;
  const other = await call(app, 'POST', `/api/v1/deployments/github-actions.acme~shop.run-${run.id}/rollback`, { targets: ['shop-prod'], params: { application: 'shop', environment: 'staging' } });
  t.equal(other.status, 400, 'a run of another environment, known from its record: refused at submit');
  t.match(JSON.stringify(other.body), /deployed shop to r7env, not shop to staging/);
  t.equal(fake.requests.length, before, 'nothing reached GitHub');
  // A run Capstan did not start (no local record): its environment is read from the deployment it created.
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/vnd.github+json', 'user-agent': 'test' };
  const sent = await fetch(`${fake.url}/repos/acme/shop/actions/workflows/deploy.yml/dispatches`, { method: 'POST', headers, body: JSON.stringify({ ref: 'v5.1.0', inputs: { version: 'v5.1.0', environment: 'r7env', capstan_id: 'by-hand' } }) });
  t.ok(sent.status < 300);
  const outside = [...fake.runs.values()].find((r) => r.ref === 'v5.1.0' && r.inputs.capstan_id === 'by-hand')!;
  await until('the outside run completed', async () => (await (await fetch(`${fake.url}/repos/acme/shop/actions/runs/${outside.id}`, { headers })).json()).status === 'completed');
  const dispatches = () => fake.requests.filter((r) => r.path.endsWith('/dispatches')).length;
  const d0 = dispatches();
  const wrong = await call(app, 'POST', `/api/v1/deployments/github-actions.acme~shop.run-${outside.id}/rollback`, { targets: ['shop-prod'], params: { application: 'shop', environment: 'staging' } });
  t.equal(wrong.status, 202);
  t.match((await finished(app, wrong.body.id)).results[0], { status: 'failed', exitCode: null, error: { code: 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID', detail: /deployed to r7env, not staging: not rolled back/ } });
  t.equal(dispatches(), d0, 'nothing dispatched');
  const right = await call(app, 'POST', `/api/v1/deployments/github-actions.acme~shop.run-${outside.id}/rollback`, { targets: ['shop-prod'], params: { application: 'shop', environment: 'r7env' } });
  t.match((await finished(app, right.body.id)).results[0], { status: 'succeeded', value: { version: 'v5.0.0', previousVersion: 'v5.1.0', environment: 'r7env' } });
});

t.test('history cursors are keyset: a deployment made between two page reads never repeats nor skips one (A5)', async (t) => {
  const made = Array.from({ length: 7 }, (_, i) => fake.addDeployment(REPO, { ref: 'v1.0.0', environment: 'keyset', states: ['success'], minutesAgo: 300 + i }));
  const walk = async (url: string) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let n = 0;
    do {
      const res = await call(app, 'GET', `${url}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      t.equal(res.status, 200);
      seen.push(...res.body.items.map((d: { id: string }) => d.id));
      cursor = res.body.nextCursor;
      // A new deployment after each page read: it shifts GitHub's pages by one.
      fake.addDeployment(REPO, { ref: 'v1.0.0', environment: 'keyset', states: ['success'], minutesAgo: 0 });
      n++;
    } while (cursor && n < 20);
    return seen;
  };
  const one = await walk('/api/v1/deployments?application=shop&environment=keyset&limit=2');
  t.equal(new Set(one).size, one.length, 'no item repeats');
  for (const d of made) t.ok(one.includes(`github-actions.acme~shop.${d}`), `deployment ${d} not skipped`);
  const merged = await walk('/api/v1/deployments?environment=keyset&limit=3');
  t.equal(new Set(merged).size, merged.length, 'merged: no item repeats');
  for (const d of made) t.ok(merged.includes(`github-actions.acme~shop.${d}`), `merged: deployment ${d} not skipped`);
  const reads = fake.requests.filter((r) => r.path === '/repos/acme/shop/deployments' && r.query.get('environment') === 'keyset');
  t.ok(reads.every((r) => Number(r.query.get('per_page')) <= 4), 'at most limit+1 per page read');
});

t.test('the token never leaves its header', async (t) => {
  answers.push((await app.inject({ url: '/api/v1/plugins/github-actions' })).body, (await app.inject({ url: '/api/v1/plugins' })).body);
  t.ok(answers.length > 20);
  for (const a of answers) if (a.includes(TOKEN)) t.fail(`an answer holds the token: ${a.slice(0, 200)}`);
  t.notOk(JSON.stringify(logs.lines).includes(TOKEN), 'no log line holds the token');
  t.notOk(fake.everythingButAuth().includes(TOKEN), 'no request holds it but in Authorization');
  t.notOk(JSON.stringify(logs.lines).includes('input-secret-value-42'), 'nor a secret parameter in the logs');
});
