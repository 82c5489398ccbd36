/**
 * The public acceptance: ../shared/acceptance/walkthrough.sh against a freshly started `npm start`
 * (embedded defaults, temp data dir, a free port), exactly as a CI script would run it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { execa } from 'execa';
import { startServer } from '../server-process.js';

const ROOT = join(import.meta.dirname, '..', '..');
const WALKTHROUGH = join(ROOT, '..', 'shared', 'acceptance', 'walkthrough.sh');

t.test('walkthrough.sh passes against npm start', { skip: existsSync(WALKTHROUGH) ? false : `${WALKTHROUGH} not found` }, async (t) => {
  const server = await startServer(t);
  const run = await execa('bash', [WALKTHROUGH, server.baseUrl], { reject: false, all: true, timeout: 170_000 });
  for (const line of run.all.split('\n')) {
    if (line.startsWith('ok - ')) t.pass(line.slice(5));
    else if (line.startsWith('not ok - ')) t.fail(line.slice(9));
  }
  t.match(run.all, /\n(\d+) passed, 0 failed\s*$/, 'walkthrough ends with 0 failed');
  t.equal(run.exitCode, 0, 'walkthrough exit code');
});
