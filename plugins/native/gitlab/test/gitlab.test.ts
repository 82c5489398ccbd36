/**
 * The gitlab plugin through Capstan's HTTP API against the fake GitLab (fake-gitlab.ts, 127.0.0.102): a deploy
 * followed to its end (jobs' logs streamed once, in order, a job at a time), a failed pipeline, a cancel, a
 * manual job running out the time, rollback by retrying the previous deploy job (and its fallback), history
 * pages, status by id, bad input refused before anything reaches GitLab, a bad token, a 429 waited out, 5xx
 * while following retried, the trigger-token mode, and no token nor secret parameter in output or logs; then the
 * issue-22 review fixes (#1 rollback ids of another project, #12 ref names, #11 toVersion never deployed, #5 jobs
 * retried during the run, #4 the trigger POST's own timeout / lost answer / abort, #9 ids and history); then
 * the second review (A1 one deadline after an abort, A2 rate-limit waits cut by the abort, A3 unknown trigger
 * outcome, A4 no output lost on every exit, A5 keyset history cursors, A6 node history re-read).
 */
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { inventoryGroups, inventoryList } from '../../../../src/capabilities/index.js';
import { implement } from '../../../../src/core/types.js';
import { buildTestApp, waitForExecution } from '../../../../test/helper.js';
import { captureLogs } from '../../../../test/observability.js';
import { events, lines, type StoredEvent } from '../../../../test/executions-api.js';
import { until } from '../../../../test/until.js';
import { fakeModule, nodes } from '../../../../test/core/fixtures/fake-plugins.js';
import { FakeGitlab, type JobSpec } from './fake-gitlab.js';

const TOKEN = 'glpat-FakeAccessToken-0123456789';
const READ = 'glpat-FakeReadOnlyToken-987654321';
const TRIGGER = 'glptt-FakeTriggerToken-abcdef0123';
const SECRET = 'S3cr3t-db-password-value';

const fake = new FakeGitlab({ token: TOKEN, readToken: READ, triggerToken: TRIGGER });
await fake.start();
t.teardown(() => fake.stop());
const shop = fake.addProject(4411, 'acme/shop');
fake.addProject(4500, 'acme/empty');

const cmdb = fakeModule({
  id: 'cmdb', integrationTypes: ['inventory'],
  capabilities: [
    implement(inventoryList, async () => nodes('cmdb', 'web1', 'web2')),
    implement(inventoryGroups, async () => ({ groups: [{ name: 'web', targets: ['web1', 'web2'], sources: ['cmdb'] }] })),
  ],
});

const BASE = { project: 'acme/{application}', pollIntervalMs: 25, perPage: 2, cancelWaitMs: 5000, timeoutMs: 3000, maxRateLimitWaitMs: 5000 };
const logs = captureLogs();

async function appWith(t: { teardown(fn: () => unknown): void }, cfg: Record<string, unknown>, logStream = logs.stream): Promise<FastifyInstance> {
  return buildTestApp(t, { logLevel: 'debug', plugins: { gitlab: { url: fake.url, ...BASE, ...cfg } } }, { extraPlugins: [cmdb], logStream });
}

const app = await appWith(t, { token: TOKEN, applications: ['shop', 'empty'] });
const answers: string[] = [];

async function deploy(a: FastifyInstance, params: Record<string, unknown>, opts: { targets?: string[]; timeoutSeconds?: number; wait?: boolean } = {}) {
  const res = await a.inject({ method: 'POST', url: '/api/v1/deployments', payload: { targets: opts.targets ?? ['web'], params, ...(opts.timeoutSeconds ? { timeoutSeconds: opts.timeoutSeconds } : {}) } });
  answers.push(res.body);
  if (res.statusCode !== 202) return { status: res.statusCode, body: res.json(), exec: undefined as any, evs: [] as StoredEvent[], id: '' };
  const id = res.json().id as string;
  if (opts.wait === false) return { status: 202, body: res.json(), exec: undefined as any, evs: [] as StoredEvent[], id };
  const exec = await waitForExecution(a, id, 30);
  const evs = await events(a, id);
  answers.push(JSON.stringify(exec), JSON.stringify(evs));
  return { status: 202, body: res.json(), exec, evs, id };
}

const jobs = (...specs: JobSpec[]) => { fake.nextJobs = specs; };
const LONG = `long:${'x'.repeat(70_000)}:end`;
const posts = (re: RegExp) => fake.requests.filter((r) => r.method === 'POST' && re.test(r.path));

t.test('deploy: one pipeline, variables, logs streamed once and in order, Deployment value, journal', async (t) => {
  fake.seedDeployment(shop, 'staging', 'v1.9.0');
  jobs(
    { name: 'build', stage: 'build', lines: ['compiling', 'linking', 'größe ✓ 日本語 ok'] },
    { name: 'deploy-staging', stage: 'deploy', environment: true, lines: ['deploying $CAPSTAN_VERSION to $CAPSTAN_ENVIRONMENT', LONG, 'extra $FLAG', 'done'] },
  );
  const before = fake.requests.length;
  const { exec, evs } = await deploy(app, { application: 'shop', version: 'v2.0.0', environment: 'staging', parameters: { FLAG: true, REPLICAS: 3 } });
  t.equal(exec.status, 'succeeded');
  const create = posts(/\/projects\/acme%2Fshop\/pipeline$/).at(-1)!;
  t.ok(create, 'POST /projects/acme%2Fshop/pipeline');
  t.same(JSON.parse(create.text), {
    ref: 'v2.0.0',
    variables: [
      { key: 'FLAG', value: 'true', variable_type: 'env_var' }, { key: 'REPLICAS', value: '3', variable_type: 'env_var' },
      { key: 'CAPSTAN_VERSION', value: 'v2.0.0', variable_type: 'env_var' }, { key: 'CAPSTAN_ENVIRONMENT', value: 'staging', variable_type: 'env_var' },
      { key: 'CAPSTAN_EXECUTION_ID', value: exec.id, variable_type: 'env_var' },
    ],
  });
  t.equal(create.privateToken, TOKEN);
  t.equal(posts(/pipeline$/).filter((r) => fake.requests.indexOf(r) >= before).length, 1, 'one pipeline for two targets');
  const out = lines(evs, 'stdout', 'web1');
  const expected = ['== job build (build) ==', 'Running with gitlab-runner 17.0.0 (fake)', 'Executing "step_script" stage of the job script', 'compiling', 'linking', 'größe ✓ 日本語 ok', 'Job succeeded', 'job build (build): success',
    '== job deploy-staging (deploy) ==', 'Running with gitlab-runner 17.0.0 (fake)', 'Executing "step_script" stage of the job script', 'deploying v2.0.0 to staging', LONG, 'extra true', 'done', 'Job succeeded', 'job deploy-staging (deploy): success'];
  const logPart = out.filter((l) => expected.includes(l));
  t.same(logPart, expected, 'every log line once, in order, jobs one after the other');
  t.equal(lines(evs, 'stdout', 'web2').length, 0, 'nothing streamed twice');
  t.ok(evs.some((e) => e.type === 'notice' && e.data.target === 'web2' && /streams under web1/.test(e.data.message)));
  t.ok(fake.requests.filter((r) => /\/trace$/.test(r.path)).length > 4, 'the trace was fetched several times while growing');
  for (const r of exec.results) {
    t.match(r, { status: 'succeeded', exitCode: 0 });
    t.match(r.value, {
      id: /^gitlab\.4411\.\d+$/, application: 'shop', version: 'v2.0.0', environment: 'staging', status: 'succeeded', source: 'gitlab', ref: 'v2.0.0',
      toolStatus: 'success', initiatedBy: 'deploy-bot', targets: ['web1', 'web2'], executionId: exec.id, previousVersion: 'v1.9.0', url: new RegExp(`^${fake.url}/acme/shop/-/pipelines/\\d+$`),
    });
    t.ok(r.value.finishedAt && r.value.startedAt);
  }
  const journal = (await app.inject({ url: '/api/v1/journal?node=web2' })).json();
  t.ok((journal.items ?? journal.entries).some((e: any) => e.executionId === exec.id), 'journal entry on the targets');

  const status = (await app.inject({ url: `/api/v1/deployments/${exec.results[0].value.id}` })).json();
  t.match(status.deployment, { id: exec.results[0].value.id, status: 'succeeded', targets: ['web1', 'web2'], executionId: exec.id });
});

