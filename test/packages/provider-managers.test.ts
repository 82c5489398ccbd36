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

/**
 * What a node "prints" for one script: its lines (marker lines get the run's marker) and the exit code, or
 * (`outcome`) how the transport ended it (unreachable, canceled) after those lines.
 */
type Play = (script: string, node: string, attempt: number) => { out: string[]; exit: number; outcome?: Omit<TargetOutcome, 'target'> };

function fakeRegistry(play: Play): { registry: CapabilityRegistry; scripts: string[] } {
  const scripts: string[] = [];
  const attempts = new Map<string, number>();
  const registry = {
    available: (name: string) => (name === 'script.execute' ? [{ plugin: 'ssh' }] : []),
    // No info.facts provider: the manager is probed on the node.
    providers: () => [],
    invoke: async (_name: string, params: { script: string }, ctx: ExecutionContext) => {
      scripts.push(params.script);
      const marker = /(capstan-pkg-[A-Za-z0-9]+)/.exec(params.script)![1];
      const results: TargetOutcome[] = [];
      for (const node of ctx.targets ?? []) {
        const n = (attempts.get(node.name) ?? 0) + 1;
        attempts.set(node.name, n);
        const played = play(params.script, node.name, n);
        const { exit } = played;
        // A change script gets past its first query before the manager runs (the lines played are what follows).
        const out = params.script.includes('queried before') && !played.out.some((l) => l.includes('queried before')) ? ['MARK:queried before', ...played.out] : played.out;
        for (const line of out) ctx.emit({ type: 'stdout', target: node.name, line: line.replace(/^MARK:/, `${marker}:`) });
        const r: TargetOutcome = played.outcome ? { target: node.name, ...played.outcome } : exit === 0 ? { target: node.name, status: 'succeeded', exitCode: 0 }
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

/** Which script a play gets: the manager probe, the query of installed versions alone, or the change itself. */
const kindOf = (script: string) => (script.includes('command -v') ? 'probe' : script.includes('queried before') ? 'change' : script.includes('queried after') ? 'installed' : 'query');
const unreachable = { status: 'failed' as const, exitCode: null, error: { category: 'unavailable', code: 'CAPSTAN_ERR_TARGET_CONNECT_FAILED', title: 'Connection to target failed', detail: 'ssh: connect to host 127.0.57.19 port 22: Connection refused' } };

t.test('a node the probe cannot reach keeps its transport error (not "no package manager")', async (t) => {
  const { registry } = fakeRegistry((script, name) => (kindOf(script) === 'probe' && name === 'down'
    ? { out: [], exit: 255, outcome: unreachable }
    : kindOf(script) === 'probe' ? { out: ['MARK:manager none'], exit: 0 } : { out: [], exit: 0 }));
  const provider = new PackageProvider(registry, {} as InventoryService, PACKAGE_MANAGERS, { queryTimeoutMs: 1000 });
  const { ctx, events } = context([node('down'), node('bare')]);
  const { results } = await changeOf(provider)(ctx, undefined, undefined, { kind: 'install', packages: [{ name: 'wget' }], refresh: false, dryRun: false });
  t.match(results.find((r) => r.target === 'down'), { status: 'failed', exitCode: null, error: unreachable.error });
  t.match(results.find((r) => r.target === 'bare'), { status: 'failed', error: { code: 'CAPSTAN_ERR_TOOL_NOT_INSTALLED' } });
  t.equal(events.filter((e) => e.type === 'target_result').length, 2, 'each result is emitted');
  // A query on it fails with that error too (its own code and status), not a 503 "no package manager".
  await t.rejects((provider as any).query(ctx, node('down'), { kind: 'list', upgradable: false }), { code: 'CAPSTAN_ERR_TARGET_CONNECT_FAILED', statusCode: 503 });
});

t.test('list and search: a manager\'s "nothing matched" exit is an empty answer; any other failure is an error', async (t) => {
  const answers: Record<string, { out: string[]; exit: number }> = {
    nomatch: { out: ['Error: No matching Packages to list', 'MARK:exit 1'], exit: 1 },
    broken: { out: ['Error: Failed to download metadata for repo \'appstream\': Cannot download repomd.xml', 'MARK:exit 1'], exit: 1 },
    zypper104: { out: ['Loading repository data...', 'Reading installed packages...', 'No matching items found.', 'MARK:exit 104'], exit: 104 },
    zypper7: { out: ['System management is locked by the application with pid 4242 (zypper).', 'MARK:exit 7'], exit: 7 },
  };
  const { registry } = fakeRegistry((script, name) => (kindOf(script) === 'probe' ? { out: [`MARK:manager ${name.startsWith('zypper') ? 'zypper' : 'dnf'}`], exit: 0 } : answers[name]));
  const provider = new PackageProvider(registry, {} as InventoryService, PACKAGE_MANAGERS, { queryTimeoutMs: 1000 });
  const query = (n: string, op: unknown) => (provider as any).query(context([]).ctx, node(n), op);
  const { run } = await query('nomatch', { kind: 'search', query: 'nope', limit: 10 });
  t.ok(run, 'dnf: No matching Packages to list is nothing found');
  await t.rejects(query('broken', { kind: 'search', query: 'nope', limit: 10 }), { code: 'CAPSTAN_ERR_UPSTREAM_ERROR', message: /dnf on 'broken' failed \(exit 1\): Error: Failed to download metadata/ });
  t.ok(await query('zypper104', { kind: 'search', query: 'nope', limit: 10 }), 'zypper 104 is nothing found');
  await t.rejects(query('zypper7', { kind: 'search', query: 'nope', limit: 10 }), { code: 'CAPSTAN_ERR_UPSTREAM_ERROR', message: /exit 7/ });
});

t.test('a named update with a manager whose update installs absent packages: only the installed ones are updated', async (t) => {
  const { registry, scripts } = fakeRegistry((script, name) => {
    if (kindOf(script) === 'installed') return { out: name === 'suse1' ? ['MARK:after vim\t9.0.1-1.1\tx86_64', 'MARK:queried after'] : ['MARK:queried after'], exit: 0 };
    return { out: ['MARK:before vim\t9.0.1-1.1\tx86_64', 'MARK:queried before', '(1/1) Installing: vim-9.1.0-2.1.x86_64 ...[done]', 'MARK:exit 0', 'MARK:after vim\t9.1.0-2.1\tx86_64', 'MARK:queried after'], exit: 0 };
  });
  const provider = new PackageProvider(registry, {} as InventoryService, PACKAGE_MANAGERS, { queryTimeoutMs: 1000 });
  const { ctx } = context([node('suse1'), node('suse2')]);
  const { results } = await changeOf(provider)(ctx, 'zypper', undefined, { kind: 'update', packages: [{ name: 'nano', version: '7.2-1' }, { name: 'vim', version: '9.1.0-2.1' }], securityOnly: false, refresh: false, dryRun: false });
  const changes = scripts.filter((x) => kindOf(x) === 'change');
  t.equal(changes.length, 1, 'suse2 has neither: nothing runs there');
  t.match(changes[0], "'vim=9.1.0-2.1'");
  t.notMatch(changes[0], 'nano', 'nano is not installed on suse1: never named to zypper install --oldpackage');
  t.match(results.find((r) => r.target === 'suse1'), { status: 'succeeded', changed: true, value: { changes: [
    { name: 'nano', versionBefore: null, versionAfter: null, action: 'not_found', message: /not installed/ },
    { name: 'vim', versionBefore: '9.0.1-1.1', versionAfter: '9.1.0-2.1', action: 'upgraded' },
  ] } });
  t.match(results.find((r) => r.target === 'suse2'), { status: 'succeeded', changed: false, value: { changes: [{ name: 'nano', action: 'not_found' }, { name: 'vim', action: 'not_found' }] } });
});

t.test('a lock met after a partial success: the first attempt\'s installed versions are the "before"', async (t) => {
  // Chocolatey runs one command per pinned package: the first installed git, the second met a busy installer.
  const { registry } = fakeRegistry((script, _n, attempt) => (attempt === 1
    ? { out: ['MARK:queried before', 'The install of git was successful.', 'MARK:exit 0', 'Another installation is already in progress.', 'MARK:exit 1618'], exit: 1618 }
    : { out: ['MARK:before git|2.43.0', 'MARK:queried before', 'The install of 7zip was successful.', 'MARK:exit 0', 'MARK:exit 0', 'MARK:after git|2.43.0', 'MARK:after 7zip|23.1.0', 'MARK:queried after'], exit: 0 }));
  const provider = new PackageProvider(registry, {} as InventoryService, PACKAGE_MANAGERS, { queryTimeoutMs: 1000, lockRetryMs: 1 });
  const { ctx } = context([node('win1')]);
  const { results } = await changeOf(provider)(ctx, 'chocolatey', undefined, { kind: 'install', packages: [{ name: 'git', version: '2.43.0' }, { name: '7zip', version: '23.1.0' }], refresh: false, dryRun: false });
  t.match(results[0], { status: 'succeeded', value: { lockWaits: [/exit 1618/], changes: [
    { name: 'git', versionBefore: null, versionAfter: '2.43.0', action: 'installed' },
    { name: '7zip', versionBefore: null, versionAfter: '23.1.0', action: 'installed' },
  ] } });
});

t.test('a run cut before its own after-query: the installed versions are read by a query of their own', async (t) => {
  const { registry, scripts } = fakeRegistry((script) => (kindOf(script) === 'installed'
    ? { out: ['MARK:after wget\t1.21.1-7.el9\tx86_64', 'MARK:queried after'], exit: 0 }
    : { out: ['Installed:', '  wget-1.21.1-7.el9.x86_64', 'MARK:exit 0'], exit: 0, outcome: { status: 'canceled', exitCode: null } }));
  const provider = new PackageProvider(registry, {} as InventoryService, PACKAGE_MANAGERS, { queryTimeoutMs: 1000 });
  const { ctx } = context([node('rhel1')]);
  const { results } = await changeOf(provider)(ctx, 'dnf', undefined, { kind: 'install', packages: [{ name: 'wget' }], refresh: false, dryRun: false });
  t.equal(scripts.filter((x) => kindOf(x) === 'installed').length, 1, 'one query of installed versions');
  t.match(results[0], { status: 'canceled', changed: true, value: { changes: [{ name: 'wget', versionBefore: null, versionAfter: '1.21.1-7.el9', action: 'installed' }] } });

  // The query fails too (the node went away): nothing is read as removed, the package's state is unknown.
  const gone = fakeRegistry((script) => (kindOf(script) === 'installed'
    ? { out: [], exit: 255, outcome: unreachable }
    : { out: ['MARK:before wget\t1.21.1-6.el9\tx86_64', 'Upgrading: wget', 'MARK:exit 0'], exit: 0, outcome: unreachable }));
  const cut = await changeOf(new PackageProvider(gone.registry, {} as InventoryService, PACKAGE_MANAGERS, { queryTimeoutMs: 1000 }))(context([node('rhel1')]).ctx, 'dnf', undefined,
    { kind: 'uninstall', names: ['wget'], purge: false, dryRun: false });
  const [change] = (cut.results[0].value as { changes: { action: string; message?: string }[] }).changes;
  t.not(change.action, 'removed');
  t.match(change.message, /could not be read/);
});

t.test('a run cut during its manager\'s command is never a success, even after a refresh that exited 0', async (t) => {
  const { registry } = fakeRegistry((script) => (kindOf(script) === 'installed'
    ? { out: ['MARK:queried after'], exit: 0 }
    : { out: ['MARK:exit 0', 'Downloading Packages:'], exit: 0, outcome: { status: 'timed_out', exitCode: null } }));
  const provider = new PackageProvider(registry, {} as InventoryService, PACKAGE_MANAGERS, { queryTimeoutMs: 1000 });
  const { results } = await changeOf(provider)(context([node('rhel1')]).ctx, 'dnf', undefined, { kind: 'install', packages: [{ name: 'wget' }], refresh: true, dryRun: false });
  t.match(results[0], { status: 'timed_out', value: { changes: [{ name: 'wget', action: 'failed' }] } });
});
