/** Unit tests of the github-actions plugin: status mapping, ids, Link and rate-limit parsing, cursors, submit checks. */
import t from 'tap';
import pino from 'pino';
import { Value } from '@sinclair/typebox/value';
import { nextLink, rateLimitWaitMs, checkApiUrl, isTransient } from '../client.js';
import { mapLimit } from '../../../../src/core/map-limit.js';
import { gitRefProblem as badRef } from '../../../../src/core/git-ref.js';
import { GitHubActionsConfigSchema, type GitHubActionsConfig } from '../config.js';
import { applicationOf, deploymentId, fill, parseId, runId, runIdInUrl } from '../ids.js';
import { decodeCursor, encodeCursor, GitHubActionsPlugin } from '../plugin.js';
import { deploymentStatus, runBlocked, runDone, runStatus, toolStatus } from '../status.js';
import { Errors } from '../../../../src/core/errors.js';
import { tempDir } from '../../../../test/helper.js';

const cfg = (o: Partial<GitHubActionsConfig> = {}): GitHubActionsConfig => Value.Default(GitHubActionsConfigSchema, { owner: 'acme', ...o }) as GitHubActionsConfig;

t.test('run status and conclusion: every value of the reference', async (t) => {
  for (const s of ['requested', 'queued', 'pending', 'waiting', 'action_required']) t.equal(runStatus(s, null), 'pending', s);
  t.equal(runStatus('in_progress', null), 'running');
  t.equal(runStatus('something_new', null), 'running', 'an unknown status before completion: running');
  const done: Record<string, string> = {
    success: 'succeeded', neutral: 'succeeded', failure: 'failed', timed_out: 'failed', startup_failure: 'failed', stale: 'failed',
    skipped: 'failed', cancelled: 'canceled', action_required: 'pending', weird: 'failed',
  };
  for (const [c, want] of Object.entries(done)) t.equal(runStatus('completed', c), want, c);
  t.equal(runStatus('completed', null), 'failed');
  t.ok(runBlocked('waiting', null));
  t.ok(runBlocked('completed', 'action_required'));
  t.notOk(runBlocked('in_progress', null));
  t.ok(runDone('completed', 'failure'));
  t.notOk(runDone('completed', 'action_required'), 'an approval is not an end');
  t.notOk(runDone('queued', null));
  t.equal(toolStatus('completed', 'timed_out'), 'completed/timed_out');
  t.equal(toolStatus('waiting', null), 'waiting');
});

t.test('deployment status states', async (t) => {
  t.equal(deploymentStatus(['success', 'in_progress']), 'succeeded');
  t.equal(deploymentStatus(['failure']), 'failed');
  t.equal(deploymentStatus(['error']), 'failed');
  t.equal(deploymentStatus(['inactive', 'success']), 'succeeded');
  t.equal(deploymentStatus(['inactive']), 'canceled');
  t.equal(deploymentStatus(['in_progress', 'queued']), 'running');
  t.equal(deploymentStatus(['queued']), 'pending');
  t.equal(deploymentStatus(['pending']), 'pending');
  t.equal(deploymentStatus([]), 'pending');
});

t.test('ids: made, parsed back, others refused', async (t) => {
  t.equal(deploymentId('acme/shop', 17), 'github-actions.acme~shop.17');
  t.equal(runId('acme/my.repo', 9000000001), 'github-actions.acme~my.repo.run-9000000001');
  t.same(parseId('github-actions.acme~my.repo.run-9000000001'), { repo: 'acme/my.repo', kind: 'run', num: 9000000001 });
  t.same(parseId('github-actions.acme~shop.17'), { repo: 'acme/shop', kind: 'deployment', num: 17 });
  for (const bad of ['jenkins.deploy-shop.42', 'github-actions.acme.17', 'github-actions.acme~shop.run-x', 'github-actions.acme~shop.0', 'github-actions.acme~shop.99999999999999999999', 'gitlab.12.3', '']) t.equal(parseId(bad), undefined, bad);
  t.equal(runIdInUrl('https://github.com/acme/shop/actions/runs/123/job/4'), 123);
  t.equal(runIdInUrl(null), undefined);
  t.equal(fill('{owner}/{application}-{environment}', { owner: 'acme', application: 'shop', environment: 'qa' }), 'acme/shop-qa');
  t.equal(applicationOf('{owner}/{application}', 'acme', 'acme/shop'), 'shop');
  t.equal(applicationOf('{owner}/deploy-{application}', 'acme', 'acme/deploy-shop'), 'shop');
  t.equal(applicationOf('{owner}/{application}', 'acme', 'other/shop'), undefined);
});

