/**
 * The package provider (source `packages`): package.install / uninstall / update as executions and
 * package.list / search as queries, on any node an execution provider can run scripts on (ssh, bolt,
 * ansible), not a transport of its own. Per node it picks the manager (manager-choice.ts), writes the
 * operation's script (src/capabilities/package-managers), runs it through script.execute (delegate.ts:
 * queue, stream, cancel, process tracking and journal stay the ExecutionService's), retries while another
 * package process holds the lock (within the run's timeout), and answers each target's result with a
 * PackageRunResult value: versions before and after, action, the manager's message.
 */
import type { Static } from '@sinclair/typebox';
import { packageInstall, packageList, packageSearch, packageUninstall, packageUpdate, type PackageChange } from '../capabilities/package.js';
import type { ManagerName, PackageManager, PackageOp } from '../capabilities/package-managers/types.js';
import { Errors, errorOfCode, fieldError, toCapstanError } from '../core/errors.js';
import { SYSTEM_PRINCIPAL } from '../core/permissions.js';
import type { CapabilityRegistry } from '../core/registry.js';
import { implement, type ExecutionContext, type TargetNode, type TargetOutcome } from '../core/types.js';
import type { InventoryService } from '../inventory/aggregate.js';
import { marker, runChange, type ChangeOp } from './change-run.js';
import { runScript, type ScriptRun } from './delegate.js';
import { managerFromFacts, probeScript } from './manager-choice.js';
import { installedScript, scriptFor } from './scripts.js';

/** The source name of the package provider. */
export const PACKAGE_SOURCE = 'packages';

/** Below the plugins' default (50): a plugin with its own package support wins where it knows the node. */
const PRIORITY = 10;

export interface PackageProviderOptions {
  /** Time a query (list, search, facts, probe) gets (ms). */
  queryTimeoutMs: number;
  /** First wait after a held lock (ms), doubled up to maxLockWaitMs. */
  lockRetryMs?: number;
  maxLockWaitMs?: number;
}

type PackageChangeT = Static<typeof PackageChange>;

/** The managers of a run's targets, and the targets whose manager could not be found (their outcome). */
interface ManagersOf {
  byManager: Map<ManagerName, TargetNode[]>;
  failed: TargetOutcome[];
}

/**
 * Why `manager` cannot run `op` at all (an option it does not have, such as apk's security-only updates):
 * its commands() threw. Checked before anything runs, so that those targets fail with the reason and the
 * targets of other managers still run.
 */
function refusal(manager: PackageManager, op: ChangeOp): TargetOutcome['error'] | undefined {
  try {
    manager.commands(op);
    return undefined;
  } catch (err) {
    const e = toCapstanError(err);
    return { category: e.category, code: e.code, title: e.title, detail: e.message };
  }
}

/** The outcome of a script that did not run to its end as the error it is (a transport's error kept as is). */
function failedRun(target: string, run: ScriptRun | undefined, what: string): TargetOutcome {
  const o = run?.outcome;
  const error = o?.error ?? {
    category: 'execution_failed', code: 'CAPSTAN_ERR_EXECUTION_FAILED', title: 'Execution failed',
    detail: `${what} exited ${o?.exitCode ?? 'without a code'}${run?.output.length ? `: ${run.output.slice(-5).join('\n')}` : ''}`,
  };
  return { target, status: o && o.status !== 'succeeded' ? o.status : 'failed', exitCode: o?.exitCode ?? null, error };
}

/** Whether a requested name (`foo`, `foo:i386`, `foo.i686`) is the installed package `i` (case-folded for Chocolatey). */
function isInstalled(name: string, installed: { name: string; arch?: string }[], fold: boolean): boolean {
  const eq = (a: string, b: string) => (fold ? a.toLowerCase() === b.toLowerCase() : a === b);
  return installed.some((i) => eq(name, i.name) || (i.arch !== undefined && (eq(name, `${i.name}:${i.arch}`) || eq(name, `${i.name}.${i.arch}`))));
}

export class PackageProvider {
  constructor(
    private readonly registry: CapabilityRegistry,
    private readonly inventory: InventoryService,
    private readonly managers: Partial<Record<ManagerName, PackageManager>>,
    private readonly options: PackageProviderOptions,
  ) {}

