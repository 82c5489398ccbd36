/**
 * API tests of the jenkins plugin through Capstan's routes, against the fake Jenkins (fake-jenkins.ts) on
 * 127.0.0.101: a deploy on a group of two nodes (one build, the log streamed once, in order and complete,
 * a line over 64 KiB and multibyte characters split across fetches, journal entries), FAILURE / UNSTABLE /
 * ABORTED-in-Jenkins mapped, cancel while building and while queued (stop, term), a build waiting at an input
 * step when the time runs out, rollback, history pages, status by id, bad input refused before any request,
 * a wrong token, the CSRF crumb with its session cookie, 429 waited, 5xx retried; the token never in a log
 * line, an answer, the output or a URL.
 */
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp, waitForExecution } from '../../../../test/helper.js';
import { captureLogs } from '../../../../test/observability.js';
import { until } from '../../../../test/until.js';
import { events as output } from '../../../../test/executions-api.js';
import { FakeJenkins } from './fake-jenkins.js';

const USER = 'deploy-bot';
const TOKEN = '11aa22bb33cc44dd55ee66ff77889900aa';
const PASSWORD = 'correct-horse-battery-staple';
const SECRET_PARAM = 's3cr3t-db-password-value';

const fake = new FakeJenkins({ user: USER, token: TOKEN, passwordUsers: { 'human': PASSWORD } });
await fake.start();
t.teardown(() => fake.stop());
for (const app of ['shop', 'api', 'web']) fake.addJob(`deploy-${app}`, ['VERSION', 'ENVIRONMENT', 'DB_PASSWORD', 'REGION']);
fake.addJob('deploy-plain', []);
fake.addJob('deploy-off', ['VERSION', 'ENVIRONMENT'], { disabled: true });

const dir = t.testdir({ 'inventory.yaml': 'groups:\n  - name: staging\n    targets:\n      - { name: web1, uri: "127.0.0.1:1" }\n      - { name: web2, uri: "127.0.0.1:1" }\n' });
const inventory = { ssh: { inventoryFile: join(dir, 'inventory.yaml'), connectTimeoutSeconds: 2 } };
const jenkins = (extra: Record<string, unknown> = {}) => ({ url: fake.url, user: USER, token: TOKEN, pollIntervalMs: 30, stopGraceMs: 300, timeoutMs: 3000, ...extra });

const logs = captureLogs();
const app = await buildTestApp(t, { logLevel: 'debug', plugins: { ...inventory, jenkins: jenkins({ applications: ['shop', 'api', 'web', 'plain', 'off'] }) } }, { logStream: logs.stream });

const answers: string[] = [];
async function call(a: FastifyInstance, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const res = await a.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  answers.push(res.body);
  return { status: res.statusCode, body: res.json() };
}

const stdout = (events: { type: string; data: any }[], target = 'web1') => events.filter((e) => e.type === 'stdout' && e.data.target === target).map((e) => e.data.line as string);

async function deploy(a: FastifyInstance, params: Record<string, unknown>, targets = ['staging'], timeoutSeconds?: number) {
  const res = await call(a, 'POST', '/api/v1/deployments', { targets, params, ...(timeoutSeconds ? { timeoutSeconds } : {}) });
  if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}
async function run(a: FastifyInstance, params: Record<string, unknown>, targets = ['staging'], timeoutSeconds?: number) {
  const id = await deploy(a, params, targets, timeoutSeconds);
  const exec = await waitForExecution(a, id, 90);
  answers.push(JSON.stringify(exec));
  return { id, exec, events: await output(a, id) };
}

