/** Unit tests of the gitlab plugin's pieces: statuses, log cursor, ids, cursors, pagination and error mapping. */
import t from 'tap';
import { GitlabClient, gitlabMessage, isTransient, nextPage, rateLimitWaitMs, checkGitlabUrl } from '../client.js';
import { GitlabConfigSchema, type GitlabConfig } from '../config.js';
import { applicationOf, deploymentId, parseId, projectOf, projectPathOfWebUrl, refProblem } from '../ids.js';
import { fromDeployment } from '../map.js';
import { decodeCursor, encodeCursor } from '../plugin.js';
import { deploymentStatusOf, jobFinished, knownStatus, phaseOf } from '../status.js';
import { TraceCursor, cleanLine } from '../trace.js';
import { Value } from '@sinclair/typebox/value';
import { FakeGitlab } from './fake-gitlab.js';
import { loadConfig, validateConfig } from '../../../../src/config/load.js';

t.test('every GitLab status mapped', async (t) => {
  const table: [string, string, string][] = [
    ['created', 'active', 'pending'], ['waiting_for_resource', 'active', 'pending'], ['preparing', 'active', 'pending'], ['pending', 'active', 'pending'],
    ['running', 'active', 'running'], ['success', 'succeeded', 'succeeded'], ['failed', 'failed', 'failed'], ['canceled', 'canceled', 'canceled'],
    ['canceling', 'active', 'running'], ['skipped', 'failed', 'failed'], ['manual', 'blocked', 'pending'], ['scheduled', 'blocked', 'pending'],
    ['waiting_for_callback', 'active', 'running'], ['blocked', 'blocked', 'pending'],
  ];
  for (const [s, phase, dep] of table) {
    t.equal(phaseOf(s), phase, `${s} phase`);
    t.equal(deploymentStatusOf(s), dep, `${s} deployment status`);
    t.ok(knownStatus(s));
  }
  t.equal(phaseOf('some_new_status'), 'active', 'unknown: still active, never an end');
  t.equal(deploymentStatusOf('some_new_status'), 'running');
  t.notOk(knownStatus('some_new_status'));
  t.ok(jobFinished('skipped') && !jobFinished('manual') && !jobFinished('canceling'));
});

t.test('trace cursor: the whole log each time, each line once, partial lines held back', async (t) => {
  const c = new TraceCursor();
  t.same(c.take('line 1\nline').lines, ['line 1']);
  t.same(c.take('line 1\nline').lines, [], 'nothing new');
  t.same(c.take('line 1\nline 2\nli').lines, ['line 2'], 'the cut line once complete');
  t.same(c.take('line 1\nline 2\nlié ✓ 日本', true).lines, ['lié ✓ 日本'], 'final: the last piece without newline');
  t.same(c.take('line 1\nline 2\nlié ✓ 日本', true).lines, []);
  const s = c.take('short');
  t.ok(s.shrunk, 'a log shorter than what was streamed is told, nothing repeated');
  t.same(s.lines, []);
  const big = 'y'.repeat(100_000);
  const d = new TraceCursor();
  t.same(d.take(`${big.slice(0, 50_000)}`).lines, []);
  t.same(d.take(`${big}\n`).lines, [big], 'a line over 64 KiB whole');
});

t.test('log lines cleaned of ANSI and section markers', async (t) => {
  t.equal(cleanLine('\x1b[32;1mJob succeeded\x1b[0;m'), 'Job succeeded');
  t.equal(cleanLine('\x1b[0Ksection_start:1773479412:step_script\r\x1b[0K\x1b[36;1mExecuting "step_script"\x1b[0;m'), 'Executing "step_script"');
  t.equal(cleanLine('\x1b[0Ksection_start:1773479412:prepare[collapsed=true]\r\x1b[0KPreparing'), 'Preparing');
  t.equal(cleanLine('\x1b[0Ksection_end:1773479412:step_script\r\x1b[0K'), null, 'a marker-only line is dropped');
  t.equal(cleanLine('progress 10%\rprogress 100%'), 'progress 100%');
  t.equal(cleanLine('windows line\r'), 'windows line');
  t.equal(cleanLine(''), '', 'an empty line stays');
});

