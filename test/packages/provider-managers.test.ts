/**
 * The package provider (src/packages/provider.ts) with the managers other than apt, over a fake
 * script.execute that plays back recorded outputs: a dnf `--assumeno` dry run that declined its prompt
 * (exit 1) is a succeeded target whose changes are the plan; a not-found package stays a failure; zypper's
 * held lock is retried and recorded in lockWaits; an option a manager does not have (apk security-only)
 * fails that manager's targets before anything runs while the other targets still run.
 */
import t from 'tap';
import { PACKAGE_MANAGERS } from '../../src/capabilities/package-managers/index.js';
import type { CapabilityRegistry } from '../../src/core/registry.js';
import type { ExecutionContext, ExecutionEmit, TargetNode, TargetOutcome } from '../../src/core/types.js';
import type { InventoryService } from '../../src/inventory/aggregate.js';
import { PackageProvider } from '../../src/packages/provider.js';
import { lines } from './fixtures.js';

/** What a node "prints" for one script: its lines (marker lines get the run's marker) and the exit code. */
type Play = (script: string, node: string, attempt: number) => { out: string[]; exit: number };

function fakeRegistry(play: Play): { registry: CapabilityRegistry; scripts: string[] } {
  const scripts: string[] = [];
  const attempts = new Map<string, number>();
  const registry = {
    available: (name: string) => (name === 'script.execute' ? [{ plugin: 'ssh' }] : []),
    invoke: async (_name: string, params: { script: string }, ctx: ExecutionContext) => {
      scripts.push(params.script);
      const marker = /^(?:M=|\$M = ')([A-Za-z0-9_-]+)/m.exec(params.script)![1];
      const results: TargetOutcome[] = [];
      for (const node of ctx.targets ?? []) {
        const n = (attempts.get(node.name) ?? 0) + 1;
        attempts.set(node.name, n);
        const played = play(params.script, node.name, n);
        const { exit } = played;
        // A change script gets past its first query before the manager runs (the lines played are what follows).
        const out = params.script.includes('queried before') && !played.out.some((l) => l.includes('queried before')) ? ['MARK:queried before', ...played.out] : played.out;
        for (const line of out) ctx.emit({ type: 'stdout', target: node.name, line: line.replace(/^MARK:/, `${marker}:`) });
        const r: TargetOutcome = exit === 0 ? { target: node.name, status: 'succeeded', exitCode: 0 }
          : { target: node.name, status: 'failed', exitCode: exit, error: { category: 'upstream', code: 'CAPSTAN_ERR_UPSTREAM_ERROR', title: 'Command failed', detail: `exit ${exit}` } };
        ctx.emit({ type: 'target_result', ...r });
        results.push(r);
      }
      return { provider: 'ssh', value: { results } };
    },
  };
  return { registry: registry as unknown as CapabilityRegistry, scripts };
}

const node = (name: string): TargetNode => ({ name, groups: [], sources: [{ source: 'ssh', id: name }] });

function context(targets: TargetNode[]): { ctx: ExecutionContext; events: ExecutionEmit[] } {
  const events: ExecutionEmit[] = [];
  const logger = { info() {}, warn() {}, error() {}, debug() {}, child() { return logger; } };
  const ctx = { correlationId: 'x', principal: { id: 'test', roles: ['admin'] }, debug: false, signal: new AbortController().signal, logger, targets, emit: (e: ExecutionEmit) => events.push(e) };
  return { ctx: ctx as unknown as ExecutionContext, events };
}

type Change = (ctx: ExecutionContext, asked: string | undefined, runAs: string | undefined, op: unknown) => Promise<{ results: TargetOutcome[] }>;
const changeOf = (p: PackageProvider): Change => (p as unknown as { change: Change }).change.bind(p);

t.test('dnf --assumeno: exit 1 after "Operation aborted." is a succeeded dry run; a missing package is not', async (t) => {
  const table = lines('dnf', 'dnf5-install.txt');
  const { registry } = fakeRegistry((_s, name) => name === 'web1'
    ? { out: ['MARK:exit 1', ...table], exit: 1 }
    : { out: [...lines('dnf', 'dnf4-not-found.txt'), 'MARK:exit 1'], exit: 1 });
  const provider = new PackageProvider(registry, {} as InventoryService, PACKAGE_MANAGERS, { queryTimeoutMs: 1000, lockRetryMs: 1 });
  const { ctx } = context([node('web1'), node('web2')]);
  const { results } = await changeOf(provider)(ctx, 'dnf', undefined, { kind: 'install', packages: [{ name: 'wget' }], refresh: false, dryRun: true });
  const web1 = results.find((r) => r.target === 'web1')!;
  t.equal(web1.status, 'succeeded');
  t.equal(web1.exitCode, 1, 'the exit code stays what dnf said');
  t.notOk(web1.error);
  t.equal(web1.changed, false, 'a dry run changes nothing');
  t.match(web1.value, { manager: 'dnf', dryRun: true, lockWaits: [], changes: [{ name: 'wget', versionBefore: null, versionAfter: '1.19.5-5.fc29', action: 'installed' }] });
  const web2 = results.find((r) => r.target === 'web2')!;
  t.equal(web2.status, 'failed');
  t.match(web2.value, { changes: [{ name: 'wget', action: 'failed' }] }, 'wget is not the one dnf could not find');
});

t.test('zypper: a held lock is retried, then the install goes through', async (t) => {
  const { registry, scripts } = fakeRegistry((_s, _n, attempt) => attempt === 1
    ? { out: [...lines('zypper', 'locked.txt'), 'MARK:exit 7'], exit: 7 }
    : { out: [...lines('zypper', 'install-telnet.txt'), 'MARK:exit 0', 'MARK:after telnet\t1.2-165.63\tx86_64', 'MARK:queried after'], exit: 0 });
  const provider = new PackageProvider(registry, {} as InventoryService, PACKAGE_MANAGERS, { queryTimeoutMs: 1000, lockRetryMs: 1 });
  const { ctx, events } = context([node('suse1')]);
  const { results } = await changeOf(provider)(ctx, 'zypper', undefined, { kind: 'install', packages: [{ name: 'telnet' }], refresh: false, dryRun: false });
  t.equal(scripts.length, 2);
  t.match(results[0], { status: 'succeeded', changed: true, value: { manager: 'zypper', lockWaits: ['/run/zypp.pid held by process 4242 (zypper)'], changes: [{ name: 'telnet', versionBefore: null, versionAfter: '1.2-165.63', action: 'installed' }] } });
  t.ok(events.some((e) => e.type === 'notice' && /package database locked/.test(e.message)), 'the wait is announced');
});

t.test('an option the manager does not have fails its targets up front; the others run', async (t) => {
  const { registry, scripts } = fakeRegistry(() => ({ out: ['Nothing to do.', 'MARK:exit 0'], exit: 0 }));
  const provider = new PackageProvider(registry, {} as InventoryService, PACKAGE_MANAGERS, { queryTimeoutMs: 1000 });
  const alpine = context([node('alpine1')]);
  const { results } = await changeOf(provider)(alpine.ctx, 'apk', undefined, { kind: 'update', securityOnly: true, refresh: false, dryRun: false });
  t.match(results, [{ target: 'alpine1', status: 'failed', exitCode: null, error: { category: 'validation', code: 'CAPSTAN_ERR_REQUEST_VALIDATION', detail: 'apk cannot tell security updates from others.' } }]);
  t.equal(scripts.length, 0, 'nothing ran');
  t.ok(alpine.events.some((e) => e.type === 'target_result' && e.target === 'alpine1'), 'its result is emitted');
  const rhel = context([node('rhel1')]);
  const ok = await changeOf(provider)(rhel.ctx, 'dnf', undefined, { kind: 'update', securityOnly: true, refresh: false, dryRun: false });
  t.equal(ok.results[0].status, 'succeeded');
  t.match(scripts[0], "'dnf' '-y' '--setopt=exit_on_lock=True' 'upgrade' '--security'");
});
