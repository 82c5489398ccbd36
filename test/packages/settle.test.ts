/**
 * The provider's use of PackageManager.succeeded (src/packages/settle.ts): a dnf `--assumeno` dry run that
 * declined its prompt (exit 1) is a succeeded target, an error is not; zypper's 103 and Chocolatey's 3010
 * succeed; the exit code stays as the manager gave it; other statuses are left alone.
 */
import t from 'tap';
import { dnf } from '../../src/capabilities/package-managers/dnf.js';
import { zypper } from '../../src/capabilities/package-managers/zypper.js';
import { chocolatey } from '../../src/capabilities/package-managers/chocolatey.js';
import { apk } from '../../src/capabilities/package-managers/apk.js';
import { runExitCode, settleOutcome } from '../../src/packages/settle.js';
import type { TargetOutcome } from '../../src/core/types.js';

const failed = (code: number): TargetOutcome => ({ target: 'n1', status: 'failed', exitCode: code, error: { category: 'upstream', code: 'CAPSTAN_ERR_EXIT_CODE', title: 'Non-zero exit', detail: `exit ${code}` } });
const dryInstall = { kind: 'install' as const, packages: [{ name: 'wget' }], refresh: false, dryRun: true };

t.test('a declined dry run succeeds; an error does not', async (t) => {
  t.same(settleOutcome(dnf, dryInstall, failed(1), ['Installing:', ' wget x86_64 1.19.5-5.fc29 dnf-ci-fedora 6.0 k', 'Operation aborted.'], 1), { target: 'n1', status: 'succeeded', exitCode: 1 });
  t.same(settleOutcome(dnf, dryInstall, failed(1), ['No match for argument: wget', 'Error: Unable to find a match: wget'], 1), failed(1));
  t.same(settleOutcome(dnf, { ...dryInstall, dryRun: false }, failed(1), ['Operation aborted.'], 1), failed(1), 'not in a real run');
});

t.test('informational codes; managers without succeeded(); other statuses', async (t) => {
  t.equal(settleOutcome(zypper, { kind: 'update', securityOnly: true, refresh: false, dryRun: false }, failed(102), [], 102).status, 'succeeded', 'zypper 102: reboot needed');
  t.same(settleOutcome(zypper, { kind: 'update', securityOnly: true, refresh: false, dryRun: false }, failed(103), [], 103), failed(103), 'zypper 103 after its reruns: not finished');
  t.equal(settleOutcome(zypper, { kind: 'update', securityOnly: true, refresh: false, dryRun: true }, failed(103), [], 103).status, 'succeeded', 'a dry run\'s 103');
  t.equal(settleOutcome(chocolatey, { kind: 'update', securityOnly: false, refresh: false, dryRun: false }, failed(3010), [], 3010).status, 'succeeded');
  t.same(settleOutcome(apk, dryInstall, failed(1), [], 1), failed(1), 'apk: only 0');
  const timedOut: TargetOutcome = { target: 'n1', status: 'timed_out', exitCode: null };
  t.same(settleOutcome(dnf, dryInstall, timedOut, ['Operation aborted.'], 1), timedOut);
  const ok: TargetOutcome = { target: 'n1', status: 'succeeded', exitCode: 0 };
  t.equal(settleOutcome(dnf, dryInstall, ok, [], 0), ok);
});

t.test('runExitCode: the code that stopped the run, else the first non-zero one', async (t) => {
  t.equal(runExitCode(chocolatey, [3010, 1], 1), 1, 'a failure after a reboot-pending install is the failure');
  t.equal(runExitCode(chocolatey, [0, 3010, 0], 3010), 3010);
  t.equal(runExitCode(dnf, [0, 1], 1), 1);
  t.equal(runExitCode(dnf, [0, 0], 0), 0);
  t.equal(runExitCode(dnf, [], 255), 255, 'no marker: the transport\'s code');
  t.equal(runExitCode(dnf, [], null), 0);
});