t.test('two jobs of one stage running together: never interleaved', async (t) => {
  jobs(
    { name: 'eu', stage: 'deploy', lines: ['eu 1', 'eu 2', 'eu 3', 'eu 4', 'eu 5'] },
    { name: 'us', stage: 'deploy', lines: ['us 1', 'us 2', 'us 3', 'us 4', 'us 5', 'us 6'] },
    { name: 'ap', stage: 'deploy', lines: ['ap 1', 'ap 2'], chunk: 3 },
  );
  const { exec, evs } = await deploy(app, { application: 'shop', version: 'v2.0.1', environment: 'staging' });
  t.equal(exec.status, 'succeeded');
  const out = lines(evs, 'stdout', 'web1').filter((l) => /^(eu|us|ap) \d$|^== job/.test(l));
  t.same(out, ['== job eu (deploy) ==', 'eu 1', 'eu 2', 'eu 3', 'eu 4', 'eu 5', '== job us (deploy) ==', 'us 1', 'us 2', 'us 3', 'us 4', 'us 5', 'us 6', '== job ap (deploy) ==', 'ap 1', 'ap 2']);
  const pid = /p(\d+)$/.exec(exec.results[0].value.id)![1];
  t.ok(fake.requests.some((r) => r.path.endsWith(`/pipelines/${pid}/jobs`) && r.query.get('page') === '2'), 'the job list read past page 1');
});

t.test('a job allowed to fail: the pipeline succeeds, its failure is in the log; bridges told by status', async (t) => {
  fake.nextBridges = [{ name: 'trigger-docs', stage: 'deploy' }];
  t.teardown(() => { fake.nextBridges = []; });
  jobs({ name: 'lint', stage: 'test', outcome: 'failed', allowFailure: true, lines: ['style warnings'] }, { name: 'deploy', stage: 'deploy', lines: ['deployed'] });
  const { exec, evs } = await deploy(app, { application: 'shop', version: 'v2.0.2', environment: 'staging' }, { targets: ['web1'] });
  t.equal(exec.status, 'succeeded');
  t.match(exec.results[0].value, { status: 'succeeded', toolStatus: 'success' });
  const out = lines(evs, 'stdout', 'web1');
  t.ok(out.includes('job lint (test): failed (script_failure)') && out.includes('deployed'));
  t.same(out.filter((l) => l.startsWith('bridge ')), ['bridge trigger-docs (deploy): created', 'bridge trigger-docs (deploy): running', 'bridge trigger-docs (deploy): success']);
});