  register(): void {
    const names = [packageInstall.name, packageUninstall.name, packageUpdate.name, packageList.name, packageSearch.name];
    // Never throws (registry.available would when no plugin provides script.execute at all).
    const up = () => this.registry.providers('script.execute').some((p) => p.plugin !== PACKAGE_SOURCE && p.isAvailable());
    const why = () => (up() ? undefined : 'no execution provider can run scripts (script.execute): enable ssh, bolt or ansible');
    const add = (c: Parameters<CapabilityRegistry['register']>[2]) => this.registry.register(PACKAGE_SOURCE, names, c, up, PRIORITY, why);
    add(implement(packageInstall, (p, ctx) => this.change(ctx, p.manager, p.runAs, { kind: 'install', packages: p.packages, refresh: p.refresh ?? false, dryRun: p.dryRun ?? false })));
    add(implement(packageUninstall, (p, ctx) => this.change(ctx, p.manager, p.runAs, { kind: 'uninstall', names: p.packages, purge: p.purge ?? false, dryRun: p.dryRun ?? false })));
    add(implement(packageUpdate, (p, ctx) => this.change(ctx, p.manager, p.runAs, {
      kind: 'update', ...(p.packages ? { packages: p.packages } : {}), securityOnly: p.securityOnly ?? false, refresh: p.refresh ?? true, dryRun: p.dryRun ?? false,
    })));
    add(implement(packageList, async (p, ctx) => {
      const node = await this.node(p.node, ctx);
      const { manager, run } = await this.query(ctx, node, { kind: 'list', ...(p.name ? { name: p.name } : {}), upgradable: p.status === 'upgradable' });
      const packages = manager.parseList({ kind: 'list', ...(p.name ? { name: p.name } : {}), upgradable: p.status === 'upgradable' }, run.output)
        .filter((x) => !p.status || x.status === p.status)
        .map((x) => ({ ...x, source: PACKAGE_SOURCE }));
      return { node: node.name, packages };
    }));
    add(implement(packageSearch, async (p, ctx) => {
      if (!p.node) {
        throw new Errors.Validation('Searching through remote execution needs the node whose repositories to search (`node`).', { extra: { errors: [fieldError('query', '/node', 'required to search a node\'s repositories')] } });
      }
      const node = await this.node(p.node, ctx);
      const op = { kind: 'search' as const, query: p.query, limit: p.limit ?? 100 };
      const { manager, run } = await this.query(ctx, node, op);
      return { packages: manager.parseSearch(op, run.output).slice(0, op.limit).map((x) => ({ ...x, source: PACKAGE_SOURCE })) };
    }));
  }

  private system(ctx: ExecutionContext): ExecutionContext {
    return { ...ctx, principal: SYSTEM_PRINCIPAL, emit: () => {} };
  }

  private async node(name: string, ctx: ExecutionContext): Promise<TargetNode> {
    return (await this.inventory.node(name, this.system(ctx))).node as TargetNode;
  }

