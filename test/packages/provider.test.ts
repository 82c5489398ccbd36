/**
 * The package provider (src/packages/) over a fake script.execute provider that plays apt's side: the retry
 * while another process holds the dpkg lock (waits doubling from lockRetryMs, reported in lockWaits and as
 * notices), a cancel while waiting, a transport failure, a provider that fails as a whole, and the probe that
 * finds the manager when no facts tell. Real apt on real hosts: apt-hosts.test.ts.
 */
import t from 'tap';
import { CONTRACTS, SHARED_SCHEMAS, scriptExecute } from '../../src/capabilities/index.js';
import { PACKAGE_MANAGERS } from '../../src/capabilities/package-managers/index.js';
import { Errors } from '../../src/core/errors.js';
import { CapabilityRegistry } from '../../src/core/registry.js';
import { implement, type ExecutionContext, type ExecutionEmit, type TargetOutcome } from '../../src/core/types.js';
import { InventoryService } from '../../src/inventory/aggregate.js';
import { PackageProvider } from '../../src/packages/provider.js';
import { ctx as baseCtx, keepAlive } from '../core/fixtures/fake-plugins.js';

keepAlive(t);

const LOCKED = 'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (unattended-upgr)';

/** What the fake node does on each script run: its lines (marker lines with `@` for the marker) and exit code, or a whole outcome. */
type Step = { lines: string[]; exit: number } | { outcome: Omit<TargetOutcome, 'target'> } | { throws: Error };

function setup(steps: Step[], opts: { lockRetryMs?: number } = {}) {
  const registry = new CapabilityRegistry(CONTRACTS, SHARED_SCHEMAS);
  const calls: { at: number; script: string }[] = [];
  registry.register('fakeexec', ['script.execute'], implement(scriptExecute, async (p, ctx) => {
    calls.push({ at: Date.now(), script: p.script });
    const mark = /^M=(\S+)$/m.exec(p.script)?.[1] ?? /'(capstan-pkg-[A-Za-z0-9]+)'/.exec(p.script)?.[1];
    const step = p.script.includes('command -v') ? { lines: ['@:manager apt'], exit: 0 } : steps.shift() ?? { lines: [], exit: 0 };
    if ('throws' in step) throw step.throws;
    const results: TargetOutcome[] = [];
    for (const target of ctx.targets ?? []) {
      if ('outcome' in step) {
        ctx.emit({ type: 'target_result', target: target.name, ...step.outcome });
        results.push({ target: target.name, ...step.outcome });
        continue;
      }
      // A change script gets past its first query before the manager runs (the lines played are what follows).
      const got = p.script.includes('queried before') && !step.lines.some((l) => l.includes('queried before')) ? ['@:queried before', ...step.lines] : step.lines;
      for (const l of got) ctx.emit({ type: 'stdout', target: target.name, line: l.replace(/^@/, mark!) });
      const r: TargetOutcome = { target: target.name, status: step.exit === 0 ? 'succeeded' : 'failed', exitCode: step.exit };
      ctx.emit({ type: 'target_result', ...r });
      results.push(r);
    }
    return { results };
  }), () => true);
  const provider = new PackageProvider(registry, new InventoryService(registry, 1000), PACKAGE_MANAGERS, { queryTimeoutMs: 1000, lockRetryMs: opts.lockRetryMs ?? 100, maxLockWaitMs: 1000 });
  provider.register();
  return { registry, calls };
}

function runCtx(signal?: AbortSignal): ExecutionContext & { events: ExecutionEmit[] } {
  const events: ExecutionEmit[] = [];
  return { ...baseCtx(signal), executionId: 'x1', targets: [{ name: 'n1', groups: [], sources: [{ source: 'fakeexec', id: 'n1' }] }], emit: (e) => events.push(e), events };
}

const ok: Step = {
  exit: 0,
  lines: ['Reading package lists...', 'Selecting previously unselected package tb-lib.', 'Unpacking tb-lib (0.5) ...', 'Setting up tb-lib (0.5) ...', '@:exit 0', '@:after ii \ttb-lib\t0.5\tall', '@:queried after'],
};
const locked: Step = { exit: 100, lines: [LOCKED, 'E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?', '@:exit 100'] };
const install = { packages: [{ name: 'tb-lib' }], manager: 'apt' };