t.test('failed pipeline: DeploymentFailed with the status and link; later stage skipped', async (t) => {
  jobs({ name: 'migrate', stage: 'deploy', outcome: 'failed', lines: ['migration 42 failed'] }, { name: 'smoke', stage: 'verify', lines: ['never'] });
  const { exec, evs } = await deploy(app, { application: 'shop', version: 'v2.1.0', environment: 'staging' });
  t.equal(exec.status, 'failed');
  const r = exec.results[0];
  t.match(r, { status: 'failed', exitCode: 1, error: { code: 'CAPSTAN_ERR_DEPLOYMENT_FAILED', detail: /pipeline #\d+ ended failed; failed jobs: migrate \(script_failure\) \(http:\/\/127\.0\.0\.102:\d+\/acme\/shop\/-\/pipelines\/\d+\)/ } });
  t.match(r.value, { status: 'failed', toolStatus: 'failed' });
  const out = lines(evs, 'stdout', 'web1');
  t.ok(out.includes('migration 42 failed') && out.includes('ERROR: Job failed: exit code 1'));
  t.ok(out.includes('job smoke (verify): skipped'));
  t.notOk(out.includes('never'));
});

t.test('cancel mid-run: GitLab asked to cancel first, then the execution is canceled', async (t) => {
  jobs({ name: 'deploy', stage: 'deploy', outcome: 'stuck', environment: true, lines: ['working'] });
  const { id } = await deploy(app, { application: 'shop', version: 'v2.2.0', environment: 'staging' }, { wait: false });
  await until('the job runs', () => [...fake.jobs.values()].some((j) => j.spec.outcome === 'stuck' && j.status === 'running'));
  await until('streamed', async () => lines(await events(app, id), 'stdout', 'web1').includes('== job deploy (deploy) =='));
  const c = await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel` });
  t.ok(c.statusCode < 300, `cancel answered ${c.statusCode}`);
  const exec = await waitForExecution(app, id, 30);
  t.equal(exec.status, 'canceled');
  t.equal(posts(/\/pipelines\/\d+\/cancel$/).length, 1, 'POST /pipelines/:id/cancel');
  const pl = [...fake.pipelines.values()].at(-1)!;
  t.equal(pl.status, 'canceled', 'GitLab ended it');
  t.match(exec.results[0], { status: 'canceled', value: { status: 'canceled', toolStatus: 'canceled' } });
  const out = lines(await events(app, id), 'stdout', 'web1');
  t.ok(out.some((l) => /GitLab confirmed/.test(l)));
});

t.test('manual job: a notice at once, DeploymentBlocked when the time is up, nothing canceled', async (t) => {
  const cancels = posts(/cancel$/).length;
  jobs({ name: 'build', stage: 'build', lines: ['ok'] }, { name: 'deploy-prod', stage: 'deploy', when: 'manual', environment: true, lines: ['x'] });
  const { exec, evs } = await deploy(app, { application: 'shop', version: 'v3.0.0', environment: 'production' }, { timeoutSeconds: 1 });
  t.equal(exec.status, 'timed_out');
  t.match(exec.results[0], { status: 'timed_out', error: { code: 'CAPSTAN_ERR_DEPLOYMENT_BLOCKED', detail: /still manual \(waiting: deploy-prod \(manual\)\)/ } });
  t.ok(evs.some((e) => e.type === 'notice' && e.data.target === 'web1' && /waits for a person in GitLab: deploy-prod \(deploy, manual\)/.test(e.data.message)));
  t.equal(posts(/cancel$/).length, cancels, 'a blocked pipeline is left for a person');
});

t.test('rollback: retries the previous deploy job (GitLab rollback), history and status agree', async (t) => {
  const a = fake.seedDeployment(shop, 'production', 'v1.0.0');
  fake.seedDeployment(shop, 'production', 'v1.0.5', 'failed');
  const b = fake.seedDeployment(shop, 'production', 'v1.1.0');
  const undone = `gitlab.4411.${b.id}`;
  const res = await app.inject({ method: 'POST', url: `/api/v1/deployments/${undone}/rollback`, payload: { targets: ['web1'], params: { application: 'shop', environment: 'production' } } });
  t.equal(res.statusCode, 202, res.body);
  const exec = await waitForExecution(app, res.json().id, 30);
  t.equal(exec.status, 'succeeded');
  const retry = posts(/\/jobs\/\d+\/retry$/).at(-1)!;
  t.equal(retry.path, `/api/v4/projects/acme%2Fshop/jobs/${a.jobId}/retry`, 'the deploy job of v1.0.0 retried');
  const q = fake.requests.find((r) => r.method === 'GET' && r.path.endsWith('/deployments') && r.query.get('status') === 'success' && r.query.get('environment') === 'production')!;
  t.same({ order_by: q.query.get('order_by'), sort: q.query.get('sort') }, { order_by: 'id', sort: 'desc' });
  t.match(exec.results[0].value, { id: /^gitlab\.4411\.\d+$/, version: 'v1.0.0', previousVersion: 'v1.1.0', status: 'succeeded', environment: 'production', targets: ['web1'] });
  const out = lines(await events(app, res.json().id), 'stdout', 'web1');
  t.ok(out.includes('deploying v1.0.0'), 'the retried job log streamed');

  const hist = (await app.inject({ url: '/api/v1/deployments?application=shop&environment=production&limit=50' })).json();
  const mine = hist.items.filter((d: any) => d.source === 'gitlab');
  t.same(mine.map((d: any) => d.version), ['v1.0.0', 'v1.1.0', 'v1.0.5', 'v1.0.0', 'v3.0.0'], 'newest first, across GitLab pages of 2');
  t.match(mine[4], { status: 'pending', toolStatus: 'blocked', version: 'v3.0.0', targets: ['web1', 'web2'] });
  t.match(mine[0], { status: 'succeeded', targets: ['web1'], executionId: exec.id, initiatedBy: 'deploy-bot' });
  t.match(mine[2], { status: 'failed', toolStatus: 'failed', initiatedBy: 'alice', targets: [] });
  t.ok(fake.requests.some((r) => r.path.endsWith('/deployments') && r.query.get('page') === '2'), 'page 2 was read');

  const page1 = (await app.inject({ url: '/api/v1/deployments?application=shop&environment=production&limit=3' })).json();
  t.equal(page1.items.length, 3);
  t.ok(page1.nextCursor);
  const page2 = (await app.inject({ url: `/api/v1/deployments?application=shop&environment=production&limit=3&cursor=${encodeURIComponent(page1.nextCursor)}` })).json();
  t.same([...page1.items, ...page2.items].filter((d: any) => d.source === 'gitlab').map((d: any) => d.id), mine.map((d: any) => d.id), 'cursor pages give the same list');

  const byNode = (await app.inject({ url: '/api/v1/deployments?node=web1&environment=production' })).json();
  t.same(byNode.items.map((d: any) => d.version), ['v1.0.0', 'v3.0.0'], 'by node: the runs Capstan started there (the rollback, the blocked deploy)');
  t.equal(byNode.items[0].id, exec.results[0].value.id);

  const st = (await app.inject({ url: `/api/v1/deployments/${undone}` })).json();
  t.match(st.deployment, { id: undone, application: 'shop', version: 'v1.1.0', environment: 'production', status: 'succeeded', initiatedBy: 'alice' });
  t.equal((await app.inject({ url: '/api/v1/deployments/gitlab.4411.999999' })).statusCode, 404);
  t.equal((await app.inject({ url: '/api/v1/deployments/gitlab.4411.p999999' })).statusCode, 404);
  t.equal((await app.inject({ url: '/api/v1/deployments/jenkins.deploy-shop.4' })).statusCode, 404);
});

t.test('rollback: toVersion; refused retry falls back to a pipeline; nothing earlier is a clear failure', async (t) => {
  fake.retryForbidden = true;
  jobs({ name: 'deploy', stage: 'deploy', environment: true, lines: ['redeploying $CAPSTAN_VERSION'] });
  const res = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'deploy.rollback', targets: ['web1'], params: { application: 'shop', environment: 'production', toVersion: 'v1.1.0' } } });
  t.equal(res.statusCode, 202, res.body);
  const exec = await waitForExecution(app, res.json().id, 30);
  fake.retryForbidden = false;
  t.equal(exec.status, 'succeeded');
  t.match(exec.results[0].value, { id: /^gitlab\.4411\.\d+$/, version: 'v1.1.0', previousVersion: 'v1.0.0' });
  const evs = await events(app, res.json().id);
  t.ok(evs.some((e) => e.type === 'notice' && /refused to retry deploy job/.test(e.data.message)));
  t.ok(lines(evs, 'stdout', 'web1').includes('redeploying v1.1.0'));

  fake.addProject(4600, 'acme/lonely');
  fake.seedDeployment(fake.projects.at(-1)!, 'production', 'v0.1.0');
  const lonely = await appWith(t, { token: TOKEN });
  const r2 = await lonely.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'deploy.rollback', targets: ['web1'], params: { application: 'lonely', environment: 'production' } } });
  const e2 = await waitForExecution(lonely, r2.json().id, 30);
  t.equal(e2.status, 'failed');
  t.match(e2.results[0].error, { code: 'CAPSTAN_ERR_RECORD_NOT_FOUND', detail: /no successful deployment of lonely in production before #\d+ \(v0\.1\.0\)/ });
});

t.test('cancel during a rollback: the retried job canceled in GitLab', async (t) => {
  const proj = fake.addProject(4700, 'acme/cart');
  const old = fake.seedDeployment(proj, 'production', 'v7.0.0');
  fake.seedDeployment(proj, 'production', 'v7.1.0');
  fake.jobs.get(old.jobId)!.spec = { ...fake.jobs.get(old.jobId)!.spec, outcome: 'stuck' };
  const open = await appWith(t, { token: TOKEN });
  const res = await open.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'deploy.rollback', targets: ['web1'], params: { application: 'cart', environment: 'production' } } });
  const id = res.json().id;
  await until('the retried job runs', () => [...fake.jobs.values()].some((j) => j.id > old.jobId && j.spec.outcome === 'stuck' && j.status === 'running'));
  await open.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel` });
  const exec = await waitForExecution(open, id, 30);
  t.equal(exec.status, 'canceled');
  const cancel = posts(/\/jobs\/\d+\/cancel$/).at(-1)!;
  t.ok(cancel, 'POST /jobs/:id/cancel');
  t.match(exec.results[0], { status: 'canceled', value: { status: 'canceled', version: 'v7.0.0', previousVersion: 'v7.1.0' } });
});

t.test('bad input: 400 before any request reaches GitLab', async (t) => {
  const before = fake.requests.length;
  const cases: [Record<string, unknown>, string][] = [
    [{ application: 'shop', version: '1', environment: 'staging', parameters: { NESTED: { a: 1 } } }, '/params/parameters/NESTED'],
    [{ application: 'shop', version: '1', environment: 'staging', parameters: { 'bad-key': 'x' } }, '/params/parameters/bad-key'],
    [{ application: 'shop', version: '1', environment: 'staging', parameters: { CAPSTAN_VERSION: 'x' } }, '/params/parameters/CAPSTAN_VERSION'],
    [{ application: 'other', version: '1', environment: 'staging' }, '/params/application'],
  ];
  for (const [params, pointer] of cases) {
    const r = await deploy(app, params);
    t.equal(r.status, 400, pointer);
    t.match(r.body, { code: 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID' });
    t.ok(r.body.errors.some((e: any) => e.pointer === pointer), `${pointer}: ${JSON.stringify(r.body.errors)}`);
  }
  for (const id of ['jenkins.deploy-shop.42', 'gitlab.acme~other.12', 'gitlab.4411.x1']) {
    const r = await app.inject({ method: 'POST', url: `/api/v1/deployments/${id}/rollback`, payload: { targets: ['web1'], params: { application: 'shop', environment: 'production' } } });
    t.equal(r.statusCode, 400, id);
    t.ok(r.json().errors.some((e: any) => e.pointer === '/params/deploymentId'), id);
  }
  t.equal(fake.requests.length, before, 'GitLab saw nothing');
});

t.test('a bad token: the target fails with a typed auth error', async (t) => {
  const bad = await appWith(t, { token: 'glpat-wrong-token-000000000' });
  const r = await deploy(bad, { application: 'shop', version: 'v9', environment: 'staging' }, { targets: ['web1'] });
  t.equal(r.status, 202, JSON.stringify(r.body));
  t.equal(r.exec.status, 'failed');
  t.match(r.exec.results[0].error, { code: 'CAPSTAN_ERR_TARGET_AUTH_FAILED', detail: /refused the credentials \(HTTP 401: 401 Unauthorized\)/ });
  const ro = await appWith(t, { token: READ });
  const r2 = await deploy(ro, { application: 'shop', version: 'v9', environment: 'staging' }, { targets: ['web1'] });
  t.match(r2.exec.results[0].error, { code: 'CAPSTAN_ERR_TARGET_AUTH_FAILED', detail: /HTTP 403: insufficient_scope/ });
  const nf = await deploy(app, { application: 'nope', version: 'v9', environment: 'staging' }, { targets: ['web1'] });
  t.equal(nf.status, 400, 'not in the allow-list');
  const open = await appWith(t, { token: TOKEN });
  const r3 = await deploy(open, { application: 'nope', version: 'v9', environment: 'staging' }, { targets: ['web1'] });
  t.match(r3.exec.results[0].error, { code: 'CAPSTAN_ERR_RECORD_NOT_FOUND', detail: /HTTP 404 \(404 Project Not Found\)/ });
  fake.refs = new Set(['main']);
  const r4 = await deploy(app, { application: 'shop', version: 'v404', environment: 'staging' }, { targets: ['web1'] });
  fake.refs = new Set();
  t.match(r4.exec.results[0], { status: 'failed', exitCode: null, error: { code: 'CAPSTAN_ERR_DEPLOYMENT_FAILED', detail: /refused to create a pipeline in acme\/shop on v404: .*HTTP 400: Reference not found/ } });
});

t.test('429 waited out (Retry-After, then RateLimit-Reset); 5xx while following retried with a notice', async (t) => {
  jobs({ name: 'deploy', stage: 'deploy', lines: ['one', 'two', 'three'] });
  fake.rateLimit = { count: 1, retryAfter: '1', path: /\/pipeline$/, useReset: false };
  const started = Date.now();
  const r = await deploy(app, { application: 'shop', version: 'v4.0.0', environment: 'staging' }, { targets: ['web1'] });
  t.equal(r.exec.status, 'succeeded');
  t.ok(Date.now() - started >= 900, 'waited the second GitLab asked for');
  t.equal(posts(/\/pipeline$/).filter((x) => JSON.parse(x.text).ref === 'v4.0.0').length, 2, 'sent again after the 429');

  fake.rateLimit = { count: 2, retryAfter: '1', path: /\/jobs$/, useReset: true };
  fake.fail = { count: 3, status: 502, path: /\/pipelines\/\d+$/ };
  const r2 = await deploy(app, { application: 'shop', version: 'v4.0.1', environment: 'staging' }, { targets: ['web1'] });
  t.equal(r2.exec.status, 'succeeded');
  t.equal(fake.fail.count, 0);
  t.ok(r2.evs.some((e) => e.type === 'notice' && /retry 1 of 8/.test(e.data.message) && /HTTP 502/.test(e.data.message)));
  t.same(lines(r2.evs, 'stdout', 'web1').filter((l) => /^(one|two|three)$/.test(l)), ['one', 'two', 'three'], 'no line lost or doubled');
});

t.test('trigger token: pipeline created through /trigger/pipeline with the token in the body, followed with the access token', async (t) => {
  const trig = await appWith(t, { token: READ, triggerToken: TRIGGER });
  jobs({ name: 'deploy', stage: 'deploy', lines: ['via trigger $CAPSTAN_VERSION'] });
  const r = await deploy(trig, { application: 'shop', version: 'v5.0.0', environment: 'staging', parameters: { REPLICAS: 2 } }, { targets: ['web1'] });
  t.equal(r.exec.status, 'succeeded');
  const req = posts(/\/trigger\/pipeline$/).at(-1)!;
  t.equal(req.query.toString(), '', 'nothing in the query string');
  t.equal(req.privateToken, undefined);
  t.same(JSON.parse(req.text), { token: TRIGGER, ref: 'v5.0.0', variables: { REPLICAS: '2', CAPSTAN_VERSION: 'v5.0.0', CAPSTAN_ENVIRONMENT: 'staging', CAPSTAN_EXECUTION_ID: r.id } });
  t.ok(lines(r.evs, 'stdout', 'web1').includes('via trigger v5.0.0'));
  t.match(r.exec.results[0].value, { initiatedBy: 'deploy-bot' });

  const wrong = await appWith(t, { token: READ, triggerToken: 'glptt-not-the-trigger-token-000' });
  const w = await deploy(wrong, { application: 'shop', version: 'v5.0.1', environment: 'staging' }, { targets: ['web1'] });
  t.match(w.exec.results[0].error, { code: 'CAPSTAN_ERR_RECORD_NOT_FOUND', detail: /404 Not Found.*not a trigger token of project acme\/shop/ });

  const only = await appWith(t, { triggerToken: TRIGGER });
  const p = (await only.inject({ url: '/api/v1/plugins/gitlab' })).json();
  t.match(JSON.stringify(p), /token is required with plugins\.gitlab\.triggerToken/);
});

t.test('secrets: tokens and secret-named parameters never in output, answers or logs', async (t) => {
  jobs({ name: 'deploy', stage: 'deploy', lines: ['connecting with $db_password', `token ${TOKEN}`] });
  const r = await deploy(app, { application: 'shop', version: 'v6.0.0', environment: 'staging', parameters: { db_password: SECRET } }, { targets: ['web1'] });
  t.equal(r.exec.status, 'succeeded');
  const out = lines(r.evs, 'stdout', 'web1');
  t.ok(out.includes('connecting with ***'), 'masked in the log');
  t.ok(out.includes('token ***'));
  const exec = (await app.inject({ url: `/api/v1/executions/${r.id}` })).json();
  t.equal(exec.params.parameters.db_password, '***');
  const all = [...answers, ...logs.lines.map((l) => JSON.stringify(l))].join('\n');
  for (const s of [TOKEN, TRIGGER, SECRET]) t.notOk(all.includes(s), `${s.slice(0, 8)}… never shown`);
  t.ok(fake.requests.every((q) => !q.url.includes(TOKEN) && !q.url.includes(TRIGGER)), 'never in a URL');
  t.ok(fake.requests.filter((q) => q.text.includes(TOKEN)).length === 0, 'the access token travels only in its header');
});

// ---- issue 22 review fixes ----

const rollbackOf = (a: FastifyInstance, params: Record<string, unknown>) =>
  a.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'deploy.rollback', targets: ['web1'], params } });