  /**
   * The manager of each target: asked for, from facts, else probed on the node. A target the probe could not
   * run on keeps its transport's outcome (unreachable, refused credentials, timed out); one where no manager
   * is installed fails with CAPSTAN_ERR_TOOL_NOT_INSTALLED.
   */
  private async managersOf(ctx: ExecutionContext, targets: TargetNode[], asked?: ManagerName): Promise<ManagersOf> {
    const byManager = new Map<ManagerName, TargetNode[]>();
    const failed: TargetOutcome[] = [];
    const add = (m: ManagerName, t: TargetNode) => byManager.set(m, [...(byManager.get(m) ?? []), t]);
    if (asked) {
      for (const t of targets) add(asked, t);
      return { byManager, failed };
    }
    const unknown: TargetNode[] = [];
    await Promise.all(targets.map(async (t) => {
      const m = await this.factsManager(ctx, t);
      if (m) add(m, t);
      else unknown.push(t);
    }));
    if (!unknown.length) return { byManager, failed };
    const mark = marker();
    const runs = await runScript(this.registry, this.system(ctx), unknown, { script: probeScript(mark), marker: mark, stream: false }, this.options.queryTimeoutMs);
    for (const t of unknown) {
      const run = runs.get(t.name);
      const found = run?.marked.find(([tag]) => tag === 'manager')?.[1];
      if (found && found !== 'none' && this.managers[found as ManagerName]) add(found as ManagerName, t);
      else if (found === 'none') {
        failed.push({ target: t.name, status: 'failed', exitCode: run?.outcome.exitCode ?? null,
          error: { category: 'unavailable', code: 'CAPSTAN_ERR_TOOL_NOT_INSTALLED', title: 'No package manager found', detail: 'none of apt-get, dnf, yum, zypper, apk, choco is installed' } });
      } else if (found) {
        failed.push({ target: t.name, status: 'failed', exitCode: null,
          error: { category: 'not_implemented', code: 'CAPSTAN_ERR_NOT_IMPLEMENTED', title: 'Package manager not supported', detail: `${found} is not supported by the package provider` } });
      } else failed.push(failedRun(t.name, run, 'the probe for a package manager'));
    }
    return { byManager, failed };
  }

  private supported(name: ManagerName): PackageManager {
    const m = this.managers[name];
    if (!m) throw new Errors.NotImplemented(`The package provider does not support ${name}.`);
    return m;
  }

  private async factsManager(ctx: ExecutionContext, t: TargetNode): Promise<ManagerName | undefined> {
    // providers(), not available(): no info.facts provider at all is a normal case (the probe decides), not a 501.
    const providers = this.registry.providers('info.facts').filter((p) => p.isAvailable());
    const own = providers.find((p) => t.sources.some((s) => s.source === p.plugin));
    if (!own) return undefined;
    try {
      const { value } = await this.registry.invoke('info.facts', { node: t.name }, this.system(ctx), { provider: own.plugin, timeoutMs: this.options.queryTimeoutMs });
      return managerFromFacts(value as Parameters<typeof managerFromFacts>[0]);
    } catch {
      // The probe decides instead.
      return undefined;
    }
  }

  /**
   * One query script on one node (not streamed). The query fails with the transport's own error when the
   * node could not be reached, and with an Upstream error carrying the manager's last lines when a command
   * exited non-zero, unless the manager says that exit only means "nothing matched" (noMatch).
   */
  private async query(ctx: ExecutionContext, node: TargetNode, op: Extract<PackageOp, { kind: 'list' | 'search' }>) {
    const { byManager, failed } = await this.managersOf(this.system(ctx), [node]);
    if (failed.length) throw errorOfCode(failed[0].error!.code, `'${node.name}': ${failed[0].error!.detail}`);
    const manager = this.supported([...byManager.keys()][0]);
    // A query the manager cannot read (a bad glob) is refused before anything runs on the node.
    if (op.kind === 'list') manager.parseList(op, []);
    else manager.parseSearch(op, []);
    const mark = marker();
    const runs = await runScript(this.registry, this.system(ctx), [node], { ...scriptFor(manager, op, mark), marker: mark, stream: false }, this.options.queryTimeoutMs);
    const run = runs.get(node.name)!;
    if (run.outcome.status === 'succeeded') return { manager, run };
    const exits = run.marked.filter(([tag]) => tag === 'exit').map(([, code]) => Number(code));
    const last = exits[exits.length - 1];
    // Only the command the script stopped at may have failed; every one before it exited 0.
    if (last !== undefined && last !== 0 && exits.slice(0, -1).every((c) => c === 0) && manager.noMatch?.(op, last, run.output)) return { manager, run };
    if (last === undefined && run.outcome.error) throw errorOfCode(run.outcome.error.code, `'${node.name}': ${run.outcome.error.detail}`);
    throw new Errors.Upstream(`${manager.name} on '${node.name}' failed (exit ${last ?? run.outcome.exitCode ?? 'unknown'}): ${run.output.slice(-5).join('\n') || run.outcome.error?.detail || 'no output'}`);
  }

