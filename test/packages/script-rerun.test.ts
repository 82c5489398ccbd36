/**
 * PackageManager.rerunOn in the sh script (src/capabilities/package-managers/script-sh.ts), run for real with
 * /bin/sh: a command exiting with a rerun code (zypper's 103) runs again, at most RERUNS times, in real runs
 * only; each repeated run leaves a `rerun` marker and only the last one's code is the `exit` marker.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { shScript } from '../../src/capabilities/package-managers/script-sh.js';
import { RERUNS, type PackageManager, type PackageOp } from '../../src/capabilities/package-managers/types.js';
import { zypper } from '../../src/capabilities/package-managers/zypper.js';

const M = 'capstan-rerun-test';

/** A manager whose command counts its runs in ./runs and exits 103 for the first `times` of them. */
function counting(times: number): PackageManager {
  const body = `n=$(cat runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > runs; echo "run $n"; if [ $n -le ${times} ]; then exit 103; fi; exit 0`;
  return {
    name: 'zypper', shell: 'sh', rerunOn: zypper.rerunOn,
    commands: () => [['sh', '-c', body]],
    queryInstalled: () => ['true'], parseInstalled: () => [], lockHeld: () => undefined, parseChanges: () => [], parseList: () => [], parseSearch: () => [],
  };
}

function run(m: PackageManager, op: PackageOp): { status: number | null; out: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-rerun-'));
  try {
    const r = spawnSync('/bin/sh', ['-s'], { input: shScript(m, op, M), cwd: dir, encoding: 'utf8' });
    return { status: r.status, out: r.stdout.replace(/\n$/, '').split('\n') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const real: PackageOp = { kind: 'update', securityOnly: true, refresh: false, dryRun: false };

t.test('103 once: run again, the second run\'s 0 is the exit', async (t) => {
  const { status, out } = run(counting(1), real);
  t.equal(status, 0);
  t.same(out.filter((l) => !l.startsWith(`${M}:before`) && !l.startsWith(`${M}:after`)), [`${M}:queried before`, 'run 1', `${M}:rerun 103`, 'run 2', `${M}:exit 0`, `${M}:queried after`]);
});

t.test('103 every time: RERUNS more runs, then 103 stays the code', async (t) => {
  t.equal(RERUNS, 2);
  const { status, out } = run(counting(99), real);
  t.equal(status, 103);
  t.equal(out.filter((l) => /^run \d$/.test(l)).length, 1 + RERUNS);
  t.same(out.filter((l) => l.startsWith(`${M}:rerun`) || l.startsWith(`${M}:exit`)), [`${M}:rerun 103`, `${M}:rerun 103`, `${M}:exit 103`]);
});

t.test('dry runs and managers without rerunOn: no rerun', async (t) => {
  const dry = run(counting(1), { ...real, dryRun: true } as PackageOp);
  t.equal(dry.status, 103);
  t.same(dry.out.filter((l) => /^run/.test(l) || l.includes(':rerun') || l.includes(':exit')), ['run 1', `${M}:exit 103`]);
  const plain = run({ ...counting(1), rerunOn: undefined }, real);
  t.same(plain.out.filter((l) => /^run/.test(l) || l.includes(':rerun') || l.includes(':exit')), ['run 1', `${M}:exit 103`]);
});
