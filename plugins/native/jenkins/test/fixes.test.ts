/**
 * API tests of the review fixes (issue 22), against the fake Jenkins on 127.0.0.101: the trigger POST on its
 * own timeout (a cancel during it cancels what was queued; a lost answer looked for by executionIdParameter),
 * trigger refusals with no exit code, server shutdown (ServerClosing, build left running), history without an
 * application and the allow-lists, previousVersion, reserved parameter names and the version format refused at
 * submit, merged (303) executions that do not stop each other's build, no log line lost on any exit (a log
 * replaced in Jenkins included), term/kill on a freestyle build, the CSRF filter before the permission check.
 */
import type { FastifyInstance } from 'fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp, waitForExecution } from '../../../../test/helper.js';
import { until } from '../../../../test/until.js';
import { events as output } from '../../../../test/executions-api.js';
import { FakeJenkins } from './fake-jenkins.js';

const USER = 'deploy-bot';
const TOKEN = '99aa22bb33cc44dd55ee66ff77889900zz';
const CORR = 'CAPSTAN_EXECUTION_ID';

const fake = new FakeJenkins({ user: USER, token: TOKEN });
await fake.start();
t.teardown(() => fake.stop());
for (const app of ['shop', 'api', 'web', 'logs']) fake.addJob(`deploy-${app}`, ['VERSION', 'ENVIRONMENT']);
fake.addJob('deploy-corr', ['VERSION', 'ENVIRONMENT', CORR]);
fake.addJob('deploy-plain', []);

const dir = t.testdir({ 'inventory.yaml': 'groups:\n  - name: staging\n    targets:\n      - { name: web1, uri: "127.0.0.1:1" }\n      - { name: web2, uri: "127.0.0.1:1" }\n' });
const inventory = { ssh: { inventoryFile: join(dir, 'inventory.yaml'), connectTimeoutSeconds: 2 } };
const jenkins = (extra: Record<string, unknown> = {}) => ({ url: fake.url, user: USER, token: TOKEN, pollIntervalMs: 30, stopGraceMs: 300, timeoutMs: 3000, ...extra });

const app = await buildTestApp(t, { plugins: { ...inventory, jenkins: jenkins() } });
const corrApp = await buildTestApp(t, { plugins: { ...inventory, jenkins: jenkins({ executionIdParameter: CORR }) } });

async function call(a: FastifyInstance, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const res = await a.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  return { status: res.statusCode, body: res.json() };
}
const stdout = (events: { type: string; data: any }[], target = 'web1') => events.filter((e) => e.type === 'stdout' && e.data.target === target).map((e) => e.data.line as string);
const notices = (events: { type: string; data: any }[]) => events.filter((e) => e.type === 'notice').map((e) => e.data.message as string);
async function deploy(a: FastifyInstance, params: Record<string, unknown>, targets = ['web1'], timeoutSeconds?: number) {
  const res = await call(a, 'POST', '/api/v1/deployments', { targets, params, ...(timeoutSeconds ? { timeoutSeconds } : {}) });
  if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}
async function run(a: FastifyInstance, params: Record<string, unknown>, targets = ['web1'], timeoutSeconds?: number) {
  const id = await deploy(a, params, targets, timeoutSeconds);
  const exec = await waitForExecution(a, id, 90);
  return { id, exec, events: await output(a, id) };
}
const triggers = (from: number, job: string) => fake.requests.slice(from).filter((r) => r.path === `/job/${job}/buildWithParameters`);

t.test('R4: a cancel during the trigger POST: the POST completes, what it queued is cancelled', async (t) => {
  fake.scenarios.push({ stuckInQueue: true });
  fake.triggerFaults.push({ delayMs: 700 });
  const before = fake.requests.length;
  const id = await deploy(app, { application: 'web', version: '7.0.0', environment: 'staging' });
  await until('the POST reached Jenkins', () => triggers(before, 'deploy-web').length === 1);
  await call(app, 'POST', `/api/v1/executions/${id}/cancel`);
  const exec = await waitForExecution(app, id, 60);
  t.equal(exec.status, 'canceled');
  t.match(exec.results[0], { status: 'canceled', exitCode: null });
  t.notOk(exec.results[0].error, 'canceled by Capstan: no error');
  const q = [...fake.queue.values()].find((x) => x.params.VERSION === '7.0.0');
  t.ok(q, 'the POST was not cut: Jenkins queued it');
  t.ok(q!.cancelled, 'and the queue item was cancelled, not left orphaned');
  t.ok(fake.requests.some((r) => r.path === '/queue/cancelItem' && r.query.get('id') === String(q!.id)));
});

