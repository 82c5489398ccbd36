/**
 * The README's CI recipe ("Execution states and `/wait` in CI scripts"), taken from README.md itself so the
 * two never drift, run verbatim with bash against a real `npm start` server: a succeeding command exits 0, a
 * failing one 1, an unknown target and an unreachable server fail hard (curl's own code), never 75 "try again".
 */
import { freeLoopbackPort } from '../ports.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { execa } from 'execa';
import { startServer } from '../server-process.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SECTION = '### Execution states and `/wait` in CI scripts';

/** The first bash block of the README section (the section ends at the next heading). */
function ciRecipe(readme: string): string {
  const start = readme.indexOf(SECTION);
  if (start < 0) throw new Error(`README.md has no section "${SECTION}"`);
  const rest = readme.slice(start + SECTION.length);
  const next = rest.search(/\n#{1,3} /);
  const section = next < 0 ? rest : rest.slice(0, next);
  const block = /\n```bash\n([\s\S]*?)\n```\n/.exec(section);
  if (!block) throw new Error(`README.md section "${SECTION}" has no bash block`);
  return block[1];
}

const closedPort = freeLoopbackPort;

const recipe = ciRecipe(readFileSync(join(ROOT, 'README.md'), 'utf8'));

/** Runs the recipe as a CI job would: bash, the given environment, nothing else of the test's own. */
function run(env: Record<string, string>) {
  return execa('bash', ['-c', recipe], {
    reject: false, timeout: 120_000, extendEnv: false,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
  });
}

t.test('the recipe is a strict bash script', async (t) => {
  t.match(recipe, /^set -euo pipefail$/m, 'set -euo pipefail');
  t.match(recipe, /--fail-with-body/, 'curl fails on 4xx/5xx');
  t.match(recipe, /TARGET:-localhost/, 'defaults to the node the default server has');
});

t.test('the README CI recipe against npm start', async (t) => {
  // Auth on, as a real server runs: the recipe sends CAPSTAN_TOKEN.
  const token = 'ci-recipe-admin-token-0123456789';
  const server = await startServer(t, { CAPSTAN_TOKEN: token });
  const base = { CAPSTAN_URL: server.baseUrl, CAPSTAN_TOKEN: token };

  t.test('without the token the job fails hard with the 401 problem', async (t) => {
    const r = await run({ CAPSTAN_URL: server.baseUrl });
    t.equal(r.exitCode, 22, `curl's HTTP error code (stdout: ${r.stdout})`);
    t.match(r.stderr, /CAPSTAN_ERR_AUTH_REQUIRED/);
  });

  t.test('a succeeding command exits 0', async (t) => {
    const r = await run({ ...base, COMMAND: 'echo recipe-ok' });
    t.equal(r.exitCode, 0, `exit code (stderr: ${r.stderr})`);
    t.match(r.stdout, /^execution \S+: succeeded$/m);
  });

  t.test('a command that exits 3 makes the job exit 1', async (t) => {
    const r = await run({ ...base, COMMAND: 'exit 3' });
    t.equal(r.exitCode, 1, `exit code (stderr: ${r.stderr})`);
    t.match(r.stdout, /^execution \S+: failed$/m);
  });

  t.test('an unknown target fails hard with the problem on stderr, not 75', async (t) => {
    const r = await run({ ...base, TARGET: 'no-such-node.invalid' });
    t.equal(r.exitCode, 22, `curl's HTTP error code (stdout: ${r.stdout})`);
    t.match(r.stderr, /"code":\s*"CAPSTAN_ERR_[A-Z0-9_]+"/, 'the problem document is shown');
    t.notMatch(r.stdout, /^execution /m, 'no status was read');
  });

  t.test('a server that is down fails hard, not 75', async (t) => {
    const r = await run({ CAPSTAN_URL: `http://127.0.0.1:${await closedPort()}` });
    t.equal(r.exitCode, 7, `curl's "could not connect" code (stderr: ${r.stderr})`);
    t.match(r.stderr, /curl: \(7\)/);
  });
});