t.test('deployment ids: made and parsed back; others are not ours', async (t) => {
  t.equal(deploymentId(4411, 'deployment', 7702), 'gitlab.4411.7702');
  t.equal(deploymentId('acme/shop', 'pipeline', 90871), 'gitlab.acme~shop.p90871');
  t.same(parseId('gitlab.4411.7702'), { project: '4411', kind: 'deployment', n: 7702 });
  t.same(parseId('gitlab.acme~shop.p90871'), { project: 'acme/shop', kind: 'pipeline', n: 90871 });
  t.same(parseId('gitlab.acme~my.app.j5'), { project: 'acme/my.app', kind: 'job', n: 5 });
  for (const bad of ['jenkins.deploy-shop.42', 'gitlab.4411', 'gitlab.4411.x1', 'gitlab..1', 'gitlab.a~~b.1', 'gitlab.a~..~b.1', 'gitlab.4411.0', 'github-actions.o~r.1']) t.equal(parseId(bad), null, bad);
  t.equal(projectOf('acme/{application}-{environment}', 'shop', 'prod'), 'acme/shop-prod');
  t.equal(applicationOf('acme/{application}', 'acme/shop'), 'shop');
  t.equal(applicationOf('acme/{application}-{environment}', 'acme/shop-prod'), 'shop');
  t.equal(applicationOf('acme/{application}', 'other/shop'), undefined);
  t.equal(projectPathOfWebUrl('https://gl.example.com/git/acme/shop/-/jobs/1', new URL('https://gl.example.com/git/')), 'acme/shop');
});