t.test('a held lock: retried after 100 then 200 ms, reported in lockWaits and notices, then installed', async (t) => {
  const { registry, calls } = setup([locked, locked, ok]);
  const c = runCtx();
  const { value } = await registry.invoke('package.install', install, c, { provider: 'packages', timeoutMs: 10_000 });
  const [r] = (value as { results: TargetOutcome[] }).results;
  t.equal(calls.length, 3);
  t.ok(calls[1].at - calls[0].at >= 95, `first wait ${calls[1].at - calls[0].at} ms`);
  t.ok(calls[2].at - calls[1].at >= 195, `second wait (doubled) ${calls[2].at - calls[1].at} ms`);
  t.match(r, { target: 'n1', status: 'succeeded', exitCode: 0, changed: true });
  t.same((r.value as any).lockWaits, ['/var/lib/dpkg/lock-frontend held by process 4242 (unattended-upgr)', '/var/lib/dpkg/lock-frontend held by process 4242 (unattended-upgr)']);
  t.match((r.value as any).changes, [{ name: 'tb-lib', versionBefore: null, versionAfter: '0.5', action: 'installed' }]);
  const notices = c.events.filter((e) => e.type === 'notice');
  t.equal(notices.length, 2);
  t.match(notices[0], { target: 'n1', message: /^package database locked: \/var\/lib\/dpkg\/lock-frontend held by process 4242/ });
  t.equal(c.events.filter((e) => e.type === 'target_result').length, 1, 'one target_result, with the value');
  t.notOk(c.events.some((e) => e.type === 'stdout' && e.line.startsWith('capstan-pkg-')), 'marker lines are not streamed');
});

t.test('canceled while waiting for the lock: canceled, the lock named', async (t) => {
  const { registry, calls } = setup([locked, locked, locked], { lockRetryMs: 5000 });
  const ac = new AbortController();
  const c = runCtx(ac.signal);
  const p = registry.invoke('package.install', install, c, { provider: 'packages', timeoutMs: 10_000 });
  setTimeout(() => ac.abort('cancel'), 100);
  const started = Date.now();
  const [r] = ((await p).value as { results: TargetOutcome[] }).results;
  t.ok(Date.now() - started < 2000, 'the wait ends with the cancel');
  t.equal(calls.length, 2, 'one attempt, then a query of what the attempt may have changed before it met the lock');
  t.notOk(calls[1].script.includes('apt-get'), 'the query only reads installed versions');
  t.match(r, { status: 'canceled', exitCode: null, error: { title: 'Package database locked', detail: /still locked when the run ended: \/var\/lib\/dpkg\/lock-frontend/ } });
  t.equal((r.value as any).lockWaits.length, 1);
});

t.test('a transport failure: the transport\'s own outcome, no changes', async (t) => {
  const error = { category: 'unavailable', code: 'CAPSTAN_ERR_TARGET_CONNECT_FAILED', title: 'Could not connect', detail: 'ssh: connect to host 127.0.57.19 port 22: Connection refused' };
  const { registry } = setup([{ outcome: { status: 'failed', exitCode: null, error } }]);
  const c = runCtx();
  const [r] = ((await registry.invoke('package.install', install, c, { provider: 'packages', timeoutMs: 10_000 })).value as { results: TargetOutcome[] }).results;
  t.match(r, { status: 'failed', exitCode: null, error });
  t.same(r.value, { manager: 'apt', dryRun: false, changes: [], lockWaits: [] });
});

t.test('the execution provider fails as a whole: each target failed with its error', async (t) => {
  const { registry } = setup([{ throws: new Errors.Upstream('the ssh binary vanished') }]);
  const [r] = ((await registry.invoke('package.install', install, runCtx(), { provider: 'packages', timeoutMs: 10_000 })).value as { results: TargetOutcome[] }).results;
  t.match(r, { status: 'failed', exitCode: null, error: { code: 'CAPSTAN_ERR_UPSTREAM_ERROR', detail: /ssh binary vanished/ } });
});

t.test('no manager asked and no facts provider: the probe finds apt on the node', async (t) => {
  const { registry, calls } = setup([ok]);
  const [r] = ((await registry.invoke('package.install', { packages: [{ name: 'tb-lib' }] }, runCtx(), { provider: 'packages', timeoutMs: 10_000 })).value as { results: TargetOutcome[] }).results;
  t.equal(calls.length, 2, 'probe, then the install');
  t.match(r, { status: 'succeeded', value: { manager: 'apt', changes: [{ name: 'tb-lib', action: 'installed' }] } });
});

t.test('without any script.execute provider the package source is unavailable, and says why', async (t) => {
  const registry = new CapabilityRegistry(CONTRACTS, SHARED_SCHEMAS);
  new PackageProvider(registry, new InventoryService(registry, 1000), PACKAGE_MANAGERS, { queryTimeoutMs: 1000 }).register();
  const [p] = registry.providers('package.install');
  t.equal(p.isAvailable(), false, 'no throw from isAvailable');
  t.match(p.whyUnavailable?.(), /no execution provider can run scripts/);
});
