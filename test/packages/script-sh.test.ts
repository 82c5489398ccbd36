/**
 * The sh script writer (src/capabilities/package-managers/script-sh.ts), run for real with /bin/sh and a
 * fake manager whose "package manager" is printf: names and versions with quotes, `$`, `;`, backquotes,
 * `$(...)` and newlines come back as the very same argv, never run as shell code; the marker protocol
 * (before / exit / after), stopping at the first failing command, continueOn codes and the exit code.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { shQuote, shScript } from '../../src/capabilities/package-managers/script-sh.js';
import type { PackageManager, PackageOp } from '../../src/capabilities/package-managers/types.js';

const M = 'capstan-pkg-test';

function fake(commands: (op: PackageOp) => string[][], extra: Partial<PackageManager> = {}): PackageManager {
  return {
    name: 'dnf', shell: 'sh', commands,
    queryInstalled: (names) => ['printf', '%s\\t1.0\\tnoarch\\n', ...(names.length ? names : ['all'])],
    parseInstalled: () => [], lockHeld: () => undefined, parseChanges: () => [], parseList: () => [], parseSearch: () => [],
    ...extra,
  };
}

function run(script: string, cwd: string): { status: number | null; out: string[] } {
  const r = spawnSync('/bin/sh', ['-s'], { input: script, cwd, encoding: 'utf8' });
  return { status: r.status, out: r.stdout.replace(/\n$/, '').split('\n') };
}

const NASTY = ["it's", '$HOME', 'a;touch pwned-semicolon', '`touch pwned-backquote`', '$(touch pwned-dollar)', "'; touch pwned-quote; '", 'two\nlines', 'x\'"\\y', '-rf', ' spaced '];

t.test('shQuote: a quote inside is closed, escaped and reopened', async (t) => {
  t.equal(shQuote("it's"), "'it'\\''s'");
  t.equal(shQuote(''), "''");
  t.equal(shQuote('$(id)'), "'$(id)'");
});

t.test('names and versions never break out: every argument comes back as is', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-sh-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const op: PackageOp = { kind: 'install', packages: NASTY.map((name, i) => ({ name, version: NASTY[(i + 3) % NASTY.length] })), refresh: false, dryRun: false };
  const m = fake((o) => [['printf', '<%s>\\n', ...(o.kind === 'install' ? o.packages.flatMap((p) => [p.name, p.version!]) : [])]]);
  const { status, out } = run(shScript(m, op, M), dir);
  t.equal(status, 0);
  const body = out.filter((l) => !l.startsWith(`${M}:`)).join('\n');
  const expected = NASTY.flatMap((n, i) => [n, NASTY[(i + 3) % NASTY.length]]).map((a) => `<${a}>`).join('\n');
  t.equal(body, expected, 'printf got exactly the arguments');
  for (const f of ['pwned-semicolon', 'pwned-backquote', 'pwned-dollar', 'pwned-quote']) t.notOk(existsSync(join(dir, f)), `${f}: nothing ran`);
  const before = out.filter((l) => l.startsWith(`${M}:before `));
  t.equal(before[0], `${M}:before it's\t1.0\tnoarch`, 'the query gets the names too, quoted the same way');
  t.ok(out.includes(`${M}:exit 0`));
  t.ok(out.some((l) => l.startsWith(`${M}:after `)), 'a real run queries again after');
});

t.test('marker protocol: refresh first, stop at the first failure, exit with its code; dry runs query only before', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-sh-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const failing = fake(() => [['true'], ['sh', '-c', 'echo manager says no; exit 4'], ['touch', 'should-not-run']]);
  const r = run(shScript(failing, { kind: 'uninstall', names: ['a'], purge: false, dryRun: false }, M), dir);
  t.equal(r.status, 4);
  t.same(r.out.filter((l) => l.startsWith(`${M}:exit`)), [`${M}:exit 0`, `${M}:exit 4`]);
  t.ok(r.out.includes('manager says no'));
  t.notOk(existsSync(join(dir, 'should-not-run')), 'the script stopped');
  t.ok(r.out.some((l) => l.startsWith(`${M}:after `)), 'the installed versions are read again even after a failure');
  const dry = run(shScript(failing, { kind: 'uninstall', names: ['a'], purge: false, dryRun: true }, M), dir);
  t.notOk(dry.out.some((l) => l.startsWith(`${M}:after `)), 'no after-query in a dry run');
  t.ok(dry.out.some((l) => l.startsWith(`${M}:before `)));
  const list = run(shScript(fake(() => [['printf', 'row\\n']]), { kind: 'list', upgradable: false }, M), dir);
  t.same(list.out, ['row', `${M}:exit 0`], 'list and search: no before/after');
  t.equal(list.status, 0);
});

t.test('continueOn: a reboot-pending code lets the next command run; the script still exits with it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-sh-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const m = fake(() => [['sh', '-c', 'exit 3'], ['touch', 'second'], ['sh', '-c', 'exit 5'], ['touch', 'third']], { continueOn: [3] });
  const r = run(shScript(m, { kind: 'update', securityOnly: false, refresh: false, dryRun: false }, M), dir);
  t.ok(existsSync(join(dir, 'second')), 'after 3 the next command runs');
  t.notOk(existsSync(join(dir, 'third')), '5 stops the script');
  t.same(r.out.filter((l) => l.startsWith(`${M}:exit`)), [`${M}:exit 3`, `${M}:exit 0`, `${M}:exit 5`]);
  t.equal(r.status, 5, 'the code that stopped the script');
  const only = run(shScript(fake(() => [['sh', '-c', 'exit 3'], ['true']], { continueOn: [3] }), { kind: 'update', securityOnly: false, refresh: false, dryRun: false }, M), dir);
  t.equal(only.status, 3, 'else the first non-zero code');
});

t.test('refuses a PowerShell manager and a marker with other characters', async (t) => {
  t.throws(() => shScript({ ...fake(() => []), shell: 'powershell' }, { kind: 'list', upgradable: false }, M));
  t.throws(() => shScript(fake(() => []), { kind: 'list', upgradable: false }, "x'; rm -rf /"));
});