t.test('Link header: next page found, absent on the last', async (t) => {
  t.equal(nextLink('<https://api.github.com/repositories/1/actions/runs?page=2>; rel="next", <https://api.github.com/repositories/1/actions/runs?page=7>; rel="last"'), 'https://api.github.com/repositories/1/actions/runs?page=2');
  t.equal(nextLink('<https://x/?page=1>; rel="prev", <https://x/?page=1>; rel="first"'), undefined);
  t.equal(nextLink(null), undefined);
});

t.test('rate limits: primary, secondary, retry-after; a 403 without a limit is no wait', async (t) => {
  const now = 1_800_000_000_000;
  const h = (o: Record<string, string>) => new Headers(o);
  t.equal(rateLimitWaitMs(403, h({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 5) }), '', 0, now), 5200);
  t.equal(rateLimitWaitMs(429, h({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 - 5) }), '', 0, now), 1000, 'a reset in the past: a short wait');
  t.equal(rateLimitWaitMs(429, h({ 'retry-after': '3' }), '', 0, now), 3000);
  t.equal(rateLimitWaitMs(403, h({}), '{"message":"You have exceeded a secondary rate limit"}', 0, now), 60_000);
  t.equal(rateLimitWaitMs(403, h({}), '{"message":"You have exceeded a secondary rate limit"}', 2, now), 240_000, 'doubling');
  t.equal(rateLimitWaitMs(403, h({ 'x-ratelimit-remaining': '4000' }), '{"message":"Resource not accessible by integration"}', 0, now), undefined);
  t.equal(rateLimitWaitMs(200, h({ 'x-ratelimit-remaining': '0' }), '', 0, now), undefined);
});

t.test('apiUrl: loopback http only unless allowPlainHttp; no credentials', async (t) => {
  t.equal(checkApiUrl(cfg()).origin, 'https://api.github.com');
  t.throws(() => checkApiUrl(cfg({ apiUrl: 'http://github.example.com/api/v3' })), /plain HTTP/);
  t.ok(checkApiUrl(cfg({ apiUrl: 'http://github.example.com/api/v3', allowPlainHttp: true })));
  t.throws(() => checkApiUrl(cfg({ apiUrl: 'https://u:p@github.example.com' })), /credentials/);
  t.throws(() => checkApiUrl(cfg({ apiUrl: 'nope' })), /not a URL/);
});

t.test('transient errors: no answer or 5xx', async (t) => {
  t.ok(isTransient(new Errors.Upstream('GitHub GET x failed: unreachable')));
  t.ok(isTransient(new Errors.Upstream('x', { extra: { upstreamStatus: 503 } })));
  t.notOk(isTransient(new Errors.Upstream('x', { extra: { upstreamStatus: 429 } })));
  t.notOk(isTransient(new Errors.Auth('x', { extra: { upstreamStatus: 401 } })));
});

t.test('cursors: opaque, round trip, junk refused', async (t) => {
  t.same(decodeCursor(encodeCursor({ p: 3, per: 20 }), 'p'), { p: 3, per: 20 });
  t.same(decodeCursor(encodeCursor({ o: 40 }), 'o'), { o: 40 });
  t.equal(decodeCursor(undefined, 'p'), undefined);
  t.throws(() => decodeCursor('junk', 'p'), /not one github-actions gave/);
  t.throws(() => decodeCursor(encodeCursor({ o: 4 }), 'p'));
});