  /** install / uninstall / update on every target of the run. */
  private async change(ctx: ExecutionContext, asked: ManagerName | undefined, runAs: string | undefined, op: ChangeOp): Promise<{ results: TargetOutcome[] }> {
    const { byManager, failed } = await this.managersOf(ctx, ctx.targets ?? [], asked);
    const results: TargetOutcome[] = [];
    const report = (r: TargetOutcome) => {
      ctx.emit({ type: 'target_result', ...r });
      results.push(r);
    };
    failed.forEach(report);
    await Promise.all([...byManager].map(async ([name, targets]) => {
      const manager = this.managers[name];
      const refused = manager ? refusal(manager, op) : undefined;
      if (!manager || refused) {
        for (const t of targets) {
          report({ target: t.name, status: 'failed', exitCode: null,
            error: refused ?? { category: 'not_implemented', code: 'CAPSTAN_ERR_NOT_IMPLEMENTED', title: 'Package manager not supported', detail: `${name} is not supported by the package provider` } });
        }
        return;
      }
      const options = { queryTimeoutMs: this.options.queryTimeoutMs, lockRetryMs: this.options.lockRetryMs ?? 1000, maxLockWaitMs: this.options.maxLockWaitMs ?? 10_000, ...(runAs ? { runAs } : {}) };
      if (op.kind === 'update' && op.packages && manager.updateInstallsAbsent) {
        (await this.updateInstalled(ctx, manager, targets, op, options)).forEach(report);
      } else (await runChange(this.registry, ctx, manager, targets, op, options)).forEach(report);
    }));
    return { results };
  }

  /**
   * A named update with a manager whose update would install what is not installed: per target, only the
   * requested packages installed now are updated (targets grouped by that set); the others are `not_found`.
   */
  private async updateInstalled(ctx: ExecutionContext, manager: PackageManager, targets: TargetNode[], op: Extract<ChangeOp, { kind: 'update' }>,
    options: Parameters<typeof runChange>[5]): Promise<TargetOutcome[]> {
    const specs = op.packages ?? [];
    const mark = marker();
    const runs = await runScript(this.registry, ctx, targets, { ...installedScript(manager, op, mark), marker: mark, ...(options.runAs ? { runAs: options.runAs } : {}), stream: false }, this.options.queryTimeoutMs);
    const out: TargetOutcome[] = [];
    const groups = new Map<string, { keep: typeof specs; targets: TargetNode[] }>();
    for (const t of targets) {
      const run = runs.get(t.name)!;
      if (!run.marked.some(([tag, text]) => tag === 'queried' && text === 'after')) {
        out.push(failedRun(t.name, run, 'the query of installed packages'));
        continue;
      }
      const installed = manager.parseInstalled(run.marked.filter(([tag]) => tag === 'after').map(([, text]) => text));
      const keep = specs.filter((s) => isInstalled(s.name, installed, manager.name === 'chocolatey'));
      const key = keep.map((s) => s.name).join('\u0000');
      groups.set(key, { keep, targets: [...(groups.get(key)?.targets ?? []), t] });
    }
    await Promise.all([...groups.values()].map(async ({ keep, targets: group }) => {
      const absent = (name: string): PackageChangeT => ({ name, versionBefore: null, versionAfter: null, action: 'not_found', message: 'not installed: an update only upgrades installed packages' });
      const results = keep.length
        ? await runChange(this.registry, ctx, manager, group, { ...op, packages: keep }, options)
        : group.map((t): TargetOutcome => ({ target: t.name, status: 'succeeded', exitCode: 0, changed: false, value: { manager: manager.name, dryRun: op.dryRun, changes: [], lockWaits: [] } }));
      for (const r of results) {
        const value = r.value as { changes: PackageChangeT[] } | undefined;
        if (!value) {
          out.push(r);
          continue;
        }
        // The request's order again: the packages left out read not_found where they stood.
        const named = specs.map((s) => (keep.includes(s) ? value.changes.find((c) => c.name === s.name) : absent(s.name))).filter((c): c is PackageChangeT => c !== undefined);
        const others = value.changes.filter((c) => !specs.some((s) => s.name === c.name));
        out.push({ ...r, value: { ...value, changes: [...named, ...others] } });
      }
    }));
    return out;
  }
}
