/**
 * puppet.run through Bolt (the fake bolt CLI running on the local target) with the fake Puppet agent
 * (test/fixtures/bin/puppet, which really applies a catalog): the detailed exit codes come back through Bolt's
 * result document and become succeeded + changed (2), unchanged (0) and failed (4).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp, waitForExecution } from '../../../../test/helper.js';
import { boltOverrides, submit, teardownOf, writeProject } from './fixtures/helpers.js';

const AGENT = join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', 'bin', 'puppet');

t.test('puppet.run through bolt: exit codes 2, 0 and 4', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-bolt-puppet-'));
  const catalog = join(dir, 'catalog.json');
  const managed = join(dir, 'managed');
  writeFileSync(join(dir, 'puppet'), `#!/bin/sh\nFAKE_PUPPET_CATALOG='${catalog}' exec '${AGENT}' "$@"\n`, { mode: 0o755 });
  writeFileSync(catalog, JSON.stringify([{ type: 'file', path: managed, content: 'x\n' }]));
  const savedPath = process.env.PATH;
  process.env.PATH = `${dir}:${process.env.PATH}`;
  t.teardown(() => { process.env.PATH = savedPath; rmSync(dir, { recursive: true, force: true }); });
  const app = await buildTestApp(teardownOf(t), boltOverrides(writeProject(t.testdir())));
  const run = async () => waitForExecution(app, (await submit(app, { capability: 'puppet.run', targets: ['localhost'], params: {} })).id, 60);

  t.match(await run(), { status: 'succeeded', results: [{ target: 'localhost', status: 'succeeded', exitCode: 2, changed: true }] }, '2: succeeded, changed');
  t.equal(readFileSync(managed, 'utf8'), 'x\n', 'the agent really applied the catalog');
  t.match(await run(), { status: 'succeeded', results: [{ status: 'succeeded', exitCode: 0, changed: false }] }, '0: unchanged');
  writeFileSync(catalog, JSON.stringify([{ type: 'exec', command: 'false' }]));
  t.match(await run(), { status: 'failed', results: [{ status: 'failed', exitCode: 4, changed: false, error: { category: 'execution_failed' } }] }, '4: failed');
});