t.test('submit checks: scalar inputs, at most 25, allow-lists, reserved names, foreign deployment ids', async (t) => {
  const plugin = new GitHubActionsPlugin(cfg({ applications: ['shop'], environments: ['qa', 'production'] }), pino({ level: 'silent' }), tempDir());
  const base = { application: 'shop', version: '1.0', environment: 'qa' };
  t.same(plugin.checkExecute({ ...base, parameters: { a: 'x', n: 3, b: true } }), []);
  t.match(plugin.checkExecute({ ...base, parameters: { a: { x: 1 } } }), [{ pointer: '/parameters/a', message: /inputs are strings/ }]);
  t.match(plugin.checkExecute({ ...base, parameters: { a: null } }), [{ pointer: '/parameters/a' }]);
  t.match(plugin.checkExecute({ ...base, parameters: Object.fromEntries(Array.from({ length: 23 }, (_, i) => [`p${i}`, 'v'])) }), [{ pointer: '/parameters', message: /at most 25/ }]);
  t.same(plugin.checkExecute({ ...base, parameters: Object.fromEntries(Array.from({ length: 22 }, (_, i) => [`p${i}`, 'v'])) }), [], '22 + 3 = 25 is fine');
  t.match(plugin.checkExecute({ ...base, application: 'blog', environment: 'dev' }), [{ pointer: '/application' }, { pointer: '/environment' }]);
  t.match(plugin.checkExecute({ ...base, parameters: { version: 'x' } }), [{ message: /sets itself/ }]);
  t.same(plugin.checkRollback({ application: 'shop', environment: 'qa', deploymentId: 'github-actions.acme~shop.12' }), []);
  t.match(plugin.checkRollback({ application: 'shop', environment: 'qa', deploymentId: 'github-actions.acme~blog.12' }), [{ pointer: '/deploymentId', message: /acme\/blog, not acme\/shop/ }]);
  t.match(plugin.checkRollback({ application: 'shop', environment: 'qa', deploymentId: 'jenkins.x.1' }), [{ pointer: '/deploymentId', message: /not a deployment id of github-actions/ }]);
  t.match(plugin.checkExecute({ ...base, version: 'v1 2' }), [{ pointer: '/version', message: /dispatch ref/ }]);
  t.match(plugin.checkRollback({ application: 'shop', environment: 'qa', toVersion: 'a..b' }), [{ pointer: '/toVersion' }]);
  for (const ok of ['v1.2.3', 'release/2026-11', 'main', 'a1b2c3d']) t.equal(badRef(ok), undefined, ok);
  for (const bad of ['a b', 'x~1', 'a..b', 'end/', 'x.lock', '-x', 'a:b', 'a\\b', 'a@{1}']) t.ok(badRef(bad), bad);
  for (const bad of ['.hidden', 'release/.x', 'a.lock/b', 'a/b.lock/c', '']) t.ok(badRef(bad), `per component: ${bad}`);
  const open = new GitHubActionsPlugin(cfg(), pino({ level: 'silent' }), tempDir());
  t.match(open.checkExecute({ application: 'team/shop', version: 'v1', environment: 'qa' }), [{ pointer: '/application', message: /acme\/team\/shop/ }]);
  t.match(open.checkRollback({ application: 'team/shop', environment: 'qa' }), [{ pointer: '/application' }]);
  t.same(open.checkExecute({ application: 'shop.web_2', version: 'v1', environment: 'qa' }), []);
  t.throws(() => new GitHubActionsPlugin(Value.Default(GitHubActionsConfigSchema, {}) as GitHubActionsConfig, pino({ level: 'silent' }), tempDir()).repoOf('shop', 'qa'), /owner is not set/);
});

t.test('mapLimit: at most `limit` calls in flight, results in order', async (t) => {
  let now = 0;
  let max = 0;
  const out = await mapLimit(Array.from({ length: 23 }, (_, i) => i), 4, async (n) => {
    now++;
    max = Math.max(max, now);
    await new Promise((r) => setTimeout(r, 2 + (n % 3)));
    now--;
    return n * 2;
  });
  t.equal(max, 4);
  t.same(out, Array.from({ length: 23 }, (_, i) => i * 2));
  t.same(await mapLimit([], 4, async () => 1), []);
});
