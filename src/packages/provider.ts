/**
 * The package provider (source `packages`): package.install / uninstall / update as executions and
 * package.list / search as queries, on any node an execution provider can run scripts on (ssh, bolt,
 * ansible), not a transport of its own. Per node it picks the manager (manager-choice.ts), writes the
 * operation's script (src/capabilities/package-managers), runs it through script.execute (delegate.ts:
 * queue, stream, cancel, process tracking and journal stay the ExecutionService's), retries while another
 * package process holds the lock (within the run's timeout), and answers each target's result with a
 * PackageRunResult value: versions before and after, action, the manager's message.
 */
import { randomBytes } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import { packageInstall, packageList, packageSearch, packageUninstall, packageUpdate, type PackageRunResult } from '../capabilities/package.js';
import type { ManagerName, PackageManager, PackageOp } from '../capabilities/package-managers/types.js';
import { Errors, fieldError, toCapstanError } from '../core/errors.js';
import { SYSTEM_PRINCIPAL } from '../core/permissions.js';
import type { CapabilityRegistry } from '../core/registry.js';
import { implement, type ExecutionContext, type TargetNode, type TargetOutcome } from '../core/types.js';
import type { InventoryService } from '../inventory/aggregate.js';
import { runScript, type ScriptRun } from './delegate.js';
import { managerFromFacts, probeScript } from './manager-choice.js';
import { scriptFor } from './scripts.js';
import { runExitCode, settleOutcome } from './settle.js';

/** The source name of the package provider. */
export const PACKAGE_SOURCE = 'packages';

/** Below the plugins' default (50): a plugin with its own package support wins where it knows the node. */
const PRIORITY = 10;

const CHANGED = new Set(['installed', 'upgraded', 'downgraded', 'removed']);

export interface PackageProviderOptions {
  /** Time a query (list, search, facts, probe) gets (ms). */
  queryTimeoutMs: number;
  /** First wait after a held lock (ms), doubled up to maxLockWaitMs. */
  lockRetryMs?: number;
  maxLockWaitMs?: number;
}

type ChangeOp = Extract<PackageOp, { kind: 'install' | 'uninstall' | 'update' }>;

