/** Unit tests of the jenkins plugin's pure parts: job paths, ids, result mapping, build -> Deployment, the byte-offset log, error pages, cursors, config checks. */
import t from 'tap';
import { checkJenkinsUrl, jenkinsMessage } from '../client.js';
import { retryAfterMs } from '../../../../src/core/tool-url.js';
import { allowList } from '../config.js';
import { decodeCursor, encodeCursor } from '../history.js';
import { LogLines } from '../log.js';
import { applicationOf, jobOf, buildParameters, causeUser, deploymentId, jobPath, jobUrlPath, parseDeploymentId, statusOf, toDeployment } from '../map.js';

t.test('job paths from the template; folders', async (t) => {
  t.equal(jobPath('deploy-{application}', 'shop'), 'deploy-shop');
  t.equal(jobPath('deploy/{environment}/{application}', 'shop', 'prod'), 'deploy/prod/shop');
  t.equal(jobUrlPath('a/b c'), 'job/a/job/b%20c');
  t.equal(applicationOf('deploy-{application}', 'deploy-shop'), 'shop');
  t.equal(applicationOf('deploy-{application}', 'build-shop'), undefined);
  t.equal(applicationOf('ci/deploy-{application}', 'ci/deploy-api'), 'api');
  t.equal(applicationOf('x.{application}', 'xy-api'), undefined, 'template dots are literal');
  t.same(jobOf('deploy/{environment}/{application}', 'deploy/prod/shop'), { application: 'shop', environment: 'prod' });
  t.same(jobOf('{application}-to-{environment}', 'shop-to-prod'), { application: 'shop', environment: 'prod' });
  t.equal(jobOf('deploy/{environment}/{application}', 'deploy/prod'), undefined);
});

t.test('deployment ids round-trip; other sources and malformed ids are undefined', async (t) => {
  const id = deploymentId('team/deploy-shop', 42);
  t.equal(id, 'jenkins.team~deploy-shop.42');
  t.same(parseDeploymentId(id), { path: 'team/deploy-shop', number: 42 });
  t.same(parseDeploymentId('jenkins.deploy.shop.7'), { path: 'deploy.shop', number: 7 }, 'dots in the job name');
  for (const bad of ['gitlab.1.2', 'jenkins.deploy-shop', 'jenkins.deploy-shop.0', 'jenkins.a~~b.1', 'jenkins.~a.1', 'jenkins.a~...1', 'jenkins.x.-1', 'jenkins..1']) t.equal(parseDeploymentId(bad), undefined, bad);
});

t.test('results: every value Jenkins has', async (t) => {
  t.equal(statusOf({ building: true, result: null }), 'running');
  t.equal(statusOf({ building: false, result: null }), 'running', 'result not fixed yet');
  t.equal(statusOf({ building: false, result: 'SUCCESS' }), 'succeeded');
  t.equal(statusOf({ building: false, result: 'FAILURE' }), 'failed');
  t.equal(statusOf({ building: false, result: 'UNSTABLE' }), 'failed');
  t.equal(statusOf({ building: false, result: 'ABORTED' }), 'canceled');
  t.equal(statusOf({ building: false, result: 'NOT_BUILT' }), 'canceled');
});

t.test('a build as a Deployment', async (t) => {
  const build = {
    number: 58, url: 'https://ci.example.test/job/deploy-shop/58/', building: false, result: 'UNSTABLE', timestamp: Date.parse('2026-11-30T10:00:00Z'), duration: 48_211,
    actions: [{ _class: 'hudson.model.CauseAction', causes: [{ userId: 'alice' }] }, null, { parameters: [{ name: 'VERSION', value: '2.8.0' }, { name: 'ENVIRONMENT', value: 'staging' }, { name: 'FLAG', value: true }, { name: 'FILE', value: { x: 1 } }] }],
  };
  t.same(buildParameters(build), { VERSION: '2.8.0', ENVIRONMENT: 'staging', FLAG: 'true' });
  t.equal(causeUser(build), 'alice');
  const m = { path: 'deploy-shop', application: 'shop', versionParameter: 'VERSION', environmentParameter: 'ENVIRONMENT' };
  t.same(toDeployment(build, m), {
    id: 'jenkins.deploy-shop.58', application: 'shop', version: '2.8.0', environment: 'staging', status: 'failed',
    startedAt: '2026-11-30T10:00:00.000Z', finishedAt: '2026-11-30T10:00:48.211Z', targets: [], initiatedBy: 'alice',
    url: 'https://ci.example.test/job/deploy-shop/58/', source: 'jenkins', ref: '2.8.0', toolStatus: 'UNSTABLE',
  });
  t.equal(toDeployment({ number: 1, actions: [] }, m), undefined, 'no parameters: not a deployment');
  t.match(toDeployment({ ...build, building: true, result: null }, { ...m, targets: ['web1'], executionId: 'e1', initiatedBy: 'bot' }), { status: 'running', toolStatus: 'BUILDING', targets: ['web1'], executionId: 'e1', initiatedBy: 'alice', finishedAt: undefined });
});