t.test('deploy: one build for the group, the log streamed once and complete, the Deployment as value', async (t) => {
  const long = `LONG:${'x'.repeat(70_000)}`;
  const multi = `é${'€ü😀'.repeat(1500)}end`;
  fake.chunkBytes = 4093;
  fake.scenarios.push({ script: ['Started by user deploy-bot\r\n', `${long}\r\n`, 'half a li', `ne\r\n${multi}\r\n`, 'done\r\n'] });
  const before = fake.requests.length;
  const { id, exec, events } = await run(app, { application: 'shop', version: '2.8.0', environment: 'staging', parameters: { REGION: 'eu-1', DB_PASSWORD: SECRET_PARAM } });
  fake.chunkBytes = 4096;
  t.equal(exec.status, 'succeeded');
  t.same(exec.results.map((r: any) => [r.target, r.status, r.exitCode]), [['web1', 'succeeded', 0], ['web2', 'succeeded', 0]]);
  const lines = stdout(events);
  const log = lines.filter((l) => !/^(queued as|build #\d+ (started|finished))/.test(l));
  t.same(log, ['Started by user deploy-bot', long, 'half a line', multi, 'done', 'Finished: SUCCESS'], 'every line once, in order, whole (64 KiB+ line, multibyte split across fetches)');
  t.match(lines[0], /^queued as #\d+ in Jenkins job deploy-shop$/);
  t.same(stdout(events, 'web2'), [], 'the log streams under the first target only');
  t.ok(events.some((e) => e.type === 'notice' && e.data.target === 'web2' && /streams under web1/.test(e.data.message)));
  t.ok(events.some((e) => e.type === 'notice' && /^queued: /.test(e.data.message)), 'the queue item\'s why as a notice');
  const job = fake.jobs.get('deploy-shop')!;
  const number = job.builds[0].number;
  const value = exec.results[0].value;
  t.match(value, {
    id: `jenkins.deploy-shop.${number}`, application: 'shop', version: '2.8.0', environment: 'staging', status: 'succeeded', targets: ['web1', 'web2'],
    source: 'jenkins', ref: '2.8.0', toolStatus: 'SUCCESS', executionId: id, initiatedBy: USER, url: `${fake.url}/job/deploy-shop/${number}/`,
  });
  t.ok(value.finishedAt >= value.startedAt);
  const mine = fake.requests.slice(before);
  const triggers = mine.filter((r) => r.path.endsWith('/buildWithParameters'));
  t.equal(triggers.length, 1, 'one build per execution, not one per target');
  t.same(Object.fromEntries(new URLSearchParams(triggers[0].body)), { REGION: 'eu-1', DB_PASSWORD: SECRET_PARAM, VERSION: '2.8.0', ENVIRONMENT: 'staging' }, 'parameters in the form body');
  t.equal(triggers[0].query.toString(), '', 'nothing in the query string');
  t.notOk(mine.some((r) => r.path.startsWith('/crumbIssuer')), 'an API token needs no crumb');
  t.ok(mine.every((r) => r.headers.authorization === `Basic ${Buffer.from(`${USER}:${TOKEN}`).toString('base64')}`));
  t.ok(job.builds[0].params.DB_PASSWORD === SECRET_PARAM, 'the secret parameter reached Jenkins');
  t.notOk(JSON.stringify(events).includes(SECRET_PARAM), 'the secret parameter is not in the output');
  const offsets = mine.filter((r) => r.path.endsWith('/progressiveText')).map((r) => Number(r.query.get('start')));
  t.ok(offsets.every((o, i) => i === 0 || o >= offsets[i - 1]), 'log offsets never go back');
  // The journal of both nodes.
  for (const node of ['web1', 'web2']) {
    const j = await call(app, 'GET', `/api/v1/journal?node=${node}`);
    t.ok(j.body.items.some((e: any) => JSON.stringify(e).includes(id)), `journal entry on ${node}`);
  }
  // Status by id, with the targets and execution of the run.
  const st = await call(app, 'GET', `/api/v1/deployments/${value.id}`);
  t.equal(st.status, 200);
  t.match(st.body.deployment, { id: value.id, status: 'succeeded', targets: ['web1', 'web2'], executionId: id, version: '2.8.0' });
});

for (const [result, status] of [['FAILURE', 'failed'], ['UNSTABLE', 'failed'], ['ABORTED', 'failed'], ['NOT_BUILT', 'failed']] as const) {
  t.test(`a build ending ${result} -> ${status}, DeploymentFailed with the tool status`, async (t) => {
    fake.scenarios.push({ result });
    const { exec, events } = await run(app, { application: 'api', version: '1.0.1', environment: 'staging' }, ['web1']);
    t.equal(exec.status, 'failed');
    t.match(exec.results[0], { status: 'failed', exitCode: 1, error: { code: 'CAPSTAN_ERR_DEPLOYMENT_FAILED', detail: new RegExp(`ended ${result}`) }, value: { toolStatus: result, status: result === 'ABORTED' || result === 'NOT_BUILT' ? 'canceled' : 'failed' } });
    t.ok(stdout(events).includes(`Finished: ${result}`));
  });
}

t.test('cancel while building: Jenkins is asked to stop, the execution is canceled once it stopped', async (t) => {
  fake.scenarios.push({ hang: true });
  const id = await deploy(app, { application: 'web', version: '3.0.0', environment: 'staging' }, ['web1']);
  const job = fake.jobs.get('deploy-web')!;
  await until('the build runs', () => job.builds[0]?.building && job.builds[0].log.length > 0);
  const c = await call(app, 'POST', `/api/v1/executions/${id}/cancel`);
  t.ok(c.status < 300);
  const exec = await waitForExecution(app, id, 60);
  t.equal(exec.status, 'canceled');
  t.match(exec.results[0], { status: 'canceled', value: { status: 'canceled', toolStatus: 'ABORTED' } });
  t.ok(fake.requests.some((r) => r.method === 'POST' && r.path === `/job/deploy-web/${job.builds[0].number}/stop`));
  t.equal(job.builds[0].result, 'ABORTED');
  t.ok(stdout(await output(app, id)).includes('Finished: ABORTED'), 'the log is followed to its end');
});

t.test('cancel a Pipeline run that ignores stop: term after the grace', async (t) => {
  fake.scenarios.push({ hang: true, ignoreStop: true, pipeline: true });
  const id = await deploy(app, { application: 'web', version: '3.0.1', environment: 'staging' }, ['web1']);
  const job = fake.jobs.get('deploy-web')!;
  await until('the build runs', () => job.builds[0]?.params.VERSION === '3.0.1' && job.builds[0].building);
  await call(app, 'POST', `/api/v1/executions/${id}/cancel`);
  const exec = await waitForExecution(app, id, 60);
  t.equal(exec.status, 'canceled');
  const n = job.builds[0].number;
  t.ok(fake.requests.some((r) => r.path === `/job/deploy-web/${n}/term`), 'term sent');
  t.equal(job.builds[0].result, 'ABORTED');
});

t.test('cancel while queued: the queue item is cancelled', async (t) => {
  fake.scenarios.push({ stuckInQueue: true });
  const id = await deploy(app, { application: 'web', version: '3.1.0', environment: 'staging' }, ['web1']);
  await until('queued', () => [...fake.queue.values()].find((q) => q.params.VERSION === '3.1.0' && q.polls > 1));
  await call(app, 'POST', `/api/v1/executions/${id}/cancel`);
  const exec = await waitForExecution(app, id, 60);
  t.equal(exec.status, 'canceled');
  const q = [...fake.queue.values()].find((x) => x.params.VERSION === '3.1.0')!;
  t.ok(q.cancelled);
  t.ok(fake.requests.some((r) => r.path === '/queue/cancelItem' && r.query.get('id') === String(q.id)));
});

t.test('a queue item cancelled in Jenkins -> failed', async (t) => {
  fake.scenarios.push({ cancelledInJenkins: true, queuePolls: 5 });
  const { exec } = await run(app, { application: 'web', version: '3.2.0', environment: 'staging' }, ['web1']);
  t.match(exec.results[0], { status: 'failed', exitCode: null, error: { code: 'CAPSTAN_ERR_DEPLOYMENT_FAILED', detail: /cancelled in Jenkins/ } });
});

t.test('a build waiting at an input step when the time runs out -> DeploymentBlocked, left waiting', async (t) => {
  fake.scenarios.push({ hang: true, script: ['Started\r\n', 'Input requested\r\n', 'Proceed or Abort\r\n'] });
  const { exec } = await run(app, { application: 'web', version: '3.3.0', environment: 'staging' }, ['web1'], 1);
  t.match(exec.results[0], { error: { code: 'CAPSTAN_ERR_DEPLOYMENT_BLOCKED' }, value: { status: 'pending' } });
  const b = fake.jobs.get('deploy-web')!.builds[0];
  t.ok(b.building, 'not stopped: it waits for a person');
  t.notOk(fake.requests.some((r) => r.path === `/job/deploy-web/${b.number}/stop`));
  b.building = false;
  b.result = 'ABORTED';
});

t.test('rollback: re-triggers the previous successful version', async (t) => {
  fake.addJob('deploy-cart', ['VERSION', 'ENVIRONMENT']);
  const now = Date.now();
  fake.addPastBuild('deploy-cart', { VERSION: '1.0', ENVIRONMENT: 'prod' }, 'SUCCESS', now - 50_000);
  fake.addPastBuild('deploy-cart', { VERSION: '1.1', ENVIRONMENT: 'prod' }, 'SUCCESS', now - 40_000);
  fake.addPastBuild('deploy-cart', { VERSION: '1.2', ENVIRONMENT: 'staging' }, 'SUCCESS', now - 35_000);
  fake.addPastBuild('deploy-cart', { VERSION: '1.3', ENVIRONMENT: 'prod' }, 'FAILURE', now - 30_000);
  const res = await call(app, 'POST', '/api/v1/deployments/jenkins.deploy-cart.4/rollback', { targets: ['web1'], params: { application: 'cart', environment: 'prod' } });
  t.equal(res.status, 400, 'cart is not among the allowed applications');
  const a2 = await buildTestApp(t, { plugins: { ...inventory, jenkins: jenkins() } });
  const r = await call(a2, 'POST', '/api/v1/deployments/jenkins.deploy-cart.2/rollback', { targets: ['web1'], params: { application: 'cart', environment: 'prod' } });
  t.equal(r.status, 202);
  const exec = await waitForExecution(a2, r.body.id, 60);
  t.equal(exec.status, 'succeeded');
  t.match(exec.results[0].value, { version: '1.0', previousVersion: '1.1', environment: 'prod', status: 'succeeded' });
  t.same(fake.jobs.get('deploy-cart')!.builds[0].params, { VERSION: '1.0', ENVIRONMENT: 'prod' });
  // Latest successful is now 1.0 (the rollback): the one before it with another version is 1.1.
  const again = await call(a2, 'POST', '/api/v1/deployments/jenkins.deploy-cart.1/rollback', { targets: ['web1'], params: { application: 'cart', environment: 'prod' } });
  const e2 = await waitForExecution(a2, again.body.id, 60);
  t.match(e2.results[0], { status: 'failed', error: { code: 'CAPSTAN_ERR_RECORD_NOT_FOUND', detail: /no successful deployment .* before build #1/ } });
  const other = await call(a2, 'POST', '/api/v1/deployments/jenkins.deploy-shop.1/rollback', { targets: ['web1'], params: { application: 'cart', environment: 'prod' } });
  t.equal(other.status, 400, 'a deployment of another application');
  const unknown = await call(a2, 'POST', '/api/v1/deployments/jenkins.deploy-cart.99/rollback', { targets: ['web1'], params: { application: 'cart', environment: 'prod' } });
  t.match((await waitForExecution(a2, unknown.body.id, 60)).results[0], { status: 'failed', error: { code: 'CAPSTAN_ERR_RECORD_NOT_FOUND' } });
  const to = await call(a2, 'POST', '/api/v1/deployments/jenkins.deploy-cart.2/rollback', { targets: ['web1'], params: { application: 'cart', environment: 'prod', toVersion: '0.9' } });
  t.match((await waitForExecution(a2, to.body.id, 60)).results[0], { status: 'succeeded', value: { version: '0.9' } });

  // History of cart: pages of 2, newest first, filtered by environment.
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 10; i++) {
    const page: any = await call(a2, 'GET', `/api/v1/deployments?application=cart&environment=prod&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    t.equal(page.status, 200);
    t.ok(page.body.items.length <= 2);
    seen.push(...page.body.items.map((d: any) => `${d.version}:${d.status}`));
    cursor = page.body.nextCursor;
    if (!cursor) break;
  }
  t.same(seen, ['0.9:succeeded', '1.0:succeeded', '1.3:failed', '1.1:succeeded', '1.0:succeeded'], 'every prod build once, newest first, across pages (staging skipped)');
  const all = await call(a2, 'GET', '/api/v1/deployments?limit=100');
  t.ok(all.body.items.some((d: any) => d.application === 'cart'), 'no application named, no allow-list: the applications Capstan deployed (its records)');
  t.notOk(all.body.items.some((d: any) => d.application === 'shop'), 'not the other jobs of the folder');
  const listed = await call(app, 'GET', '/api/v1/deployments?limit=100');
  t.ok(listed.body.items.some((d: any) => d.application === 'shop') && !listed.body.items.some((d: any) => d.application === 'cart'), 'with an applications allow-list: its applications, only');
  // Every job, pages of 3: the same deployments, newest first, none twice.
  const paged: any[] = [];
  let c: string | null = null;
  for (let i = 0; i < 50; i++) {
    const page: any = await call(a2, 'GET', `/api/v1/deployments?limit=3${c ? `&cursor=${encodeURIComponent(c)}` : ''}`);
    paged.push(...page.body.items);
    c = page.body.nextCursor;
    if (!c) break;
  }
  t.same(paged.map((d) => d.id), all.body.items.map((d: any) => d.id), 'paged = whole, across jobs');
  t.ok(paged.every((d, i) => i === 0 || Date.parse(d.startedAt) <= Date.parse(paged[i - 1].startedAt)), 'newest first');
  const byNode = await call(a2, 'GET', '/api/v1/deployments?node=web1');
  t.ok(byNode.body.items.length === 2 && byNode.body.items.every((d: any) => d.targets.includes('web1')));
});

t.test('an identical request while one waits: Jenkins merges it (303), both runs follow the same build', async (t) => {
  fake.scenarios.push({ queuePolls: 6 });
  const params = { application: 'api', version: '4.0.0', environment: 'staging' };
  // Two nodes: one node's runs queue one after the other.
  const [a, b] = [await deploy(app, params, ['web1']), await deploy(app, params, ['web2'])];
  const [ea, eb] = [await waitForExecution(app, a, 60), await waitForExecution(app, b, 60)];
  t.equal(ea.status, 'succeeded');
  t.equal(eb.status, 'succeeded');
  t.equal(ea.results[0].value.id, eb.results[0].value.id, 'one build');
  t.equal(fake.jobs.get('deploy-api')!.builds.filter((x) => x.params.VERSION === '4.0.0').length, 1);
  const merged = [...stdout(await output(app, a)), ...stdout(await output(app, b), 'web2')].filter((l) => /merged the request into queued item/.test(l));
  t.equal(merged.length, 1, 'the second run says it was merged');
});

t.test('the run\'s time runs out while the build runs: Jenkins is asked to stop, the run times out', async (t) => {
  fake.scenarios.push({ hang: true });
  const { exec } = await run(app, { application: 'web', version: '3.4.0', environment: 'staging' }, ['web1'], 1);
  t.equal(exec.status, 'timed_out');
  t.match(exec.results[0], { status: 'timed_out', value: { status: 'canceled', toolStatus: 'ABORTED' } });
  const b = fake.jobs.get('deploy-web')!.builds[0];
  t.equal(b.result, 'ABORTED');
});

t.test('history: a source refusing the credentials is a typed source error', async (t) => {
  const wrong = await buildTestApp(t, { plugins: { ...inventory, jenkins: jenkins({ token: 'wrong-token-0000000000' }) } });
  const r = await call(wrong, 'GET', '/api/v1/deployments?application=shop');
  t.equal(r.status, 200);
  t.match(r.body.sources, [{ source: 'jenkins', status: 'error', error: { code: 'CAPSTAN_ERR_TARGET_AUTH_FAILED' } }]);
  const st = await call(wrong, 'GET', '/api/v1/deployments/jenkins.deploy-shop.1');
  t.ok(st.status >= 400 && st.status !== 404, `status answers ${st.status}, not a 404`);
});

t.test('a queue item Jenkins already forgot: the build is found by its queueId', async (t) => {
  fake.scenarios.push({ forgetWhenLeft: true });
  const { exec, events } = await run(app, { application: 'api', version: '4.1.0', environment: 'staging' }, ['web1']);
  t.equal(exec.status, 'succeeded');
  t.ok(events.some((e) => e.type === 'notice' && /is gone from Jenkins' queue; build #\d+ came of it/.test(e.data.message)));
});

t.test('folders: job deploy/{environment}/{application} without an environment parameter', async (t) => {
  fake.addJob('deploy/prod/shop', ['VERSION']);
  const a = await buildTestApp(t, { plugins: { ...inventory, jenkins: jenkins({ job: 'deploy/{environment}/{application}', environments: ['prod'] }) } });
  const { exec } = await run(a, { application: 'shop', version: '5.0.0', environment: 'prod' }, ['web1']);
  t.equal(exec.status, 'succeeded');
  const number = fake.jobs.get('deploy/prod/shop')!.builds[0].number;
  t.match(exec.results[0].value, { id: `jenkins.deploy~prod~shop.${number}`, environment: 'prod', version: '5.0.0', url: `${fake.url}/job/deploy/job/prod/job/shop/${number}/` });
  const h = await call(a, 'GET', '/api/v1/deployments?application=shop');
  t.match(h.body.items, [{ id: `jenkins.deploy~prod~shop.${number}`, environment: 'prod', application: 'shop', targets: ['web1'] }]);
  const st = await call(a, 'GET', `/api/v1/deployments/jenkins.deploy~prod~shop.${number}`);
  t.match(st.body.deployment, { application: 'shop', environment: 'prod', status: 'succeeded' });
});

t.test('server shutdown: a running build is left to finish in Jenkins, not stopped half-way', async (t) => {
  fake.scenarios.push({ hang: true });
  const a = await buildTestApp(t, { plugins: { ...inventory, jenkins: jenkins() } });
  await deploy(a, { application: 'web', version: '6.0.0', environment: 'staging' }, ['web1']);
  const job = fake.jobs.get('deploy-web')!;
  await until('the build runs', () => job.builds[0]?.params.VERSION === '6.0.0' && job.builds[0].log.length > 0);
  await a.close();
  const b = job.builds[0];
  t.ok(b.building, 'still building');
  t.notOk(fake.requests.some((r) => r.path === `/job/deploy-web/${b.number}/stop`), 'no stop sent');
  b.building = false;
  b.result = 'SUCCESS';
});

t.test('status: unknown, another source\'s and malformed ids are 404', async (t) => {
  const none = await call(app, 'GET', '/api/v1/deployments?application=ghost');
  t.match(none, { status: 200, body: { items: [], nextCursor: null, sources: [{ source: 'jenkins', status: 'ok' }] } }, 'no job: no history');
  for (const id of ['jenkins.deploy-shop.999', 'gitlab.12.34', 'jenkins.deploy-shop.x', 'jenkins..1']) {
    t.equal((await call(app, 'GET', `/api/v1/deployments/${encodeURIComponent(id)}`)).status, 404, id);
  }
});

t.test('bad input is a 400 before any request reaches Jenkins', async (t) => {
  const before = fake.requests.length;
  const bad = [
    { application: 'shop', version: '1', environment: 'staging', parameters: { LIST: [1, 2] } },
    { application: 'nope', version: '1', environment: 'staging' },
    { application: 'shop', version: '1', environment: 'staging', parameters: { VERSION: '2' } },
  ];
  for (const params of bad) {
    const r = await call(app, 'POST', '/api/v1/deployments', { targets: ['web1'], params });
    t.equal(r.status, 400, JSON.stringify(params));
    t.equal(r.body.code, 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID');
  }
  t.equal(fake.requests.length, before, 'nothing reached the fake');
});

t.test('Jenkins refusals are typed: wrong token, unknown job, plain job, disabled job', async (t) => {
  const wrong = await buildTestApp(t, { plugins: { ...inventory, jenkins: jenkins({ token: 'wrong-token-0000000000' }) } });
  const w = await run(wrong, { application: 'shop', version: '1', environment: 'staging' }, ['web1']);
  t.match(w.exec.results[0], { status: 'failed', exitCode: null, error: { code: 'CAPSTAN_ERR_TARGET_AUTH_FAILED', detail: /HTTP 401/ } });
  const cases: [string, string, RegExp][] = [['ghost', 'CAPSTAN_ERR_RECORD_NOT_FOUND', /404/], ['plain', 'CAPSTAN_ERR_DEPLOYMENT_FAILED', /HTTP 400.*not parameterized/], ['off', 'CAPSTAN_ERR_DEPLOYMENT_FAILED', /HTTP 409.*not buildable/]];
  const a = await buildTestApp(t, { plugins: { ...inventory, jenkins: jenkins() } });
  for (const [application, code, detail] of cases) {
    const r = await run(a, { application, version: '1', environment: 'staging' }, ['web1']);
    t.match(r.exec.results[0], { status: 'failed', exitCode: null, error: { code, detail } }, application);
  }
});

t.test('a password (no API token): the crumb is fetched and sent with its session cookie', async (t) => {
  const a = await buildTestApp(t, { plugins: { ...inventory, jenkins: jenkins({ user: 'human', token: PASSWORD }) } });
  const before = fake.requests.length;
  const { exec } = await run(a, { application: 'shop', version: '2.9.0', environment: 'staging' }, ['web1']);
  t.equal(exec.status, 'succeeded');
  const mine = fake.requests.slice(before);
  const crumb = mine.findIndex((r) => r.path === '/crumbIssuer/api/json');
  t.ok(crumb >= 0, 'crumb fetched after the 403 "No valid crumb"');
  const post = mine.slice(crumb).find((r) => r.path.endsWith('/buildWithParameters'))!;
  t.match(post.headers.cookie, /JSESSIONID\.1a2b3c4d=/);
  t.ok(post.headers['jenkins-crumb']);
});

t.test('429 waited out, 5xx while following retried: the log still complete, nothing doubled', async (t) => {
  fake.fail(/buildWithParameters$/, 429, 1, { 'retry-after': '1' });
  fake.fail(/progressiveText$/, 502, 2);
  fake.fail(/\/\d+\/api\/json$/, 503, 1);
  const { exec, events } = await run(app, { application: 'api', version: '1.5.0', environment: 'staging' }, ['web1']);
  t.equal(exec.status, 'succeeded');
  const log = stdout(events).filter((l) => !/^(queued as|build #\d+ (started|finished))/.test(l));
  t.same(log, ['Started by user deploy-bot', 'Deploying 1.5.0 to staging', 'step 1', 'step 2', 'Finished: SUCCESS']);
  t.ok(events.some((e) => e.type === 'notice' && /retrying/.test(e.data.message)), 'retries noticed');
});

t.test('the token never appears in a log line, an answer or the output', async (t) => {
  const text = JSON.stringify(logs.lines) + answers.join('\n');
  for (const secret of [TOKEN, PASSWORD, Buffer.from(`${USER}:${TOKEN}`).toString('base64'), SECRET_PARAM]) t.notOk(text.includes(secret), `not leaked: ${secret.slice(0, 4)}…`);
  t.ok(fake.requests.every((r) => !r.path.includes(TOKEN) && !r.query.toString().includes(TOKEN) && !r.body.includes(TOKEN)), 'the token only in the Authorization header');
});