t.test('R4: a trigger answer lost after Jenkins queued it', async (t) => {
  await t.test('without executionIdParameter: failed, outcome unknown, where to look', async (t) => {
    fake.triggerFaults.push({ status: 502, afterQueuing: true });
    const before = fake.requests.length;
    const { exec } = await run(app, { application: 'api', version: '7.1.0', environment: 'staging' });
    t.match(exec.results[0], { status: 'failed', exitCode: null, error: { code: 'CAPSTAN_ERR_DEPLOYMENT_FAILED', detail: /outcome is unknown.*HTTP 502.*queue and the latest builds of Jenkins job deploy-api/ } });
    t.equal(triggers(before, 'deploy-api').length, 1, 'never resent');
  });
  await t.test('with executionIdParameter: the queued item is found by the execution id and followed', async (t) => {
    fake.triggerFaults.push({ status: 502, afterQueuing: true });
    const before = fake.requests.length;
    const { id, exec, events } = await run(corrApp, { application: 'corr', version: '7.2.0', environment: 'staging' });
    t.equal(exec.status, 'succeeded');
    t.equal(triggers(before, 'deploy-corr').length, 1, 'never resent');
    const b = fake.jobs.get('deploy-corr')!.builds[0];
    t.equal(b.params[CORR], id, 'the execution id sent in the declared parameter');
    t.equal(exec.results[0].value.id, `jenkins.deploy-corr.${b.number}`);
    t.ok(notices(events).some((m) => /answer was lost/.test(m)));
    t.ok(fake.requests.slice(before).some((r) => r.path === '/queue/api/json'), 'the queue was searched');
  });
  await t.test('with executionIdParameter, nothing queued: failed, outcome unknown', async (t) => {
    fake.triggerFaults.push({ status: 500 });
    const { exec } = await run(corrApp, { application: 'corr', version: '7.3.0', environment: 'staging' });
    t.match(exec.results[0], { status: 'failed', exitCode: null, error: { code: 'CAPSTAN_ERR_DEPLOYMENT_FAILED', detail: /outcome is unknown.*no queue item or build of Jenkins job deploy-corr carries CAPSTAN_EXECUTION_ID=/ } });
    t.notOk(fake.jobs.get('deploy-corr')!.builds.some((b) => b.params.VERSION === '7.3.0'));
  });
  await t.test('a job that does not declare the parameter: not sent, a notice says so', async (t) => {
    const { exec, events } = await run(corrApp, { application: 'shop', version: '7.4.0', environment: 'staging' });
    t.equal(exec.status, 'succeeded');
    t.ok(notices(events).some((m) => /does not declare the parameter CAPSTAN_EXECUTION_ID/.test(m)));
  });
});

t.test('#13: identical requests with executionIdParameter are never merged', async (t) => {
  fake.scenarios.push({ queuePolls: 6 }, { queuePolls: 6 });
  const params = { application: 'corr', version: '7.5.0', environment: 'staging' };
  const [a, b] = [await deploy(corrApp, params, ['web1']), await deploy(corrApp, params, ['web2'])];
  const [ea, eb] = [await waitForExecution(corrApp, a, 60), await waitForExecution(corrApp, b, 60)];
  t.equal(ea.status, 'succeeded');
  t.equal(eb.status, 'succeeded');
  t.not(ea.results[0].value.id, eb.results[0].value.id, 'two builds');
  t.same(fake.jobs.get('deploy-corr')!.builds.filter((x) => x.params.VERSION === '7.5.0').map((x) => x.params[CORR]).sort(), [a, b].sort());
});