t.test('history cursor: opaque, round trip, refused when forged', async (t) => {
  t.same(decodeCursor(encodeCursor({ a: { id: 41, p: 3, z: 2 } })), { a: { id: 41, p: 3, z: 2 } });
  t.same(decodeCursor(encodeCursor({ m: { t: '2026-01-01T00:00:00.000Z', id: 7, z: 2, h: { abcdef: 2 } } })), { m: { t: '2026-01-01T00:00:00.000Z', id: 7, z: 2, h: { abcdef: 2 } } });
  t.same(decodeCursor(encodeCursor({ n: { t: '2026-01-01T00:00:00.000Z', id: 'gitlab.1.p2' } })), { n: { t: '2026-01-01T00:00:00.000Z', id: 'gitlab.1.p2' } });
  t.same(decodeCursor(undefined), {});
  t.throws(() => decodeCursor('not-a-cursor'), { code: 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID' });
  t.throws(() => decodeCursor(encodeCursor({ a: { p: 0, id: 1, z: 2 } })));
  t.throws(() => decodeCursor(encodeCursor({})));
  t.throws(() => decodeCursor(Buffer.from('[1]').toString('base64url')));
});

t.test('pagination and rate-limit headers', async (t) => {
  t.equal(nextPage(new Headers({ 'x-next-page': '3' })), 3);
  t.equal(nextPage(new Headers({ 'x-next-page': '' })), null, 'last page: empty x-next-page');
  t.equal(nextPage(new Headers({ link: '<https://gl/api/v4/projects/1/deployments?page=2&per_page=2>; rel="next", <https://gl/api/v4/projects/1/deployments?page=1&per_page=2>; rel="first"' })), 2, 'Link rel=next when x-next-page is omitted');
  t.equal(nextPage(new Headers({ link: '<https://gl/x?page=1>; rel="first"' })), null);
  const now = 1_800_000_000_000;
  t.equal(rateLimitWaitMs(new Headers({ 'retry-after': '7' }), now), 7000);
  t.equal(rateLimitWaitMs(new Headers({ 'ratelimit-reset': String(now / 1000 + 5) }), now), 5000);
  t.equal(rateLimitWaitMs(new Headers({ 'retry-after': new Date(now + 3000).toUTCString() }), now), 3000);
  t.equal(rateLimitWaitMs(new Headers({}), now), undefined);
});

t.test('GitLab error bodies read', async (t) => {
  t.equal(gitlabMessage({ message: '404 Project Not Found' }), '404 Project Not Found');
  t.equal(gitlabMessage({ message: { base: ['Reference not found'] } }), 'Reference not found');
  t.equal(gitlabMessage({ message: { ref: ['is invalid'] } }), 'ref is invalid');
  t.equal(gitlabMessage({ error: 'ref is missing' }), 'ref is missing');
  t.equal(gitlabMessage({ error: 'insufficient_scope', error_description: 'needs api', scope: 'api' }), 'insufficient_scope: needs api');
  t.equal(gitlabMessage('text'), undefined);
});

t.test('config: defaults, url rules', async (t) => {
  const cfg = Value.Default(GitlabConfigSchema, { url: 'https://gitlab.example.com' }) as GitlabConfig;
  t.match(cfg, { project: '{application}', versionVariable: 'CAPSTAN_VERSION', environmentVariable: 'CAPSTAN_ENVIRONMENT', pollIntervalMs: 2000, perPage: 20 });
  t.throws(() => checkGitlabUrl({ url: 'http://gitlab.example.com', allowPlainHttp: false }), { code: 'CAPSTAN_ERR_CONFIG_INVALID' });
  t.ok(checkGitlabUrl({ url: 'http://gitlab.example.com', allowPlainHttp: true }));
  t.ok(checkGitlabUrl({ url: 'http://127.0.0.1:8080', allowPlainHttp: false }));
  t.throws(() => checkGitlabUrl({ url: 'https://u:p@gitlab.example.com', allowPlainHttp: false }));
  const c = new GitlabClient({ ...cfg, url: 'https://gitlab.example.com/git' });
  t.equal(c.url('projects/acme%2Fshop/pipeline').href, 'https://gitlab.example.com/git/api/v4/projects/acme%2Fshop/pipeline');
});

t.test('a GitLab deployment as a Deployment', async (t) => {
  const d = fromDeployment({
    id: 7702, iid: 58, ref: 'v1.2.0', sha: 'c0ffee', status: 'success', created_at: '2026-03-14T09:10:00.120Z', updated_at: '2026-03-14T09:11:31.002Z',
    user: { username: 'alice' }, environment: { name: 'production' },
    deployable: { id: 1, name: 'deploy', stage: 'deploy', status: 'success', started_at: '2026-03-14T09:10:05Z', finished_at: '2026-03-14T09:11:30Z', web_url: 'https://gl/acme/shop/-/jobs/1' },
  }, { projectId: 4411, application: 'shop' });
  t.same(d, {
    id: 'gitlab.4411.7702', application: 'shop', version: 'v1.2.0', environment: 'production', status: 'succeeded', startedAt: '2026-03-14T09:10:05.000Z',
    finishedAt: '2026-03-14T09:11:30.000Z', targets: [], initiatedBy: 'alice', url: 'https://gl/acme/shop/-/jobs/1', source: 'gitlab', ref: 'v1.2.0', toolStatus: 'success',
  });
});

t.test('client: every error answer typed, with GitLab\'s words and no token', async (t) => {
  const TOKEN = 'glpat-unit-token-0123456789';
  const fake = new FakeGitlab({ token: TOKEN });
  await fake.start();
  t.teardown(() => fake.stop());
  fake.addProject(1, 'acme/shop');
  const cfg = Value.Default(GitlabConfigSchema, { url: fake.url, token: TOKEN, timeoutMs: 2000, maxRateLimitWaitMs: 100 }) as GitlabConfig;
  const client = new GitlabClient(cfg);
  const cases: [number, string, RegExp][] = [
    [400, 'CAPSTAN_ERR_UPSTREAM_ERROR', /HTTP 400/], [409, 'CAPSTAN_ERR_UPSTREAM_ERROR', /HTTP 409/], [422, 'CAPSTAN_ERR_UPSTREAM_ERROR', /HTTP 422/],
    [500, 'CAPSTAN_ERR_UPSTREAM_ERROR', /HTTP 500/], [502, 'CAPSTAN_ERR_UPSTREAM_ERROR', /HTTP 502/], [503, 'CAPSTAN_ERR_UPSTREAM_ERROR', /HTTP 503/],
  ];
  for (const [status, code, detail] of cases) {
    fake.fail = { count: 1, status, path: /deployments/ };
    const err = await client.json('GET', 'projects/1/deployments').catch((e) => e);
    t.match(err, { code, message: detail, extra: { upstreamStatus: status } }, String(status));
    t.equal(isTransient(err), status >= 500, `${status} transient`);
  }
  const e404 = await client.json('GET', 'projects/9/deployments').catch((e) => e);
  t.match(e404, { code: 'CAPSTAN_ERR_RECORD_NOT_FOUND', message: /404 Project Not Found/ });
  const bad = new GitlabClient({ ...cfg, token: 'glpat-wrong-000000000' });
  const e401 = await bad.json('GET', 'user').catch((e) => e);
  t.match(e401, { code: 'CAPSTAN_ERR_TARGET_AUTH_FAILED', message: /HTTP 401: 401 Unauthorized/ });
  t.notOk(String(e401.message).includes('glpat-wrong'), 'no token in the message');
  fake.rateLimit = { count: 5, retryAfter: '30', path: undefined, useReset: false };
  const e429 = await client.json('GET', 'user').catch((e) => e);
  t.match(e429, { code: 'CAPSTAN_ERR_UPSTREAM_ERROR', message: /rate limiting \(HTTP 429, Retry-After 30/ });
  t.ok(isTransient(e429), 'a 429 too long to wait is retried while following');
  fake.rateLimit.count = 0;
  const all = await client.all<{ id: number }>('projects/1/deployments', { per_page: 1 });
  t.same(all, [], 'empty list');
  fake.seedDeployment(fake.projects[0], 'prod', 'v1');
  fake.seedDeployment(fake.projects[0], 'prod', 'v2');
  fake.seedDeployment(fake.projects[0], 'prod', 'v3');
  t.same((await client.all<{ ref: string }>('projects/acme%2Fshop/deployments', { per_page: 1, sort: 'desc' })).map((d) => d.ref), ['v3', 'v2', 'v1'], 'every page followed');
});

t.test('config from the environment: CAPSTAN_PLUGINS_GITLAB_<KEY>', async (t) => {
  const c = loadConfig({ env: {
    CAPSTAN_PLUGINS_GITLAB_URL: 'https://gitlab.example.com', CAPSTAN_PLUGINS_GITLAB_TOKEN: 'glpat-x', CAPSTAN_PLUGINS_GITLAB_TRIGGER_TOKEN: 'glptt-y',
    CAPSTAN_PLUGINS_GITLAB_PROJECT: 'acme/{application}', CAPSTAN_PLUGINS_GITLAB_POLL_INTERVAL_MS: '500', CAPSTAN_PLUGINS_GITLAB_ENVIRONMENTS: 'staging, production',
    CAPSTAN_PLUGINS_GITLAB_VERSION_VARIABLE: 'APP_VERSION',
  }, pluginIds: ['gitlab'] });
  const v = validateConfig(GitlabConfigSchema, c.plugins.gitlab, 'plugins.gitlab') as GitlabConfig;
  t.match(v, { url: 'https://gitlab.example.com', token: 'glpat-x', triggerToken: 'glptt-y', project: 'acme/{application}', pollIntervalMs: 500, environments: ['staging', 'production'], versionVariable: 'APP_VERSION' });
});

t.test('refProblem: git check-ref-format rules for version / toVersion', async (t) => {
  for (const ok of ['main', 'v1.2.3', 'release/2.0-rc.1', 'c0ffee1234567890', 'feature/a_b', 'x@y']) t.equal(refProblem(ok), undefined, ok);
  for (const bad of ['', 'a b', 'a..b', 'a~b', 'a^', 'a:b', 'a?', 'a*', 'a[', 'a\\b', '-x', 'x.lock', 'a/b.lock', 'x/', '/x', 'a//b', 'x.', '.x', 'a/.b', 'a@{b', '@', 'a\u0001b', 'a\u007fb', 'x'.repeat(256)]) {
    t.type(refProblem(bad), 'string', JSON.stringify(bad));
  }
});
