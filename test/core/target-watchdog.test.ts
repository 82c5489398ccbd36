/**
 * The target-side watchdog (src/core/target-watchdog.ts) run by a local sh as a target's shell would run it:
 * stdin, output and exit code pass through; when its parent goes, the command and every process carrying the
 * run's cookie are ended; after the command exits, processes still holding the output are ended after the
 * drain with a notice line; a detached daemon survives.
 */
import { execa } from 'execa';
import t from 'tap';
import { shQuote as quote } from '../../src/core/sh-quote.js';
import { splitNotice, withWatchdog } from '../../src/core/target-watchdog.js';
import { noProcessMatching, testWatchdogOptions } from '../processes.js';

const wd = testWatchdogOptions;

t.test('withWatchdog: passes stdin, output and exit code through; kills the command when its parent goes', async (t) => {
  const ok = await execa('sh', ['-c', withWatchdog('read x; echo "got $x"; echo err >&2; exit 3', wd())], { input: 'abc\n', reject: false, env: { SHELL: '/bin/sh' } });
  t.equal(ok.stdout, 'got abc');
  t.equal(ok.stderr, 'err');
  t.equal(ok.exitCode, 3);
  // A parent that dies (as the sshd session does when the client is gone) leaves the command to the watchdog.
  const mark = `wd-${process.pid}-${Date.now()}`;
  const parent = execa('sh', ['-c', `sh -c ${quote(withWatchdog(`sleep 60; : ${mark}`, wd()))} & sleep 0.5; exit 0`], { reject: false, env: { SHELL: '/bin/sh' } });
  await parent;
  const alive = () => execa('pgrep', ['-f', mark], { reject: false }).then((r) => r.exitCode === 0);
  const deadline = Date.now() + 8000;
  while ((await alive()) && Date.now() < deadline) await execa('sleep', ['0.2']);
  t.notOk(await alive(), 'the orphaned command was killed');
});

const gone = noProcessMatching;

t.test('withWatchdog: the run rules on the target side', async (t) => {
  const env = { SHELL: '/bin/sh', PATH: process.env.PATH ?? '/usr/bin:/bin' };

  t.test('a background child holding the output is ended after the drain, with a notice; the exit code is the command\'s', async (t) => {
    const mark = `wdh${process.pid}x${Date.now()}`;
    const started = Date.now();
    const r = await execa('sh', ['-c', withWatchdog(`sh -c 'sleep 30; : ${mark}' & echo started; exit 4`, wd({ drainSeconds: 1 }))], { reject: false, env });
    t.equal(r.stdout, 'started');
    t.equal(r.exitCode, 4, 'the top-level exit code');
    t.ok(Date.now() - started < 10_000, `ended after the drain, not after 30 s (${Date.now() - started} ms)`);
    t.match(r.stderr, /^capstan-notice:unit the command exited but \d+ process\(es\) still held its output after 1 s/m, 'notice line on stderr');
    t.ok(await gone(mark), 'the holder is gone');
  });

  t.test('a detached daemon (output redirected) survives a normal end', async (t) => {
    const mark = `wdd${process.pid}x${Date.now()}`;
    const dir = t.testdir();
    const r = await execa('sh', ['-c', withWatchdog(`nohup sh -c 'sleep 30; : ${mark}' >${dir}/app.log 2>&1 & echo ok`, wd())], { reject: false, env });
    t.same([r.stdout, r.stderr, r.exitCode], ['ok', '', 0], 'no notice: nothing held the output');
    t.equal((await execa('pgrep', ['-f', mark], { reject: false })).exitCode, 0, 'the daemon still runs');
    await execa('pkill', ['-f', mark], { reject: false });
  });

  t.test('when the session goes, processes that left the process group (setsid, double fork) are ended too', async (t) => {
    const mark = `wde${process.pid}x${Date.now()}`;
    const cmd = `setsid sh -c 'sleep 60; : ${mark}a' </dev/null >/dev/null 2>&1 & (sh -c 'sleep 60; : ${mark}b' </dev/null >/dev/null 2>&1 &); sleep 60`;
    await execa('sh', ['-c', `sh -c ${quote(withWatchdog(cmd, wd()))} & sleep 0.5; exit 0`], { reject: false, env });
    t.ok(await gone(`${mark}a`), 'the setsid child is gone');
    t.ok(await gone(`${mark}b`), 'the double-forked child is gone');
  });


  t.test('the reader of the output is never a holder, whoever sits between it and the watchdog (sudo, Bolt)', async (t) => {
    const mark = `wdr${process.pid}x${Date.now()}`;
    // `; :` keeps an intermediate shell alive as the watchdog's parent (as sudo is); cat reads the pipe.
    const r = await execa('sh', ['-c', `sh -c ${quote(`${withWatchdog(`sh -c 'sleep 30; : ${mark}' & echo started`, wd())}; :`)} | cat; echo "cat:$?"`], { reject: false, env });
    t.same(r.stdout.split('\n'), ['started', 'cat:0'], 'the reader (cat) got the output and was not signalled');
    t.match(r.stderr, /still held its output/);
    t.ok(await gone(mark), 'the real holder is gone');
  });

  t.test('the session counts as gone when the grandparent goes while the parent (sudo) lives on', async (t) => {
    const mark = `wdg${process.pid}x${Date.now()}`;
    const inner = `${withWatchdog(`setsid sh -c 'sleep 60; : ${mark}' </dev/null >/dev/null 2>&1 & sleep 60`, wd())}; :`;
    await execa('sh', ['-c', `sh -c ${quote(inner)} & sleep 0.5; exit 0`], { reject: false, env });
    t.ok(await gone(mark), 'the escaped child is gone');
  });

  t.test('a stderr file shared with other processes is not the session output', async (t) => {
    const dir = t.testdir();
    const mark = `wdf${process.pid}x${Date.now()}`;
    const r = await execa('sh', ['-c', `${withWatchdog(`sh -c 'sleep 30; : ${mark}' & echo started`, wd())} 2>${dir}/err.log | cat`], { reject: false, env });
    t.equal(r.stdout, 'started');
    t.ok(await gone(mark), 'the stdout holder is ended');
  });
});

t.test('splitNotice: a notice line, and one that follows an unfinished stderr line', async (t) => {
  t.same(splitNotice('capstan-notice:n1 ended 1', 'capstan-notice:n1'), { before: '', message: 'ended 1' });
  t.same(splitNotice('warn: capstan-notice:n1 ended 1', 'capstan-notice:n1'), { before: 'warn: ', message: 'ended 1' });
  t.equal(splitNotice('capstan-notice:other ended', 'capstan-notice:n1'), undefined, 'another run\'s nonce is output');
});