t.test('apk through common.settle: the after-state unknown reads the steps apk printed, never a removal for lack of a line', async (t) => {
  const a1 = { name: 'a', version: '1-r0', arch: 'x86_64' };
  const up = apk.parseChanges({ kind: 'update', packages: [{ name: 'a' }], securityOnly: false, refresh: false, dryRun: false }, ['(1/1) Upgrading a (1-r0 -> 2-r0)', 'OK: 2 B in 2 packages'], 0, [a1], undefined);
  t.match(up, [{ name: 'a', versionBefore: '1-r0', versionAfter: '2-r0', action: 'upgraded', message: /could not be read/ }]);
  const cut = apk.parseChanges({ kind: 'uninstall', names: ['a'], purge: false, dryRun: false }, [], 0, [a1], undefined);
  t.match(cut, [{ name: 'a', action: 'failed', versionAfter: null, message: /^the installed versions after the run could not be read/ }]);
  const dep = apk.parseChanges({ kind: 'install', packages: [{ name: 'b' }], refresh: false, dryRun: false }, ['(1/2) Installing a (1-r0)', '(2/2) Installing b (2-r0)', 'OK'], 0, [], undefined);
  t.same(dep.map((c) => [c.name, c.action]), [['b', 'installed'], ['a', 'installed']], 'others only from the steps');
  t.same(apk.parseChanges({ kind: 'install', packages: [{ name: 'b' }], refresh: false, dryRun: false }, ['OK'], 0, [], []).map((c) => c.action), ['failed'], 'known after: unchanged and absent is failed as before');
});

t.test('a pin the manager did not reach is failed, not current or upgraded (dnf upgrade never goes down)', async (t) => {
  const update = { kind: 'update' as const, packages: [{ name: 'foo', version: '1.0-1' }], securityOnly: false, refresh: false, dryRun: false };
  const foo = (version: string) => [{ name: 'foo', version, arch: 'x86_64' }];
  const [stayed] = dnf.parseChanges(update, ['Dependencies resolved.', 'Nothing to do.', 'Complete!'], 0, foo('2.0-1'), foo('2.0-1'));
  t.match(stayed, { name: 'foo', versionBefore: '2.0-1', versionAfter: '2.0-1', action: 'failed', message: /installed 2\.0-1, asked for 1\.0-1/ });
  const [other] = dnf.parseChanges({ ...update, packages: [{ name: 'foo', version: '1.5-1' }] }, [], 0, foo('1.0-1'), foo('2.0-1'));
  t.match(other, { action: 'failed', message: /asked for 1\.5-1/ }, 'moved, but not to the pin');
  // The pin may leave out the epoch, the release or the dist tag.
  for (const [pin, installed] of [['1.0', '1.0-1.el9'], ['1.0-1', '1.0-1.el9'], ['1:1.0-1', '1:1.0-1'], ['1.0-1', '2:1.0-1']]) {
    const [c] = dnf.parseChanges({ ...update, packages: [{ name: 'foo', version: pin }] }, [], 0, foo('0.9-1'), foo(installed));
    t.equal(c.action, 'upgraded', `${installed} is the pin ${pin}`);
  }
  const [c10] = dnf.parseChanges({ ...update, packages: [{ name: 'foo', version: '1.0-1' }] }, [], 0, foo('0.9-1'), foo('1.0-10.el9'));
  t.equal(c10.action, 'failed', '1.0-10 is not the pin 1.0-1');
});

t.test('dnf: a pinned update is an install of that version (up or down); loose names stay an upgrade', async (t) => {
  const NW = '--setopt=exit_on_lock=True';
  t.same(dnf.commands({ kind: 'update', packages: [{ name: 'foo', version: '1.0-1' }, { name: 'bar' }], securityOnly: false, refresh: false, dryRun: false }),
    [['dnf', '-y', NW, 'upgrade', '--', 'bar'], ['dnf', '-y', NW, 'install', '--', 'foo-1.0-1']]);
  t.ok(dnf.updateInstallsAbsent, 'so the provider updates only installed names');
});
