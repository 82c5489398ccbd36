/**
 * The gitlab plugin's review fixes through Capstan's HTTP API against the fake GitLab (fixtures/world.ts): #1
 * rollback ids of another project, #12 ref names, #11 toVersion never deployed, #5 jobs retried during the run,
 * #4 the trigger POST's own timeout / lost answer / abort, #9 ids and history; A1 one deadline after an abort,
 * A2 rate-limit waits cut by the abort, A3 unknown trigger outcome, A4 no output lost on every exit, A5 keyset
 * history cursors, A6 node history re-read. (gitlab.test.ts: the main deploy, cancel, rollback, history paths.)
 */
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { waitForExecution } from '../../../../test/helper.js';
import { events, lines } from '../../../../test/executions-api.js';
import { until } from '../../../../test/until.js';
import { TOKEN, TRIGGER, fake, shop, appWith, app, answers, deploy, jobs, logs, posts } from './fixtures/world.js';

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

t.test('secrets: across every fault path above, no token in answers, logs or URLs', async (t) => {
  const all = [...answers, ...logs.lines.map((l) => JSON.stringify(l))].join('\n');
  t.ok(answers.length > 0);
  for (const s of [TOKEN, TRIGGER]) t.notOk(all.includes(s), `${s.slice(0, 8)}… never shown`);
  t.ok(fake.requests.every((q) => !q.url.includes(TOKEN) && !q.url.includes(TRIGGER)), 'never in a URL');
});
