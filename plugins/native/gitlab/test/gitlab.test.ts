/**
 * The gitlab plugin through Capstan's HTTP API against the fake GitLab (fake-gitlab.ts, 127.0.0.102): a deploy
 * followed to its end (jobs' logs streamed once, in order, a job at a time), a failed pipeline, a cancel, a
 * manual job running out the time, rollback by retrying the previous deploy job (and its fallback), history
 * pages, status by id, bad input refused before anything reaches GitLab, a bad token, a 429 waited out, 5xx
 * while following retried, the trigger-token mode, and no token nor secret parameter in output or logs; the
 * issue-22 review fixes are in gitlab-fixes.test.ts (#1 rollback ids of another project, #12 ref names, #11 toVersion never deployed, #5 jobs
 * retried during the run, #4 the trigger POST's own timeout / lost answer / abort, #9 ids and history); then
 * the second review (A1 one deadline after an abort, A2 rate-limit waits cut by the abort, A3 unknown trigger
 * outcome, A4 no output lost on every exit, A5 keyset history cursors, A6 node history re-read).
 */
import t from 'tap';
import { waitForExecution } from '../../../../test/helper.js';
import { events, lines } from '../../../../test/executions-api.js';
import { until } from '../../../../test/until.js';
import { TOKEN, READ, TRIGGER, SECRET, fake, shop, logs, appWith, app, answers, deploy, jobs, LONG, posts } from './fixtures/world.js';


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

