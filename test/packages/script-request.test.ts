/**
 * The script.execute request of the package provider: Chocolatey's PowerShell script goes with
 * `interpreter: 'powershell'` and `extension: '.ps1'` (a Windows target, Bolt and Ansible run a file as
 * PowerShell only by its .ps1 extension); the sh managers' scripts with neither (their shebang decides). The
 * parameters handed to script.execute pass its contract.
 */
import { Value } from '@sinclair/typebox/value';
import t from 'tap';
import { ScriptExecuteParams } from '../../src/capabilities/execution.js';
import { PACKAGE_MANAGERS } from '../../src/capabilities/package-managers/index.js';
import type { PackageOp } from '../../src/capabilities/package-managers/types.js';
import type { CapabilityRegistry } from '../../src/core/registry.js';
import type { ExecutionContext, TargetNode, TargetOutcome } from '../../src/core/types.js';
import type { InventoryService } from '../../src/inventory/aggregate.js';
import { runScript } from '../../src/packages/delegate.js';
import { PackageProvider } from '../../src/packages/provider.js';
import { scriptFor } from '../../src/packages/scripts.js';

const MARK = 'capstan-pkg-test1';
const OPS: PackageOp[] = [
  { kind: 'install', packages: [{ name: 'git', version: '2.43.0' }], refresh: false, dryRun: false },
  { kind: 'uninstall', names: ['git'], purge: false, dryRun: true },
  { kind: 'update', securityOnly: false, refresh: false, dryRun: false },
  { kind: 'list', upgradable: false },
  { kind: 'search', query: 'git', limit: 10 },
];

/** A registry whose one script.execute provider records the params it gets and succeeds on every target. */
function recordingRegistry(): { registry: CapabilityRegistry; params: Record<string, unknown>[] } {
  const params: Record<string, unknown>[] = [];
  const registry = {
    available: (name: string) => (name === 'script.execute' ? [{ plugin: 'ssh' }] : []),
    invoke: async (_name: string, p: Record<string, unknown>, ctx: ExecutionContext) => {
      params.push(p);
      const results: TargetOutcome[] = (ctx.targets ?? []).map((n) => ({ target: n.name, status: 'succeeded', exitCode: 0 }));
      for (const r of results) ctx.emit({ type: 'target_result', ...r });
      return { provider: 'ssh', value: { results } };
    },
  };
  return { registry: registry as unknown as CapabilityRegistry, params };
}

const node = (name: string): TargetNode => ({ name, groups: [], sources: [{ source: 'ssh', id: name }] });

function context(targets: TargetNode[]): ExecutionContext {
  const logger = { info() {}, warn() {}, error() {}, debug() {}, child() { return logger; } };
  return { correlationId: 'x', principal: { id: 'test', roles: ['admin'] }, debug: false, signal: new AbortController().signal, logger, targets, emit: () => {} } as unknown as ExecutionContext;
}

t.test('scriptFor: PowerShell with powershell and .ps1; sh managers with neither', async (t) => {
  for (const [name, m] of Object.entries(PACKAGE_MANAGERS)) {
    for (const op of OPS) {
      let r: ReturnType<typeof scriptFor>;
      try {
        r = scriptFor(m, op, MARK);
      } catch {
        continue; // an operation this manager does not have
      }
      const { script: _s, ...rest } = r;
      t.same(rest, m.shell === 'powershell' ? { interpreter: 'powershell', extension: '.ps1' } : {}, `${name} ${op.kind}`);
    }
  }
  t.equal(PACKAGE_MANAGERS.chocolatey.shell, 'powershell', 'chocolatey is the PowerShell manager');
});

t.test('runScript passes interpreter and extension on to script.execute, within its contract', async (t) => {
  const { registry, params } = recordingRegistry();
  const req = scriptFor(PACKAGE_MANAGERS.chocolatey, OPS[0], MARK);
  await runScript(registry, context([node('win1')]), [node('win1')], { ...req, marker: MARK, runAs: 'Administrator', stream: false }, 1000);
  t.equal(params.length, 1);
  t.match(params[0], { interpreter: 'powershell', extension: '.ps1', runAs: 'Administrator' });
  t.ok(Value.Check(ScriptExecuteParams, params[0]), 'the params pass ScriptExecuteParams');
  await runScript(registry, context([node('deb1')]), [node('deb1')], { ...scriptFor(PACKAGE_MANAGERS.apt, OPS[3], MARK), marker: MARK, stream: false }, 1000);
  t.notOk('extension' in params[1] || 'interpreter' in params[1], 'an sh script: no interpreter, no extension');
  t.ok(Value.Check(ScriptExecuteParams, params[1]));
});

t.test('the provider: a chocolatey install asks script.execute for powershell and .ps1', async (t) => {
  const { registry, params } = recordingRegistry();
  const provider = new PackageProvider(registry, {} as InventoryService, PACKAGE_MANAGERS, { queryTimeoutMs: 1000, lockRetryMs: 1 });
  type Change = (ctx: ExecutionContext, asked: string | undefined, runAs: string | undefined, op: unknown) => Promise<unknown>;
  const change = (provider as unknown as { change: Change }).change.bind(provider);
  await change(context([node('win1')]), 'chocolatey', undefined, OPS[0]).catch(() => undefined);
  t.ok(params.length >= 1, 'script.execute was asked');
  for (const p of params) t.match(p, { interpreter: 'powershell', extension: '.ps1' }, 'every chocolatey script: powershell, .ps1');
});