t.test('#1 rollback with a deployment id of another application\'s project: never a rollback of the wrong thing', async (t) => {
  const shopApp = fake.addProject(4811, 'acme/shopx');
  const cart = fake.addProject(4812, 'acme/cartx');
  fake.seedDeployment(shopApp, 'production', 'v1');
  fake.seedDeployment(shopApp, 'production', 'v2');
  const c1 = fake.seedDeployment(cart, 'production', 'c1');
  const fresh = await appWith(t, { token: TOKEN });
  const retries = posts(/\/retry$/).length;
  const pipelines = posts(/\/pipeline$/).length;
  for (const id of [`gitlab.4812.${c1.id}`, `gitlab.4812.p${fake.jobs.get(c1.jobId)!.pipelineId}`, `gitlab.4812.j${c1.jobId}`, `gitlab.acme~cartx.${c1.id}`]) {
    const res = await rollbackOf(fresh, { application: 'shopx', environment: 'production', deploymentId: id });
    if (res.statusCode === 400) {
      t.ok(res.json().errors.some((e: any) => e.pointer === '/params/deploymentId'), `${id}: refused at submit`);
      continue;
    }
    t.equal(res.statusCode, 202, id);
    const exec = await waitForExecution(fresh, res.json().id, 30);
    t.equal(exec.status, 'failed', id);
    t.match(exec.results[0], { exitCode: null, error: { detail: /project/ } }, id);
    t.notOk(lines(await events(fresh, exec.id), 'stdout', 'web1').some((l) => /rolling shopx/.test(l)), `${id}: nothing rolled back`);
  }
  t.equal(posts(/\/retry$/).length, retries, 'no job retried');
  t.equal(posts(/\/pipeline$/).length, pipelines, 'no pipeline created');
  // Once the application's project id is known (a lookup, or a run Capstan started), refused at submit.
  const res = await rollbackOf(fresh, { application: 'shopx', environment: 'production', deploymentId: `gitlab.4812.${c1.id}` });
  t.equal(res.statusCode, 400, 'known without network now');
  t.match(JSON.stringify(res.json().errors), /project 4812, not of acme\/shopx \(#4811\)/);
});

t.test('#12 version / toVersion must be git ref names; CAPSTAN_EXECUTION_ID is reserved: 400, nothing sent', async (t) => {
  const before = fake.requests.length;
  for (const version of ['v1 2', 'a..b', '-rc', 'x.lock', 'rel/', 'a:b', 'a~1', 'b^', 'c?', 'd*', 'e[', 'f\\g', 'h@{1}', 'end.', 'x/.hidden', 'tab\tx']) {
    const r = await deploy(app, { application: 'shop', version, environment: 'staging' });
    t.equal(r.status, 400, JSON.stringify(version));
    t.ok(r.body.errors?.some((e: any) => e.pointer === '/params/version'), JSON.stringify(version));
  }
  const r = await deploy(app, { application: 'shop', version: 'v1', environment: 'staging', parameters: { CAPSTAN_EXECUTION_ID: 'x' } });
  t.equal(r.status, 400);
  t.ok(r.body.errors.some((e: any) => e.pointer === '/params/parameters/CAPSTAN_EXECUTION_ID'));
  for (const key of ['CI_COMMIT_REF_NAME', 'GITLAB_USER_LOGIN', 'CI']) {
    const rr = await deploy(app, { application: 'shop', version: 'v1', environment: 'staging', parameters: { [key]: 'x' } });
    t.equal(rr.status, 400, key);
    t.ok(rr.body.errors.some((e: any) => e.pointer === `/params/parameters/${key}`), key);
  }
  const rb = await rollbackOf(app, { application: 'shop', environment: 'production', toVersion: 'bad ref' });
  t.equal(rb.statusCode, 400);
  t.ok(rb.json().errors.some((e: any) => e.pointer === '/params/toVersion'));
  t.equal(fake.requests.length, before, 'GitLab saw nothing');
  const ok = await deploy(app, { application: 'shop', version: 'release/2.0-rc.1', environment: 'staging' }, { wait: false });
  t.equal(ok.status, 202, 'a valid ref with / . - passes');
  await waitForExecution(app, ok.id, 30);
});

t.test('#11 rollback toVersion never deployed before: a pipeline on it', async (t) => {
  jobs({ name: 'deploy', stage: 'deploy', environment: true, lines: ['deploying $CAPSTAN_VERSION'] });
  const res = await rollbackOf(app, { application: 'shop', environment: 'production', toVersion: 'v0.0.9' });
  t.equal(res.statusCode, 202, res.body);
  const exec = await waitForExecution(app, res.json().id, 30);
  t.equal(exec.status, 'succeeded', JSON.stringify(exec.results));
  const create = posts(/\/projects\/acme%2Fshop\/pipeline$/).at(-1)!;
  t.equal(JSON.parse(create.text).ref, 'v0.0.9');
  t.match(exec.results[0].value, { version: 'v0.0.9', environment: 'production', status: 'succeeded' });
  t.ok(lines(await events(app, exec.id), 'stdout', 'web1').includes('deploying v0.0.9'));
});

t.test('#5 a job retried during the run (retry:): its last lines and its end are streamed, then the new try', async (t) => {
  jobs({ name: 'deploy', stage: 'deploy', outcome: 'failed', retry: 1, lines: ['try one a', 'try one b'], retrySpec: { name: 'deploy', stage: 'deploy', lines: ['try two'] } });
  const r = await deploy(app, { application: 'shop', version: 'v8.0.0', environment: 'staging' }, { targets: ['web1'] });
  t.equal(r.exec.status, 'succeeded');
  const out = lines(r.evs, 'stdout', 'web1');
  const idx = (l: string) => out.indexOf(l);
  t.ok(idx('try one b') >= 0, 'the first try streamed');
  t.ok(idx('ERROR: Job failed: exit code 1') > idx('try one b'), 'its last line');
  t.ok(idx('job deploy (deploy): failed (script_failure)') > idx('ERROR: Job failed: exit code 1'), 'its end');
  t.ok(idx('try two') > idx('job deploy (deploy): failed (script_failure)'), 'then the new try');
  t.equal(out.filter((l) => l === '== job deploy (deploy) ==').length, 2);
  t.ok(fake.requests.some((q) => /\/jobs$/.test(q.path) && q.query.get('include_retried') === 'true'));
});

t.test('#4 trigger POST: a lost answer found again by CAPSTAN_EXECUTION_ID; an unknown outcome fails clearly; an abort during the POST cancels what it created', async (t) => {
  jobs({ name: 'deploy', stage: 'deploy', lines: ['found and followed'] });
  fake.loseCreateAnswer = 1;
  const before = posts(/\/pipeline$/).length;
  const r = await deploy(app, { application: 'shop', version: 'v9.1.0', environment: 'staging' }, { targets: ['web1'] });
  t.equal(r.exec.status, 'succeeded', JSON.stringify(r.exec.results));
  t.equal(posts(/\/pipeline$/).length, before + 1, 'the POST was not sent again');
  t.ok(lines(r.evs, 'stdout', 'web1').includes('found and followed'));
  t.ok(r.evs.some((e) => e.type === 'notice' && /carries CAPSTAN_EXECUTION_ID/.test(e.data.message)));
  t.ok(fake.requests.some((q) => q.path.endsWith('/pipelines') && q.query.get('ref') === 'v9.1.0' && q.query.get('source') === 'api'));

  fake.fail = { count: 1, status: 502, path: /\/pipeline$/ };
  const r2 = await deploy(app, { application: 'shop', version: 'v9.1.1', environment: 'staging' }, { targets: ['web1'] });
  t.match(r2.exec.results[0], { status: 'failed', exitCode: null, error: { code: 'CAPSTAN_ERR_DEPLOYMENT_FAILED', detail: /outcome of the pipeline creation in GitLab is unknown.*HTTP 502.*look at .* project acme\/shop, CI\/CD > Pipelines/ } });
  t.equal(posts(/\/pipeline$/).filter((x) => JSON.parse(x.text).ref === 'v9.1.1').length, 1, 'never resent');

  jobs({ name: 'deploy', stage: 'deploy', outcome: 'stuck', lines: ['x'] });
  fake.createDelayMs = 800;
  t.teardown(() => { fake.createDelayMs = 0; });
  const d = await deploy(app, { application: 'shop', version: 'v9.1.2', environment: 'staging' }, { targets: ['web1'], wait: false });
  await until('the POST is on its way', () => posts(/\/pipeline$/).some((x) => JSON.parse(x.text).ref === 'v9.1.2'));
  await app.inject({ method: 'POST', url: `/api/v1/executions/${d.id}/cancel` });
  const exec = await waitForExecution(app, d.id, 30);
  fake.createDelayMs = 0;
  t.equal(exec.status, 'canceled');
  t.notOk(exec.results[0].error, 'canceled: no error');
  const pl = [...fake.pipelines.values()].find((p) => p.ref === 'v9.1.2')!;
  t.ok(pl, 'the pipeline was created');
  t.equal(pl.status, 'canceled', 'and canceled in GitLab once the POST returned');
});

t.test('#9 ids: the deployment id once known, the pipeline id an alias; history with a node lists the same ids; history without application', async (t) => {
  jobs({ name: 'deploy', stage: 'deploy', environment: true, lines: ['ok'] });
  const r = await deploy(app, { application: 'shop', version: 'v9.2.0', environment: 'qa' }, { targets: ['web2'] });
  const v = r.exec.results[0].value;
  const d = fake.deployments.at(-1)!;
  t.equal(v.id, `gitlab.4411.${d.id}`, 'the GitLab deployment');
  const pid = fake.jobs.get(d.jobId)!.pipelineId;
  const alias = (await app.inject({ url: `/api/v1/deployments/gitlab.4411.p${pid}` })).json();
  t.match(alias.deployment, { id: v.id, version: 'v9.2.0', executionId: r.id }, 'the pipeline id resolves');
  const byId = (await app.inject({ url: `/api/v1/deployments/${v.id}` })).json();
  t.match(byId.deployment, { id: v.id, targets: ['web2'], executionId: r.id });
  const hist = (await app.inject({ url: '/api/v1/deployments?application=shop&environment=qa' })).json();
  const node = (await app.inject({ url: '/api/v1/deployments?node=web2&environment=qa' })).json();
  t.same(node.items.map((x: any) => x.id), hist.items.filter((x: any) => x.source === 'gitlab').map((x: any) => x.id), 'same ids with and without node');

  const all = (await app.inject({ url: '/api/v1/deployments?environment=qa' })).json();
  t.ok(all.items.some((x: any) => x.id === v.id && x.application === 'shop'), 'without application: the allow-list\'s applications');
  const other = (await app.inject({ url: '/api/v1/deployments?application=nope&environment=qa' })).json();
  t.equal(other.items.filter((x: any) => x.source === 'gitlab').length, 0, 'not in the allow-list: nothing');
  fake.seedDeployment(shop, 'staging', 'v9.2.1');
  const noEnv = await appWith(t, { token: TOKEN, environments: ['staging'] });
  const h2 = (await noEnv.inject({ url: '/api/v1/deployments?application=shop' })).json();
  t.ok(h2.items.length > 0 && h2.items.every((x: any) => x.environment === 'staging'), 'the environments allow-list filters history');
});

t.test('#5 a GitLab that lists only the newest try: the vanished job is read once more and streamed to its end', async (t) => {
  fake.ignoreIncludeRetried = true;
  t.teardown(() => { fake.ignoreIncludeRetried = false; });
  jobs({ name: 'deploy', stage: 'deploy', outcome: 'failed', retry: 1, lines: ['first a', 'first b', 'first c'], retrySpec: { name: 'deploy', stage: 'deploy', lines: ['second'] } });
  const r = await deploy(app, { application: 'shop', version: 'v8.1.0', environment: 'staging' }, { targets: ['web1'] });
  t.equal(r.exec.status, 'succeeded');
  const out = lines(r.evs, 'stdout', 'web1');
  const idx = (l: string) => out.indexOf(l);
  t.ok(idx('first c') >= 0 && idx('ERROR: Job failed: exit code 1') > idx('first c'), 'the last lines of the first try');
  t.ok(idx('job deploy (deploy): failed (script_failure)') > idx('ERROR: Job failed: exit code 1'), 'its end');
  t.ok(idx('second') > idx('job deploy (deploy): failed (script_failure)'), 'then the new try');
  const first = [...fake.jobs.values()].find((j) => j.retried && fake.pipelines.get(j.pipelineId)!.ref === 'v8.1.0')!;
  t.ok(fake.requests.some((q) => q.method === 'GET' && q.path.endsWith(`/jobs/${first.id}`)), 'the vanished job read by GET /jobs/:id');
});

t.test('#4 rollback: a retry whose answer is lost is found again in its pipeline, not retried twice', async (t) => {
  const proj = fake.addProject(4911, 'acme/lost');
  const old = fake.seedDeployment(proj, 'production', 'v1.0.0');
  fake.seedDeployment(proj, 'production', 'v1.1.0');
  const open = await appWith(t, { token: TOKEN });
  fake.loseRetryAnswer = 1;
  const before = posts(/\/retry$/).length;
  const res = await rollbackOf(open, { application: 'lost', environment: 'production' });
  const exec = await waitForExecution(open, res.json().id, 30);
  t.equal(exec.status, 'succeeded', JSON.stringify(exec.results));
  t.equal(posts(/\/retry$/).length, before + 1, 'one retry POST');
  t.match(exec.results[0].value, { version: 'v1.0.0', previousVersion: 'v1.1.0' });
  t.ok((await events(open, exec.id)).some((e) => e.type === 'notice' && /new try of deploy job #\d+: it is followed/.test(e.data.message)));
  t.ok(fake.jobs.get(old.jobId)!.retried);
});

t.test('#9 history without application and no allow-list: the applications of the runs Capstan started', async (t) => {
  const open = await appWith(t, { token: TOKEN });
  const empty = (await open.inject({ url: '/api/v1/deployments?environment=uat' })).json();
  t.equal(empty.items.filter((x: any) => x.source === 'gitlab').length, 0, 'no runs yet: nothing to read');
  jobs({ name: 'deploy', stage: 'deploy', environment: true, lines: ['ok'] });
  const r = await deploy(open, { application: 'shop', version: 'v9.3.0', environment: 'uat' }, { targets: ['web1'] });
  const all = (await open.inject({ url: '/api/v1/deployments?environment=uat' })).json();
  t.same(all.items.filter((x: any) => x.source === 'gitlab').map((x: any) => x.id), [r.exec.results[0].value.id]);
});

// ---- second review (A1-A6) ----

const gets = (re: RegExp, from = 0) => fake.requests.slice(from).filter((r) => r.method === 'GET' && re.test(r.path));

t.test('A2 a 429 before the trigger POST: the wait is cut by a cancel, nothing sent, canceled', async (t) => {
  const slow = await appWith(t, { token: TOKEN, maxRateLimitWaitMs: 60_000 });
  fake.rateLimit = { count: 1, retryAfter: '30', path: /\/pipeline$/, useReset: false };
  t.teardown(() => { fake.rateLimit.count = 0; });
  jobs({ name: 'deploy', stage: 'deploy', lines: ['never'] });
  const d = await deploy(slow, { application: 'shop', version: 'v10.0.0', environment: 'staging' }, { targets: ['web1'], wait: false });
  await until('the 429', () => fake.rateLimit.count === 0);
  const t0 = Date.now();
  await slow.inject({ method: 'POST', url: `/api/v1/executions/${d.id}/cancel` });
  const exec = await waitForExecution(slow, d.id, 30);
  t.ok(Date.now() - t0 < 3000, 'the 30 s wait was cut');
  t.equal(exec.status, 'canceled');
  t.match(exec.results[0], { status: 'canceled', exitCode: null });
  t.notOk(exec.results[0].error);
  t.equal(posts(/\/pipeline$/).filter((x) => JSON.parse(x.text).ref === 'v10.0.0').length, 1, 'only the POST answered 429, never sent again');
  t.notOk([...fake.pipelines.values()].some((p) => p.ref === 'v10.0.0'), 'nothing created');
});

t.test('A3 the trigger POST times out and nothing is found while the run is canceled: failed, DeploymentFailed, the detail as a notice too', async (t) => {
  const quick = await appWith(t, { token: TOKEN, timeoutMs: 600 });
  jobs({ name: 'deploy', stage: 'deploy', lines: ['late'] });
  fake.createDelayMs = 1500;
  t.teardown(() => { fake.createDelayMs = 0; });
  const d = await deploy(quick, { application: 'shop', version: 'v10.1.0', environment: 'staging' }, { targets: ['web1'], wait: false });
  await until('the POST is on its way', () => posts(/\/pipeline$/).some((x) => JSON.parse(x.text).ref === 'v10.1.0'));
  await quick.inject({ method: 'POST', url: `/api/v1/executions/${d.id}/cancel` });
  const exec = await waitForExecution(quick, d.id, 30);
  fake.createDelayMs = 0;
  t.match(exec.results[0], { status: 'failed', exitCode: null, error: { code: 'CAPSTAN_ERR_DEPLOYMENT_FAILED', detail: /outcome of the pipeline creation in GitLab is unknown.*CI\/CD > Pipelines/ } });
  const evs = await events(quick, d.id);
  t.ok(evs.some((e) => e.type === 'notice' && /outcome of the pipeline creation in GitLab is unknown.*CI\/CD > Pipelines/.test(e.data.message)), 'the detail as a notice');
  t.notOk(JSON.stringify(evs).includes('nothing was sent') || JSON.stringify(exec).includes('nothing was triggered'), 'never "nothing sent" once the POST went');
});

t.test('A1 A4 a cancel GitLab does not confirm: within the one deadline, partial last line and the jobs completed meanwhile streamed, no optional look-up', async (t) => {
  const short = await appWith(t, { token: TOKEN, cancelWaitMs: 800 });
  fake.cancelTicks = 1e9;
  t.teardown(() => { fake.cancelTicks = 1; });
  jobs({ name: 'deploy', stage: 'deploy', outcome: 'stuck', environment: true, lines: ['step one'], partial: 'half a line' }, { name: 'notify', stage: 'deploy', lines: ['notified'] });
  const d = await deploy(short, { application: 'shop', version: 'v10.2.0', environment: 'staging' }, { targets: ['web1'], wait: false });
  await until('step one streamed', async () => lines(await events(short, d.id), 'stdout', 'web1').includes('step one'));
  const pl = [...fake.pipelines.values()].find((p) => p.ref === 'v10.2.0')!;
  await until('notify done, the partial line written', () => pl.jobs.map((id) => fake.jobs.get(id)!).some((j) => j.spec.name === 'notify' && j.status === 'success')
    && fake.jobs.get(pl.jobs[0])!.log.endsWith('half a line'));
  t.notOk(lines(await events(short, d.id), 'stdout', 'web1').includes('half a line'), 'held while the line may go on');
  const mark = fake.requests.length;
  const t0 = Date.now();
  await short.inject({ method: 'POST', url: `/api/v1/executions/${d.id}/cancel` });
  const exec = await waitForExecution(short, d.id, 30);
  t.ok(Date.now() - t0 < 800 + 5000 - 2000 + 500, `ended within abortSettleMs - 2 s (${Date.now() - t0} ms)`);
  t.equal(exec.status, 'canceled');
  t.notOk(exec.results[0].error);
  const evs = await events(short, d.id);
  t.ok(evs.some((e) => e.type === 'notice' && /did not confirm it stopped/.test(e.data.message)));
  const out = lines(evs, 'stdout', 'web1');
  t.ok(out.includes('half a line'), 'the partial last line');
  t.ok(out.includes('notified'), 'the job that completed meanwhile');
  t.match(exec.results[0].value, { id: `gitlab.4411.p${pl.id}`, version: 'v10.2.0' });
  t.equal(gets(/\/deployments$/, mark).length, 0, 'no deployment look-up after the abort');
  t.equal(gets(/\/user$/, mark).length, 0);
});

t.test('A4 A6 an error while following: flushed, the id returned, the record kept; history by node reads it again', async (t) => {
  jobs({ name: 'deploy', stage: 'deploy', outcome: 'stuck', lines: ['going'], partial: 'no newline yet' });
  const d = await deploy(app, { application: 'shop', version: 'v10.3.0', environment: 'perf' }, { targets: ['web2'], wait: false });
  await until('streamed', async () => lines(await events(app, d.id), 'stdout', 'web2').includes('going'));
  const pl = [...fake.pipelines.values()].find((p) => p.ref === 'v10.3.0')!;
  await until('the partial line written', () => fake.jobs.get(pl.jobs[0])!.log.endsWith('no newline yet'));
  fake.fail = { count: 1, status: 400, path: new RegExp(`/pipelines/${pl.id}$`) };
  const exec = await waitForExecution(app, d.id, 30);
  t.match(exec.results[0], { status: 'failed', exitCode: null, error: { detail: /HTTP 400/ }, value: { id: `gitlab.4411.p${pl.id}`, status: 'running' } });
  const evs = await events(app, d.id);
  t.ok(lines(evs, 'stdout', 'web2').includes('no newline yet'), 'the partial last line flushed');
  t.ok(evs.some((e) => e.type === 'notice' && /following GitLab pipeline #\d+ failed.*deploy\.status/.test(e.data.message)));
  const st = (await app.inject({ url: `/api/v1/deployments/gitlab.4411.p${pl.id}` })).json();
  t.match(st.deployment, { id: `gitlab.4411.p${pl.id}`, status: 'running' }, 'the record kept: deploy.status follows it');

  // GitLab ends it meanwhile: the listing by node reads it again.
  pl.canceling = true; pl.status = 'canceling'; pl.ticks = 0;
  await app.inject({ url: `/api/v1/deployments/gitlab.4411.p${pl.id}` });
  t.equal(pl.status, 'canceled');
  const mark = fake.requests.length;
  const node = (await app.inject({ url: '/api/v1/deployments?node=web2&environment=perf' })).json();
  t.match(node.items.find((x: any) => x.id === `gitlab.4411.p${pl.id}`), { status: 'canceled', toolStatus: 'canceled' }, 'not the record as written when following stopped');
  t.equal(gets(new RegExp(`/pipelines/${pl.id}$`), mark).length, 1, 'read once');
  await app.inject({ url: '/api/v1/deployments?node=web2&environment=perf' });
  t.equal(gets(new RegExp(`/pipelines/${pl.id}$`), mark).length, 1, 'finished now: not read again');
});

t.test('A5 keyset cursors: a deployment made between two page reads neither repeats nor skips an item', async (t) => {
  const proj = fake.addProject(4920, 'acme/keys');
  for (let i = 0; i < 7; i++) fake.seedDeployment(proj, 'production', `v0.${i}`);
  const open = await appWith(t, { token: TOKEN });
  const before = (await open.inject({ url: '/api/v1/deployments?application=keys&environment=production&limit=50' })).json().items.filter((x: any) => x.source === 'gitlab').map((x: any) => x.id);
  t.equal(before.length, 7);
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 10; i++) {
    const q: string = `/api/v1/deployments?application=keys&environment=production&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = (await open.inject({ url: q })).json();
    seen.push(...page.items.filter((x: any) => x.source === 'gitlab').map((x: any) => x.id));
    if (i === 0) { fake.seedDeployment(proj, 'production', 'v0.new'); fake.seedDeployment(proj, 'production', 'v0.newer'); }
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  t.same(seen, before, 'every item once, in order');

  // Merged across applications (allow-list of many): keyset too, and none dropped.
  const many = Array.from({ length: 110 }, (_, i) => `app${i}`);
  const a2 = fake.addProject(4921, 'acme/app108');
  const x1 = fake.seedDeployment(a2, 'production', 'w1');
  const x2 = fake.seedDeployment(proj, 'production', 'v0.last');
  const merged = await appWith(t, { token: TOKEN, applications: [...many, 'keys'] });
  const first = (await merged.inject({ url: '/api/v1/deployments?environment=production&limit=2' })).json();
  const ids = first.items.filter((x: any) => x.source === 'gitlab').map((x: any) => x.id);
  t.same(ids, [`gitlab.4920.${x2.id}`, `gitlab.4921.${x1.id}`], 'the 109th application is read too');
  const between = fake.seedDeployment(proj, 'production', 'v0.between');
  const all: string[] = [...ids];
  cursor = first.nextCursor;
  for (let i = 0; cursor && i < 10; i++) {
    const res = await merged.inject({ url: `/api/v1/deployments?environment=production&limit=2&cursor=${encodeURIComponent(cursor)}` });
    t.equal(res.statusCode, 200, res.body.slice(0, 500));
    const page = res.json();
    all.push(...page.items.filter((x: any) => x.source === 'gitlab').map((x: any) => x.id));
    cursor = page.nextCursor;
  }
  const older = fake.deployments.filter((x) => x.projectId === 4920 && x.id !== x2.id && x.id !== between.id).map((x) => `gitlab.4920.${x.id}`).reverse();
  t.same(all, [...ids, ...older], 'then every older one once, none skipped, the one made between pages not in them');
  const perApp = fake.requests.filter((r) => r.path.endsWith('/deployments') && r.path.includes('acme%2Fapp') && Number(r.query.get('per_page')) > 3);
  t.equal(perApp.length, 0, 'at most limit + 1 per application per page');
});