t.test('log lines: byte offsets, multibyte characters split, partial lines kept, CRLF', async (t) => {
  const text = 'first\r\nsé€😀cond\r\nthird line\npartial';
  const bytes = Buffer.from(text);
  for (let cut = 1; cut < bytes.length; cut++) {
    const l = new LogLines();
    const a = l.push(bytes.subarray(0, cut), cut);
    const b = l.push(bytes.subarray(cut), bytes.length);
    t.same([...a, ...b, ...l.end()], ['first', 'sé€😀cond', 'third line', 'partial'], `cut at ${cut}`);
    t.equal(l.offset, bytes.length);
  }
  const l = new LogLines();
  t.same(l.push(Buffer.from('no newline yet'), 14), []);
  t.same(l.end(), ['no newline yet']);
  t.same(new LogLines().end(), [], 'an empty log has no line');
});

t.test('error pages, Retry-After, URLs, allow-lists, cursors', async (t) => {
  t.equal(jenkinsMessage('<html><head><title>Error 409 x is not buildable</title></head><body><h2>HTTP ERROR 409 x is not buildable</h2></body></html>'), 'x is not buildable');
  t.equal(jenkinsMessage('<html><head><title>Authentication required</title></head><body>…</body></html>'), 'Authentication required');
  t.equal(jenkinsMessage('plain words'), 'plain words');
  t.equal(retryAfterMs('3'), 3000);
  t.equal(retryAfterMs(null), undefined);
  t.ok((retryAfterMs(new Date(Date.now() + 60_000).toUTCString()) ?? 0) > 50_000, 'an HTTP date');
  t.equal(checkJenkinsUrl({ url: 'http://127.0.0.1:8080/jenkins', allowPlainHttp: false }).pathname, '/jenkins');
  t.throws(() => checkJenkinsUrl({ url: 'http://ci.example.com', allowPlainHttp: false }), /plain HTTP/);
  t.ok(checkJenkinsUrl({ url: 'http://ci.example.com', allowPlainHttp: true }));
  t.throws(() => checkJenkinsUrl({ url: 'https://u:p@ci.example.com', allowPlainHttp: false }), /credentials/);
  t.throws(() => checkJenkinsUrl({ url: 'ftp://ci', allowPlainHttp: false }), /http/);
  t.same(allowList(['a, b', 'c']), ['a', 'b', 'c']);
  t.equal(allowList(undefined), undefined);
  const c = { 'deploy-shop': 4, 'deploy-api': null };
  t.same(decodeCursor(encodeCursor(c)), c);
  t.equal(decodeCursor(undefined), undefined);
  t.throws(() => decodeCursor('not-a-cursor'), { code: 'CAPSTAN_ERR_REQUEST_VALIDATION' });
  t.throws(() => decodeCursor(encodeCursor({ a: -1 } as never)), { code: 'CAPSTAN_ERR_REQUEST_VALIDATION' });
});

