/**
 * API tests of the second review round (issue 22), against the fake Jenkins on 127.0.0.101: optional look-ups
 * skipped after an abort (A1), an unknown trigger outcome during a cancel (A3), a follow error once the build
 * exists (A4), job paths deployment ids cannot name refused at submit (R8/R5), a rollback anchored on a build
 * older than the newest 500 (R7), node history re-reading unfinished records (A6), keyset history cursors (A5).
 */
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp, waitForExecution } from '../../../../test/helper.js';
import { until } from '../../../../test/until.js';
import { events as output } from '../../../../test/executions-api.js';
import { FakeJenkins } from './fake-jenkins.js';

const USER = 'deploy-bot';
const TOKEN = '99aa22bb33cc44dd55ee66ff77889900zz';

const fake = new FakeJenkins({ user: USER, token: TOKEN });
await fake.start();
t.teardown(() => fake.stop());
for (const app of ['shop', 'api', 'web', 'logs', 'hist', 'node']) fake.addJob(`deploy-${app}`, ['VERSION', 'ENVIRONMENT']);

const dir = t.testdir({ 'inventory.yaml': 'groups:\n  - name: staging\n    targets:\n      - { name: web1, uri: "127.0.0.1:1" }\n      - { name: web2, uri: "127.0.0.1:1" }\n' });
const inventory = { ssh: { inventoryFile: join(dir, 'inventory.yaml'), connectTimeoutSeconds: 2 } };
const jenkins = (extra: Record<string, unknown> = {}) => ({ url: fake.url, user: USER, token: TOKEN, pollIntervalMs: 30, stopGraceMs: 300, timeoutMs: 3000, ...extra });
const app = await buildTestApp(t, { plugins: { ...inventory, jenkins: jenkins() } });