t.test('#13: a merged (303) execution canceled does not stop the build the other follows', async (t) => {
  // Long enough (a line per log read) to be still building while the test sees it run, however busy the machine.
  fake.scenarios.push({ queuePolls: 3, script: ['Started\r\n', ...Array.from({ length: 300 }, (_, i) => `line ${i}\r\n`)] });
  const params = { application: 'shop', version: '7.6.0', environment: 'staging' };
  const first = await deploy(app, params, ['web1']);
  await until('queued', () => [...fake.queue.values()].some((q) => q.params.VERSION === '7.6.0'));
  const second = await deploy(app, params, ['web2']);
  await until('merged', () => fake.requests.filter((r) => r.path === '/job/deploy-shop/buildWithParameters' && new URLSearchParams(r.body).get('VERSION') === '7.6.0').length === 2);
  const job = fake.jobs.get('deploy-shop')!;
  await until('the build runs', () => job.builds[0]?.params.VERSION === '7.6.0' && job.builds[0].building);
  // Both executions follow the build (each said so) before one is canceled: its targets are then the build's too.
  for (const id of [first, second]) {
    await until(`${id} follows the build`, async () => (await output(app, id)).some((e) => e.type === 'stdout' && /^build #\d+ started/.test(e.data.line)));
  }
  await call(app, 'POST', `/api/v1/executions/${second}/cancel`);
  const e2 = await waitForExecution(app, second, 60);
  const e1 = await waitForExecution(app, first, 60);
  t.equal(e2.status, 'canceled');
  t.notOk(e2.results[0].error);
  t.ok(notices(await output(app, second)).some((m) => new RegExp(`also followed by execution ${first}.*not stopped`).test(m)));
  t.equal(e1.status, 'succeeded', 'the other execution\'s deployment went on');
  const n = job.builds[0].number;
  t.notOk(fake.requests.some((r) => r.path === `/job/deploy-shop/${n}/stop`), 'no stop sent');
  const st = await call(app, 'GET', `/api/v1/deployments/jenkins.deploy-shop.${n}`);
  t.equal(st.body.deployment.executionId, first, 'the record keeps the first execution (no flip)');
  t.same([...st.body.deployment.targets].sort(), ['web1', 'web2'], 'both executions\' targets');
});

t.test('R2: server shutdown: canceled with ServerClosing, the build left running, the record kept', async (t) => {
  fake.scenarios.push({ hang: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'jenkins-shutdown-'));
  const a = await buildTestApp(t, { dataDir, plugins: { ...inventory, jenkins: jenkins() } });
  const id = await deploy(a, { application: 'web', version: '8.0.0', environment: 'staging' });
  const job = fake.jobs.get('deploy-web')!;
  await until('the build runs', () => job.builds[0]?.params.VERSION === '8.0.0' && job.builds[0].log.length > 0);
  const b = job.builds[0];
  await a.close();
  t.ok(b.building, 'still building');
  t.notOk(fake.requests.some((r) => r.path === `/job/deploy-web/${b.number}/stop`), 'no stop sent');
  const again = await buildTestApp(t, { dataDir, plugins: { ...inventory, jenkins: jenkins() } });
  const exec = (await call(again, 'GET', `/api/v1/executions/${id}`)).body;
  t.match(exec.results[0], { status: 'canceled', exitCode: null, error: { code: 'CAPSTAN_ERR_SERVER_CLOSING', detail: /left running in Jenkins/ }, value: { id: `jenkins.deploy-web.${b.number}` } });
  t.ok(notices(await output(again, id)).some((m) => /goes on without it, not stopped/.test(m)));
  const st = await call(again, 'GET', `/api/v1/deployments/jenkins.deploy-web.${b.number}`);
  t.match(st.body.deployment, { status: 'running', executionId: id, targets: ['web1'] });
  b.building = false;
  b.result = 'SUCCESS';
});

t.test('R3: a log replaced in Jenkins is read again from its start, with a notice', async (t) => {
  fake.scenarios.push({ script: ['Started\r\n', 'old line 1\r\nold line 2\r\n'], replaceLog: 'replayed\r\n' });
  const { exec, events } = await run(app, { application: 'logs', version: '8.1.0', environment: 'staging' });
  t.equal(exec.status, 'succeeded');
  const log = stdout(events).filter((l) => !/^(queued as|build #\d+ (started|finished))/.test(l));
  t.same(log, ['Started', 'old line 1', 'old line 2', 'replayed', 'Finished: SUCCESS'], 'nothing lost, the new log from 0');
  t.ok(notices(events).some((m) => /console log .* was replaced in Jenkins/.test(m)));
});

t.test('R3: a partial line read before an error while following is flushed', async (t) => {
  fake.chunkBytes = 12;
  fake.scenarios.push({ hang: true, script: ['Started\r\n', `${'Y'.repeat(30)}\r\n`] });
  const job = fake.jobs.get('deploy-logs')!;
  const id = await deploy(app, { application: 'logs', version: '8.2.0', environment: 'staging' });
  await until('the partial line was read', () => fake.requests.some((r) => r.path.endsWith('/progressiveText') && Number(r.query.get('start')) >= 21 && job.builds[0]?.params.VERSION === '8.2.0'));
  fake.fail(/\/\d+\/api\/json$/, 404, 1);
  const exec = await waitForExecution(app, id, 60);
  fake.chunkBytes = 4096;
  t.match(exec.results[0], { status: 'failed', exitCode: null, error: { code: 'CAPSTAN_ERR_RECORD_NOT_FOUND' } });
  const log = stdout(await output(app, id)).filter((l) => /^Y+$/.test(l));
  t.ok(log.length >= 1 && log.join('').length >= 12, 'the Y line read so far is in the output');
  job.builds[0].building = false;
  job.builds[0].result = 'ABORTED';
});

t.test('R3: blocked at an input step: the log read until then is complete', async (t) => {
  fake.scenarios.push({ hang: true, pipeline: true, script: ['Started\r\n', 'Input requested\r\n', 'Proceed or Abort\r\n'] });
  const { exec, events } = await run(app, { application: 'logs', version: '8.3.0', environment: 'staging' }, ['web1'], 1);
  t.match(exec.results[0], { status: 'timed_out', error: { code: 'CAPSTAN_ERR_DEPLOYMENT_BLOCKED' } });
  t.ok(stdout(events).includes('Proceed or Abort'));
  const b = fake.jobs.get('deploy-logs')!.builds[0];
  b.building = false;
  b.result = 'ABORTED';
});

t.test('fake fidelity: term and kill on a freestyle build answer 404; the plugin copes', async (t) => {
  fake.scenarios.push({ hang: true, ignoreStop: true });
  const id = await deploy(app, { application: 'web', version: '8.4.0', environment: 'staging' });
  const job = fake.jobs.get('deploy-web')!;
  await until('the build runs', () => job.builds[0]?.params.VERSION === '8.4.0' && job.builds[0].building);
  setTimeout(() => { job.builds[0].stopRequested = Date.now(); }, 2000).unref();
  await call(app, 'POST', `/api/v1/executions/${id}/cancel`);
  const exec = await waitForExecution(app, id, 60);
  t.equal(exec.status, 'canceled');
  const n = job.builds[0].number;
  t.ok(fake.requests.some((r) => r.path === `/job/deploy-web/${n}/term`), 'term tried');
  t.notOk(fake.requests.some((r) => r.path === `/job/deploy-web/${n}/kill`), 'no kill after term answered 404');
  t.ok(notices(await output(app, id)).some((m) => /term and kill exist for Pipeline runs only/.test(m)));
  const direct = await fetch(`${fake.url}/job/deploy-web/${n}/kill`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${USER}:${TOKEN}`).toString('base64')}` } });
  t.equal(direct.status, 404);
});

t.test('fake fidelity: an anonymous POST is refused for the crumb first; the plugin gets one and is told authentication is required', async (t) => {
  const anon = await fetch(`${fake.url}/job/deploy-web/buildWithParameters`, { method: 'POST' });
  t.equal(anon.status, 403);
  t.match(await anon.text(), /No valid crumb/);
  const a = await buildTestApp(t, { plugins: { ...inventory, jenkins: { url: fake.url, pollIntervalMs: 30, timeoutMs: 3000 } } });
  const { exec } = await run(a, { application: 'web', version: '8.5.0', environment: 'staging' });
  t.match(exec.results[0], { status: 'failed', exitCode: null, error: { code: 'CAPSTAN_ERR_TARGET_AUTH_FAILED', detail: /HTTP 403: Authentication required/ } });
});

t.test('R1: a refused trigger has no exit code', async (t) => {
  const { exec } = await run(app, { application: 'plain', version: '1', environment: 'staging' });
  t.match(exec.results[0], { status: 'failed', exitCode: null, error: { code: 'CAPSTAN_ERR_DEPLOYMENT_FAILED', detail: /HTTP 400.*not parameterized/ } });
});

t.test('R8: reserved parameter names and malformed versions are refused at submit', async (t) => {
  const before = fake.requests.length;
  const bad: [Record<string, unknown>, string][] = [
    ...['delay', 'token', 'cause', 'json', 'Delay'].map((k): [Record<string, unknown>, string] => [{ application: 'shop', version: '1', environment: 'staging', parameters: { [k]: 'x' } }, `/parameters/${k}`]),
    ...['1.0 beta', 'a..b', '-x', 'v1.lock', 'x~1', 'a:b', 'rel/', 'x@{1}', 'a\u0001b'].map((v): [Record<string, unknown>, string] => [{ application: 'shop', version: v, environment: 'staging' }, '/version']),
  ];
  for (const [params, pointer] of bad) {
    const r = await call(app, 'POST', '/api/v1/deployments', { targets: ['web1'], params });
    t.equal(r.status, 400, JSON.stringify(params));
    t.ok(JSON.stringify(r.body).includes(pointer), pointer);
  }
  const corr = await call(corrApp, 'POST', '/api/v1/deployments', { targets: ['web1'], params: { application: 'shop', version: '1', environment: 'staging', parameters: { [CORR]: 'x' } } });
  t.equal(corr.status, 400, 'the execution id parameter is Capstan\'s');
  const rb = await call(app, 'POST', '/api/v1/deployments/jenkins.deploy-shop.1/rollback', { targets: ['web1'], params: { application: 'shop', environment: 'staging', toVersion: 'a b' } });
  t.equal(rb.status, 400);
  t.equal(fake.requests.length, before, 'nothing reached Jenkins');
});

t.test('R6: history without an application, the allow-lists, previousVersion', async (t) => {
  fake.addJob('deploy-hist', ['VERSION', 'ENVIRONMENT']);
  fake.addJob('deploy-other', ['VERSION', 'ENVIRONMENT']);
  const now = Date.now();
  fake.addPastBuild('deploy-hist', { VERSION: '0.1', ENVIRONMENT: 'staging' }, 'SUCCESS', now - 60_000);
  fake.addPastBuild('deploy-hist', { VERSION: '0.2', ENVIRONMENT: 'prod' }, 'SUCCESS', now - 50_000);
  fake.addPastBuild('deploy-hist', { VERSION: '0.3', ENVIRONMENT: 'staging' }, 'FAILURE', now - 40_000);
  fake.addPastBuild('deploy-other', { VERSION: '9.9', ENVIRONMENT: 'staging' }, 'SUCCESS', now - 30_000);
  const a = await buildTestApp(t, { plugins: { ...inventory, jenkins: jenkins({ environments: ['staging'] }) } });
  const { exec } = await run(a, { application: 'hist', version: '0.4', environment: 'staging' });
  t.match(exec.results[0].value, { version: '0.4', previousVersion: '0.1' }, 'the environment\'s latest successful version before it');
  const all = await call(a, 'GET', '/api/v1/deployments?limit=100');
  t.same(all.body.items.map((d: any) => d.version), ['0.4', '0.3', '0.1'], 'the applications Capstan deployed, environments of the allow-list only');
  const prod = await call(a, 'GET', '/api/v1/deployments?application=hist&environment=prod');
  t.same(prod.body.items, [], 'an environment outside the allow-list has no history');
  const apps = await buildTestApp(t, { plugins: { ...inventory, jenkins: jenkins({ applications: ['other'] }) } });
  const listed = await call(apps, 'GET', '/api/v1/deployments?limit=100');
  t.same(listed.body.items.map((d: any) => d.application), ['other'], 'the applications allow-list');
  const outside = await call(apps, 'GET', '/api/v1/deployments?application=hist');
  t.same(outside.body.items, [], 'an application outside the allow-list has no history');
});

t.test('R4: a cancel during a 429 wait before the trigger: nothing queued, canceled at once', async (t) => {
  fake.fail(/buildWithParameters$/, 429, 1, { 'retry-after': '20' });
  const before = fake.requests.length;
  const id = await deploy(app, { application: 'api', version: '8.6.0', environment: 'staging' });
  await until('the 429', () => triggers(before, 'deploy-api').length === 1);
  const started = Date.now();
  await call(app, 'POST', `/api/v1/executions/${id}/cancel`);
  const exec = await waitForExecution(app, id, 60);
  t.equal(exec.status, 'canceled');
  t.ok(Date.now() - started < 10_000, 'the wait was cut');
  t.equal(triggers(before, 'deploy-api').length, 1, 'not sent again');
  t.notOk([...fake.queue.values()].some((q) => q.params.VERSION === '8.6.0'), 'nothing queued');
});
