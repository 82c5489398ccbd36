/**
 * One package change (install, uninstall, update) on the targets of one manager, as the run's execution:
 * the script streams, a target whose package database another process holds is run again (1 s doubling to
 * 10 s, within the run's timeout), and each target's outcome carries a PackageRunResult built from the
 * installed versions before the FIRST attempt (a retry after a partial success must not read what the
 * first attempt installed as `current`) and after the last one. When the run ended before it could read the
 * installed versions again (cancel, timeout, a dropped connection), they are read by a query of their own;
 * if that fails too, the manager is told they are unknown and never reads a package as removed for it.
 */
import { randomBytes } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import type { PackageRunResult } from '../capabilities/package.js';
import type { Installed, PackageManager, PackageOp } from '../capabilities/package-managers/types.js';
import { SYSTEM_PRINCIPAL } from '../core/permissions.js';
import type { CapabilityRegistry } from '../core/registry.js';
import type { ExecutionContext, TargetNode, TargetOutcome } from '../core/types.js';
import { runScript, type ScriptRun } from './delegate.js';
import { installedScript, scriptFor } from './scripts.js';
import { runExitCode, settleOutcome } from './settle.js';

export type ChangeOp = Extract<PackageOp, { kind: 'install' | 'uninstall' | 'update' }>;

export interface ChangeRunOptions {
  /** Time the query of installed versions gets when the run could not read them itself (ms). */
  queryTimeoutMs: number;
  /** First wait after a held lock (ms), doubled up to maxLockWaitMs. */
  lockRetryMs: number;
  maxLockWaitMs: number;
  runAs?: string;
}

const CHANGED = new Set(['installed', 'upgraded', 'downgraded', 'removed']);

/** A fresh marker for one script (`capstan-pkg-<nonce>`, letters, digits and `-`). */
export function marker(): string {
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

const tagged = (run: ScriptRun, tag: string) => run.marked.filter(([t]) => t === tag).map(([, text]) => text);

/** What the first attempt that got as far as its query of installed versions read (per target). */
type Before = Map<string, Installed[]>;

/**
 * Runs `op` with `manager` on `targets` (the run's context: stream, cancel, timeout); one outcome per target.
 * Never throws for a target's failure: it is that target's outcome.
 */
export async function runChange(registry: CapabilityRegistry, ctx: ExecutionContext, manager: PackageManager, targets: TargetNode[], op: ChangeOp, options: ChangeRunOptions): Promise<TargetOutcome[]> {
  const lockWaits = new Map<string, string[]>(targets.map((t) => [t.name, []]));
  const before: Before = new Map();
  const done: TargetOutcome[] = [];
  let pending = targets;
  let wait = options.lockRetryMs;
  while (pending.length) {
    const mark = marker();
    const runs = await runScript(registry, ctx, pending, { ...scriptFor(manager, op, mark), marker: mark, ...(options.runAs ? { runAs: options.runAs } : {}), stream: true }, 2_147_483_647);
    const again: TargetNode[] = [];
    for (const t of pending) {
      const run = runs.get(t.name)!;
      if (!before.has(t.name) && tagged(run, 'queried').includes('before')) before.set(t.name, manager.parseInstalled(tagged(run, 'before')));
      const held = !ctx.signal.aborted && run.outcome.status === 'failed' && run.outcome.exitCode !== null ? manager.lockHeld(run.output, run.outcome.exitCode) : undefined;
      if (held) {
        lockWaits.get(t.name)!.push(held);
        ctx.emit({ type: 'notice', target: t.name, message: `package database locked: ${held}; trying again in ${Math.round(wait / 1000)} s` });
        again.push(t);
      } else done.push(await outcome(registry, ctx, manager, op, t, run, before.get(t.name), lockWaits.get(t.name)!, options));
    }
    pending = again;
    if (!pending.length) break;
    await sleep(wait, ctx.signal);
    wait = Math.min(wait * 2, options.maxLockWaitMs);
    if (ctx.signal.aborted) {
      // Cancel or timeout while waiting: the held lock is what the run ended on (an earlier attempt may
      // still have changed something before it met the lock: that is read and reported).
      for (const t of pending) {
        const waits = lockWaits.get(t.name)!;
        const was = before.get(t.name);
        const changes = was ? manager.parseChanges(op, [], 1, was, await readInstalled(registry, ctx, manager, op, t, options.queryTimeoutMs)) : [];
        done.push({ target: t.name, status: ctx.signal.reason === 'timeout' ? 'timed_out' : 'canceled', exitCode: null,
          value: { manager: manager.name, dryRun: op.dryRun, changes: was ? changes.filter((c) => CHANGED.has(c.action)) : [], lockWaits: waits } satisfies Static<typeof PackageRunResult>,
          ...(was && !op.dryRun && changes.some((c) => CHANGED.has(c.action)) ? { changed: true } : {}),
          error: { category: 'unavailable', code: 'CAPSTAN_ERR_UPSTREAM_ERROR', title: 'Package database locked', detail: `still locked when the run ended: ${waits[waits.length - 1]}` } });
      }
      break;
    }
  }
  return done;
}

/**
 * The installed versions of the packages `op` names on `target`, read by a query of their own (outside the
 * run's signal: after a cancel too); undefined when that query fails or is cut.
 */
async function readInstalled(registry: CapabilityRegistry, ctx: ExecutionContext, manager: PackageManager, op: ChangeOp, target: TargetNode, timeoutMs: number): Promise<Installed[] | undefined> {
  if (op.dryRun) return undefined;
  // After a cancel or timeout the registry waits about 10 s for the handler to report: stay within it.
  if (ctx.signal.aborted) timeoutMs = Math.min(timeoutMs, 8000);
  const mark = marker();
  const own: ExecutionContext = { ...ctx, principal: SYSTEM_PRINCIPAL, emit: () => {}, signal: AbortSignal.timeout(timeoutMs) };
  const runs = await runScript(registry, own, [target], { ...installedScript(manager, op, mark), marker: mark, stream: false }, timeoutMs);
  const run = runs.get(target.name)!;
  return tagged(run, 'queried').includes('after') ? manager.parseInstalled(tagged(run, 'after')) : undefined;
}

async function outcome(registry: CapabilityRegistry, ctx: ExecutionContext, manager: PackageManager, op: ChangeOp, t: TargetNode, run: ScriptRun,
  before: Installed[] | undefined, lockWaits: string[], options: ChangeRunOptions): Promise<TargetOutcome> {
  const exits = tagged(run, 'exit').map(Number);
  const exitCode = runExitCode(manager, exits, run.outcome.exitCode, manager.commands(op).length);
  const empty = { manager: manager.name, dryRun: op.dryRun, changes: [], lockWaits } satisfies Static<typeof PackageRunResult>;
  // Nothing ran (no connection, a cancel before the script got past its first query): the transport's
  // own outcome stands. (A script that succeeded always got past it.)
  if (!before && run.outcome.status !== 'succeeded') return { ...run.outcome, value: empty };
  const after = op.dryRun ? [] : tagged(run, 'queried').includes('after')
    ? manager.parseInstalled(tagged(run, 'after'))
    : await readInstalled(registry, ctx, manager, op, t, options.queryTimeoutMs);
  const changes = manager.parseChanges(op, run.output, exitCode, before ?? [], after);
  const value: Static<typeof PackageRunResult> = { manager: manager.name, dryRun: op.dryRun, changes, lockWaits };
  return { ...settleOutcome(manager, op, run.outcome, run.output, exitCode), value, changed: !op.dryRun && changes.some((c) => CHANGED.has(c.action)) };
}