async function call(a: FastifyInstance, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const res = await a.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  return { status: res.statusCode, body: res.json() };
}
const stdout = (events: { type: string; data: any }[]) => events.filter((e) => e.type === 'stdout').map((e) => e.data.line as string);
const notices = (events: { type: string; data: any }[]) => events.filter((e) => e.type === 'notice').map((e) => e.data.message as string);
async function deploy(a: FastifyInstance, params: Record<string, unknown>, targets = ['web1'], timeoutSeconds?: number) {
  const res = await call(a, 'POST', '/api/v1/deployments', { targets, params, ...(timeoutSeconds ? { timeoutSeconds } : {}) });
  if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

t.test('A1: after a cancel, the optional look-ups (previous version) are skipped', async (t) => {
  fake.scenarios.push({ hang: true });
  const id = await deploy(app, { application: 'web', version: '1.0.0', environment: 'staging' });
  const job = fake.jobs.get('deploy-web')!;
  await until('the build runs', () => job.builds[0]?.params.VERSION === '1.0.0' && job.builds[0].building);
  const at = fake.requests.length;
  await call(app, 'POST', `/api/v1/executions/${id}/cancel`);
  const exec = await waitForExecution(app, id, 30);
  t.equal(exec.status, 'canceled');
  t.notOk(exec.results[0].error);
  const after = fake.requests.slice(at);
  t.notOk(after.some((r) => r.path === '/me/api/json'), 'no who-am-i after the abort');
  t.notOk(after.some((r) => r.path === '/job/deploy-web/api/json' && /builds\[/.test(r.query.get('tree') ?? '')), 'no previous-version look-up after the abort');
});

t.test('A3: a cancel while the trigger answer is lost: failed, outcome unknown, as a notice too; never "nothing was triggered"', async (t) => {
  fake.triggerFaults.push({ status: 502, afterQueuing: true, delayMs: 700 });
  fake.scenarios.push({ stuckInQueue: true });
  const before = fake.requests.length;
  const id = await deploy(app, { application: 'api', version: '2.0.0', environment: 'staging' });
  await until('the POST reached Jenkins', () => fake.requests.slice(before).some((r) => r.path === '/job/deploy-api/buildWithParameters'));
  await call(app, 'POST', `/api/v1/executions/${id}/cancel`);
  const exec = await waitForExecution(app, id, 30);
  t.match(exec.results[0], { status: 'failed', exitCode: null, error: { code: 'CAPSTAN_ERR_DEPLOYMENT_FAILED', detail: /outcome is unknown.*deploy-api/ } });
  const events = await output(app, id);
  t.ok(notices(events).some((m) => /outcome is unknown/.test(m)), 'the detail is a notice too');
  t.notOk(JSON.stringify(events).includes('nothing was triggered'));
  for (const q of fake.queue.values()) if (q.params.VERSION === '2.0.0') q.cancelled = true;
});

t.test('A4: following fails once the build exists: log flushed, value answered, record kept', async (t) => {
  fake.scenarios.push({ hang: true, script: ['step one\r\n', 'step two\r\n'] });
  const id = await deploy(app, { application: 'logs', version: '3.0.0', environment: 'staging' });
  const job = fake.jobs.get('deploy-logs')!;
  await until('the log was read', () => job.builds[0]?.params.VERSION === '3.0.0' && job.builds[0].log.includes('step two') && fake.requests.some((r) => r.path === `/job/deploy-logs/${job.builds[0].number}/logText/progressiveText`));
  const n = job.builds[0].number;
  await new Promise((r) => setTimeout(r, 200));
  fake.fail(new RegExp(`^/job/deploy-logs/${n}/api/json`), 400, 1);
  const exec = await waitForExecution(app, id, 30);
  t.match(exec.results[0], { status: 'failed', exitCode: null, error: { code: 'CAPSTAN_ERR_DEPLOYMENT_FAILED', detail: /following Jenkins build .* failed/ }, value: { id: `jenkins.deploy-logs.${n}`, version: '3.0.0', status: 'running' } });
  const lines = stdout(await output(app, id));
  t.ok(lines.includes('step one'), 'the log read is shown');
  t.ok(lines.includes('step two'), 'up to the last line read')
  const st = await call(app, 'GET', `/api/v1/deployments/jenkins.deploy-logs.${n}`);
  t.equal(st.status, 200, 'the record / build answers deploy.status');
  job.builds[0].building = false;
  job.builds[0].result = 'ABORTED';
});

t.test('R8/R5: job paths deployment ids cannot name are refused at submit', async (t) => {
  for (const application of ['shop/..', 'shop/.', 'a/../b']) {
    const before = fake.requests.length;
    const res = await call(app, 'POST', '/api/v1/deployments', { targets: ['web1'], params: { application, version: '1.0', environment: 'staging' } });
    t.equal(res.status, 400, application);
    t.match(JSON.stringify(res.body), /\/application/);
    t.equal(fake.requests.length, before, 'nothing sent');
  }
});

t.test('R7: a rollback anchored on a build older than the newest 500', async (t) => {
  fake.addJob('deploy-old', ['VERSION', 'ENVIRONMENT']);
  const now = Date.now() - 1_000_000;
  fake.addPastBuild('deploy-old', { VERSION: 'v1', ENVIRONMENT: 'prod' }, 'SUCCESS', now);
  fake.addPastBuild('deploy-old', { VERSION: 'v2', ENVIRONMENT: 'prod' }, 'SUCCESS', now + 1);
  for (let i = 0; i < 520; i++) fake.addPastBuild('deploy-old', { VERSION: 'v3', ENVIRONMENT: 'prod' }, 'SUCCESS', now + 2 + i);
  const r = await call(app, 'POST', '/api/v1/deployments/jenkins.deploy-old.2/rollback', { targets: ['web1'], params: { application: 'old', environment: 'prod' } });
  t.equal(r.status, 202);
  const exec = await waitForExecution(app, r.body.id, 30);
  t.match(exec.results[0], { status: 'succeeded', value: { version: 'v1', previousVersion: 'v2' } });
});

t.test('A6: node history re-reads records not finished from Jenkins', async (t) => {
  fake.scenarios.push({ hang: true, script: ['Started\r\n', 'Input requested\r\n', 'Proceed or Abort\r\n'] });
  const id = await deploy(app, { application: 'node', version: '4.0.0', environment: 'staging' }, ['web2'], 1);
  const exec = await waitForExecution(app, id, 30);
  t.match(exec.results[0], { value: { status: 'pending' } });
  const b = fake.jobs.get('deploy-node')!.builds[0];
  const page = await call(app, 'GET', '/api/v1/deployments?node=web2&application=node');
  t.match(page.body.items[0], { id: `jenkins.deploy-node.${b.number}`, status: 'pending' }, 'still waiting at the input');
  b.building = false;
  b.result = 'SUCCESS';
  const again = await call(app, 'GET', '/api/v1/deployments?node=web2&application=node');
  t.match(again.body.items[0], { id: `jenkins.deploy-node.${b.number}`, status: 'succeeded', toolStatus: 'SUCCESS' }, 'read again from Jenkins');
});

t.test('A5: history cursors are keyset: a build started between two pages never repeats or hides one', async (t) => {
  const now = Date.now() - 500_000;
  for (let i = 1; i <= 5; i++) fake.addPastBuild('deploy-hist', { VERSION: `h${i}`, ENVIRONMENT: 'staging' }, 'SUCCESS', now + i * 1000);
  const p1 = await call(app, 'GET', '/api/v1/deployments?application=hist&limit=2');
  t.same(p1.body.items.map((d: any) => d.version), ['h5', 'h4']);
  fake.addPastBuild('deploy-hist', { VERSION: 'h6', ENVIRONMENT: 'staging' }, 'SUCCESS', now + 6000);
  const p2 = await call(app, 'GET', `/api/v1/deployments?application=hist&limit=2&cursor=${encodeURIComponent(p1.body.nextCursor)}`);
  t.same(p2.body.items.map((d: any) => d.version), ['h3', 'h2']);
  fake.addPastBuild('deploy-hist', { VERSION: 'h7', ENVIRONMENT: 'staging' }, 'SUCCESS', now + 7000);
  const p3 = await call(app, 'GET', `/api/v1/deployments?application=hist&limit=2&cursor=${encodeURIComponent(p2.body.nextCursor)}`);
  t.same(p3.body.items.map((d: any) => d.version), ['h1']);
  t.equal(p3.body.nextCursor, null);
});
