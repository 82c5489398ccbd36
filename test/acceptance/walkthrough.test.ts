/**
 * The public acceptance: ../shared/acceptance/walkthrough.sh against a freshly started `npm start`
 * (embedded defaults, temp data dir, a free port), exactly as a CI script would run it: with auth on, the
 * runner takes the token from CAPSTAN_TOKEN, or else from <dataDir>/admin-token (the first start writes it).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { execa } from 'execa';
import { startServer } from '../server-process.js';

const ROOT = join(import.meta.dirname, '..', '..');
const WALKTHROUGH = join(ROOT, '..', 'shared', 'acceptance', 'walkthrough.sh');

t.test('walkthrough.sh passes against npm start', { skip: existsSync(WALKTHROUGH) ? false : `${WALKTHROUGH} not found` }, async (t) => {
  const given = process.env.CAPSTAN_TOKEN;
  const server = await startServer(t, given ? { CAPSTAN_TOKEN: given } : { CAPSTAN_AUTH: 'on' });
  let token = given;
  if (!token) {
    const file = join(server.dataDir, 'admin-token');
    token = readFileSync(file, 'utf8').trim();
    t.equal(statSync(file).mode & 0o777, 0o600, 'admin-token is 0600');
    t.equal(server.log().split(token).length - 1, 1, 'the first start prints the admin token once');
  }
  const unauthenticated = await fetch(`${server.baseUrl}/api/v1/plugins`);
  t.equal(unauthenticated.status, 401, 'auth is on');
  const run = await execa('bash', [WALKTHROUGH, server.baseUrl], { reject: false, all: true, timeout: 170_000, env: { CAPSTAN_TOKEN: token } });
  for (const line of run.all.split('\n')) {
    if (line.startsWith('ok - ')) t.pass(line.slice(5));
    else if (line.startsWith('not ok - ')) t.fail(line.slice(9));
  }
  t.match(run.all, /\n(\d+) passed, 0 failed\s*$/, 'walkthrough ends with 0 failed');
  t.equal(run.exitCode, 0, 'walkthrough exit code');
});