function marker(): string {
  return `capstan-pkg-${randomBytes(9).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x')}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => { clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
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

  /** The manager of each target: asked for, from facts, else probed on the node. */
  private async managersOf(ctx: ExecutionContext, targets: TargetNode[], asked?: ManagerName): Promise<Map<ManagerName, TargetNode[]>> {
    const out = new Map<ManagerName, TargetNode[]>();
    const add = (m: ManagerName, t: TargetNode) => out.set(m, [...(out.get(m) ?? []), t]);
    if (asked) {
      for (const t of targets) add(asked, t);
      return out;
    }
    const unknown: TargetNode[] = [];
    await Promise.all(targets.map(async (t) => {
      const m = await this.factsManager(ctx, t);
      if (m) add(m, t);
      else unknown.push(t);
    }));
    if (unknown.length) {
      const mark = marker();
      const runs = await runScript(this.registry, this.system(ctx), unknown, { script: probeScript(mark), marker: mark, stream: false }, this.options.queryTimeoutMs);
      for (const t of unknown) {
        const found = runs.get(t.name)?.marked.find(([tag]) => tag === 'manager')?.[1] as ManagerName | 'none' | undefined;
        if (found && found !== 'none' && this.managers[found]) add(found, t);
        else {
          const run = runs.get(t.name);
          const detail = run?.outcome.error?.detail ?? 'none of apt-get, dnf, yum, zypper, apk, choco is installed';
          ctx.emit({ type: 'target_result', target: t.name, status: 'failed', exitCode: run?.outcome.exitCode ?? null,
            error: { category: 'unavailable', code: 'CAPSTAN_ERR_TOOL_NOT_INSTALLED', title: 'No package manager found', detail } });
        }
      }
    }
    return out;
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

  /** One query script on one node (not streamed); a failed run is an Upstream error carrying the output's tail. */
  private async query(ctx: ExecutionContext, node: TargetNode, op: Extract<PackageOp, { kind: 'list' | 'search' }>) {
    const [[name] = []] = [...await this.managersOf(this.system(ctx), [node])];
    if (!name) throw new Errors.ToolMissing(`No package manager found on '${node.name}'.`);
    const manager = this.supported(name);
    const mark = marker();
    const runs = await runScript(this.registry, this.system(ctx), [node], { ...scriptFor(manager, op, mark), marker: mark, stream: false }, this.options.queryTimeoutMs);
    const run = runs.get(node.name)!;
    // grep-like searches exit 1 when nothing matched: only a failure without any output is an error.
    if (run.outcome.status !== 'succeeded' && (run.outcome.exitCode === null || run.output.length === 0 && run.outcome.exitCode !== 1)) {
      const detail = run.outcome.error?.detail ?? run.output.slice(-5).join('\n');
      throw new Errors.Upstream(`${manager.name} on '${node.name}' failed: ${detail}`);
    }
    return { manager, run };
  }

  /** install / uninstall / update on every target of the run. */
  private async change(ctx: ExecutionContext, asked: ManagerName | undefined, runAs: string | undefined, op: ChangeOp): Promise<{ results: TargetOutcome[] }> {
    const byManager = await this.managersOf(ctx, ctx.targets ?? [], asked);
    const results: TargetOutcome[] = [];
    await Promise.all([...byManager].map(async ([name, targets]) => {
      const manager = this.managers[name];
      const refused = manager ? refusal(manager, op) : undefined;
      const found = manager && !refused ? await this.changeWith(ctx, manager, targets, runAs, op) : targets.map((t) => ({
        target: t.name, status: 'failed' as const, exitCode: null,
        error: refused ?? { category: 'not_implemented', code: 'CAPSTAN_ERR_NOT_IMPLEMENTED', title: 'Package manager not supported', detail: `${name} is not supported by the package provider` },
      }));
      for (const r of found) {
        ctx.emit({ type: 'target_result', ...r });
        results.push(r);
      }
    }));
    return { results };
  }

  /** Runs the operation on targets of one manager, again for those whose package database was locked. */
  private async changeWith(ctx: ExecutionContext, manager: PackageManager, targets: TargetNode[], runAs: string | undefined, op: ChangeOp): Promise<TargetOutcome[]> {
    const lockWaits = new Map<string, string[]>(targets.map((t) => [t.name, []]));
    const done: TargetOutcome[] = [];
    let pending = targets;
    let wait = this.options.lockRetryMs ?? 1000;
    while (pending.length) {
      const mark = marker();
      const runs = await runScript(this.registry, ctx, pending, { ...scriptFor(manager, op, mark), marker: mark, runAs, stream: true }, 2_147_483_647);
      const again: TargetNode[] = [];
      for (const t of pending) {
        const run = runs.get(t.name)!;
        const held = !ctx.signal.aborted && run.outcome.status === 'failed' && run.outcome.exitCode !== null ? manager.lockHeld(run.output, run.outcome.exitCode) : undefined;
        if (held) {
          lockWaits.get(t.name)!.push(held);
          ctx.emit({ type: 'notice', target: t.name, message: `package database locked: ${held}; trying again in ${Math.round(wait / 1000)} s` });
          again.push(t);
        } else done.push(this.outcome(manager, op, run, lockWaits.get(t.name)!));
      }
      pending = again;
      if (pending.length) {
        await sleep(wait, ctx.signal);
        wait = Math.min(wait * 2, this.options.maxLockWaitMs ?? 10_000);
        if (ctx.signal.aborted) {
          // Cancel or timeout while waiting: the held lock is what the run ended on.
          for (const t of pending) {
            const waits = lockWaits.get(t.name)!;
            done.push({ target: t.name, status: ctx.signal.reason === 'timeout' ? 'timed_out' : 'canceled', exitCode: null,
              value: { manager: manager.name, dryRun: op.dryRun, changes: [], lockWaits: waits } satisfies Static<typeof PackageRunResult>,
              error: { category: 'unavailable', code: 'CAPSTAN_ERR_UPSTREAM_ERROR', title: 'Package database locked', detail: `still locked when the run ended: ${waits[waits.length - 1]}` } });
          }
          pending = [];
        }
      }
    }
    return done;
  }

  private outcome(manager: PackageManager, op: ChangeOp, run: ScriptRun, lockWaits: string[]): TargetOutcome {
    const tagged = (tag: string) => run.marked.filter(([t]) => t === tag).map(([, text]) => text);
    const exits = tagged('exit').map(Number);
    const exitCode = runExitCode(manager, exits, run.outcome.exitCode);
    // Nothing ran (no connection, a cancel before the script started): the transport's own outcome stands.
    if (!exits.length && run.outcome.status !== 'succeeded') return { ...run.outcome, value: { manager: manager.name, dryRun: op.dryRun, changes: [], lockWaits } };
    const after = op.dryRun || tagged('queried').includes('after') ? manager.parseInstalled(tagged('after')) : undefined;
    const changes = manager.parseChanges(op, run.output, exitCode, manager.parseInstalled(tagged('before')), after);
    const value: Static<typeof PackageRunResult> = { manager: manager.name, dryRun: op.dryRun, changes, lockWaits };
    return { ...settleOutcome(manager, op, run.outcome, run.output, exitCode), value, changed: !op.dryRun && changes.some((c) => CHANGED.has(c.action)) };
  }
}