t.test('records keep every execution that followed a build; the first stays executionId', async (t) => {
  const { DeploymentRecords } = await import('../store.js');
  const dir = t.testdir({});
  const r = new DeploymentRecords(dir);
  const d = { id: 'jenkins.deploy-shop.5', application: 'shop', version: '1', environment: 'staging', status: 'running' as const, startedAt: new Date().toISOString(), targets: ['web1'], executionId: 'exec-a' };
  r.put(d, 'exec-a');
  r.put({ ...d, targets: ['web2'], status: 'succeeded' }, 'exec-b');
  r.put({ ...d, executionId: 'exec-c', status: 'succeeded' }, 'exec-c');
  t.match(r.get(d.id), { executionId: 'exec-a', status: 'succeeded' });
  t.same([...r.get(d.id)!.targets].sort(), ['web1', 'web2']);
  t.same(r.executionIds(d.id), ['exec-a', 'exec-b', 'exec-c']);
  t.notOk('executionIds' in (r.get(d.id) as object), 'the Deployment answered has only the schema\'s fields');
  t.same(new DeploymentRecords(dir).executionIds(d.id), ['exec-a', 'exec-b', 'exec-c'], 'on disk');
});

t.test('versions as refs; the executions following one queue item', async (t) => {
  const { refProblem } = await import('../plugin.js');
  for (const ok of ['1.2.3', 'v2.0.0-rc.1', 'release/2024-01', 'abc123def', 'a@b']) t.equal(refProblem(ok), undefined, ok);
  for (const bad of ['', ' ', '1 2', 'a..b', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[b', 'a\\b', '-x', 'x.lock', 'x/', '/x', 'a//b', 'x.', 'a@{1}', '@', 'a/.b', 'a\u0007b']) t.ok(refProblem(bad), JSON.stringify(bad));
  const { follow, otherFollowers } = await import('../follow.js');
  const relA = follow('job/x', '7', 'a');
  const relB = follow('job/x', '7', 'b');
  t.same(otherFollowers('job/x', '7', 'b'), ['a']);
  t.same(otherFollowers('job/x', '8', 'b'), []);
  relA();
  t.same(otherFollowers('job/x', '7', 'b'), []);
  relB();
});

t.test('R8/R5: job paths deployment ids cannot name; the template checked at start', async (t) => {
  const { jobPathProblem } = await import('../map.js');
  t.equal(jobPathProblem('deploy-shop'), undefined);
  t.equal(jobPathProblem('deploy/prod/shop.v2'), undefined);
  t.match(jobPathProblem('deploy-shop/..'), /'\.\.'/);
  t.match(jobPathProblem('a/./b'), /'\.'/);
  t.match(jobPathProblem('deploy shop'), /outside/);
  t.match(jobPathProblem('a~b'), /outside/);
  const { JenkinsPlugin } = await import('../plugin.js');
  const { default: pino } = await import('pino');
  const dir = t.testdir({});
  const cfg = (job: string) => ({ url: 'http://127.0.0.101:1', job, versionParameter: 'VERSION', environmentParameter: 'ENVIRONMENT', pollIntervalMs: 100, timeoutMs: 1000, maxRateLimitWaitMs: 0, stopGraceMs: 0, allowPlainHttp: false });
  for (const job of ['deploy {application}', 'ci/../deploy-{application}', 'deploy-app']) {
    await t.rejects(new JenkinsPlugin(cfg(job), pino({ level: 'silent' }), dir).initialize(), { code: 'CAPSTAN_ERR_CONFIG_INVALID' }, job);
  }
  await t.resolves(new JenkinsPlugin(cfg('ci/{environment}/deploy-{application}'), pino({ level: 'silent' }), dir).initialize());
});

t.test('A1: the one deadline after an abort', async (t) => {
  const { afterAbort } = await import('../follow.js');
  const ctl = new AbortController();
  const d = afterAbort(ctl.signal, 50);
  await new Promise((r) => setTimeout(r, 100));
  t.notOk(d.aborted, 'never before the abort');
  const at = Date.now();
  ctl.abort('cancel');
  let fired = 0;
  d.addEventListener('abort', () => { fired = Date.now(); });
  await new Promise((r) => setTimeout(r, 150));
  t.ok(d.aborted && fired - at >= 40, 'fires what is left after the abort');
});

t.test('A5: record cursors are keyset strings', async (t) => {
  const c = { '#records': '2026-01-01T00:00:00.000Z jenkins.deploy-shop.3' };
  t.same(decodeCursor(encodeCursor(c)), c);
  t.throws(() => decodeCursor(encodeCursor({ 'deploy-shop': 'x' } as never)), { code: 'CAPSTAN_ERR_REQUEST_VALIDATION' });
});
