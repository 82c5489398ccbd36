/**
 * puppet.run through the ExecutionQueue on the ssh plugin's local transport, with the fake agent
 * (test/fixtures/bin/puppet, which really applies a small catalog): Puppet's detailed exit codes become
 * target results (0 unchanged, 2 succeeded + changed, 4 failed, 6 failed + changed, 1 failed), noop and tags
 * reach the agent, bad tags or environments are refused at submit, and the run links to its reports.
 * The same with the real agent and the real Puppet stack: plugins/native/puppetdb/test (links followed).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { applyExitCodes } from '../../src/execution/exit-codes.js';
import { puppetAgentCommand, puppetRun } from '../../src/capabilities/puppet.js';
import { buildTestApp, waitForExecution } from '../helper.js';

const BIN = join(import.meta.dirname, '..', 'fixtures', 'bin');


t.test('applyExitCodes: the contract reads the exit codes, only for the command\'s own exit', async (t) => {
  const rule = puppetRun.exitCodes;
  const failed = (exitCode: number | null, category = 'execution_failed') => ({
    target: 'n1', status: 'failed' as const, exitCode, error: { category, code: 'X', title: 't', detail: 'd' },
  });
  t.same(applyExitCodes({ target: 'n1', status: 'succeeded', exitCode: 0 }, rule), { target: 'n1', status: 'succeeded', exitCode: 0, changed: false });
  t.same(applyExitCodes(failed(2), rule), { target: 'n1', status: 'succeeded', exitCode: 2, changed: true }, '2: changes applied');
  t.match(applyExitCodes(failed(4), rule), { status: 'failed', exitCode: 4, changed: false, error: { category: 'execution_failed' } }, '4: failures');
  t.match(applyExitCodes(failed(6), rule), { status: 'failed', exitCode: 6, changed: true }, '6: changes and failures');
  t.match(applyExitCodes(failed(1), rule), { status: 'failed', exitCode: 1, changed: false }, '1: the run failed');
  t.same(applyExitCodes(failed(null, 'unavailable'), rule), failed(null, 'unavailable'), 'no exit code: as reported');
  t.same(applyExitCodes(failed(2, 'unavailable'), rule), { ...failed(2, 'unavailable'), changed: true }, 'a transport failure stays a failure');
  t.same(applyExitCodes({ ...failed(130), signal: 'SIGINT' }, rule), { ...failed(130), signal: 'SIGINT' }, 'killed by a signal: as reported');
  const canceled = { target: 'n1', status: 'canceled' as const, exitCode: 2 };
  t.same(applyExitCodes(canceled, rule), canceled, 'canceled stays canceled');
  t.same(applyExitCodes(failed(2), undefined), failed(2), 'no rule: as reported');
});

t.test('puppetAgentCommand quotes every value', async (t) => {
  t.equal(puppetAgentCommand({}), 'puppet agent --test --color=false');
  t.equal(puppetAgentCommand({ noop: true, tags: ['nginx', 'profile::web'], environment: 'staging' }),
    "puppet agent --test --color=false --noop --tags 'nginx,profile::web' --environment 'staging'");
});

t.test('puppet.run on the ssh plugin\'s local transport with the fake agent', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-puppet-'));
  const catalog = join(dir, 'catalog.json');
  const motd = join(dir, 'motd');
  const write = (resources: unknown[]) => writeFileSync(catalog, JSON.stringify(resources));
  write([{ type: 'file', path: motd, content: 'managed by puppet\n', tags: ['motd'] }]);
  // Local runs get a clean environment (PATH kept): a wrapper first on PATH points the fake agent at the catalog.
  const wrapper = join(dir, 'puppet');
  writeFileSync(wrapper, `#!/bin/sh\nFAKE_PUPPET_CATALOG='${catalog}' exec '${join(BIN, 'puppet')}' "$@"\n`, { mode: 0o755 });
  const savedPath = process.env.PATH;
  process.env.PATH = `${dir}:${process.env.PATH}`;
  t.teardown(() => { process.env.PATH = savedPath; rmSync(dir, { recursive: true, force: true }); });
  const app = await buildTestApp(t);
  const run = async (params: Record<string, unknown>) => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'puppet.run', targets: ['localhost'], params } });
    t.equal(res.statusCode, 202, res.body);
    return waitForExecution(app, res.json().id);
  };
  const output = async (id: string) => (await app.inject({ method: 'GET', url: `/api/v1/executions/${id}/output?format=text` })).body;

  const noop = await run({ noop: true });
  t.match(noop, { status: 'succeeded', results: [{ target: 'localhost', status: 'succeeded', exitCode: 0, changed: false }] }, 'noop: nothing changed');
  t.match(await output(noop.id), /ensure: current_value 'absent', should be 'file' \(noop\)/);
  t.notOk(existsSync(motd), 'noop changed nothing');

  const first = await run({});
  t.match(first, { status: 'succeeded', results: [{ status: 'succeeded', exitCode: 2, changed: true }] }, 'exit 2: succeeded, changed');
  t.notOk(first.results[0].error, 'no error on a run that applied changes');
  t.equal(readFileSync(motd, 'utf8'), 'managed by puppet\n');
  t.match(first.links.reports, new RegExp(`^/api/v1/reports\\?nodes=localhost&since=${encodeURIComponent(first.startedAt).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}&until=`), 'the run links to its reports');

  const second = await run({});
  t.match(second, { status: 'succeeded', results: [{ status: 'succeeded', exitCode: 0, changed: false }] }, 'exit 0: unchanged');

  write([
    { type: 'file', path: motd, content: 'changed again\n', tags: ['motd'] },
    { type: 'exec', command: 'exit 3', tags: ['broken'] },
  ]);
  const tagged = await run({ tags: ['broken'] });
  t.match(tagged, { status: 'failed', results: [{ status: 'failed', exitCode: 4, changed: false, error: { category: 'execution_failed' } }] }, 'exit 4: failed; tags reached the agent');
  t.equal(readFileSync(motd, 'utf8'), 'managed by puppet\n', 'untagged resources were left alone');
  const both = await run({});
  t.match(both, { status: 'failed', results: [{ status: 'failed', exitCode: 6, changed: true }] }, 'exit 6: failed and changed');
  const env = await run({ environment: 'nosuchenv' });
  t.match(env, { status: 'failed', results: [{ status: 'failed', exitCode: 1, changed: false }] }, 'exit 1: the run failed');
  t.match(await output(env.id), /Could not find environment 'nosuchenv'/);

  const stored = (await app.inject({ method: 'GET', url: `/api/v1/executions/${first.id}` })).json();
  t.match(stored.results, [{ exitCode: 2, changed: true }], 'changed is stored');
  for (const params of [{ tags: ['Bad Tag'] }, { environment: 'prod;rm -rf /' }, { tags: [] }, { noop: 'yes' }, { extra: 1 }]) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'puppet.run', targets: ['localhost'], params } });
    t.equal(res.statusCode, 400, `refused: ${JSON.stringify(params)}`);
  }
});
