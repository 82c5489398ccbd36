/**
 * The Bolt plugin, reference implementation of the capability contracts: inventory, facts, command /
 * script / task / plan runs and task listing, all through the bolt CLI with `--format json`. Results reach
 * the stream the moment Bolt prints each one; Bolt's stderr log streams as pieces (`partial` kept) of target `bolt`.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Static } from '@sinclair/typebox';
import type { Logger } from 'pino';
import {
  commandExecute, puppetAgentCommand, puppetRun, planExecute,
  scriptExecute, taskExecute, taskList, type Facts, cachedFactsCapabilities, snapshotInventoryCapabilities,
} from '../../../src/capabilities/index.js';
import { abortStatus } from '../../../src/core/abort.js';
import { CapstanError, Errors } from '../../../src/core/errors.js';
import { DEFAULT_DRAIN_MS } from '../../../src/core/process-runner.js';
import { currentTracker } from '../../../src/core/process-tracking.js';
import { shQuote } from '../../../src/core/sh-quote.js';
import { splitNotice, withWatchdog } from '../../../src/core/target-watchdog.js';
import type { Breaker, Cache, PluginHelpers } from '../../../src/core/helpers-api.js';
import {
  BasePlugin, implement, type ExecutionContext, type ExecutionEmit, type HealthStatus, type PluginCapability, type TargetOutcome,
} from '../../../src/core/types.js';
import { documentTooLarge, runArgs, runBolt, type BoltRun } from './cli.js';
import type { BoltConfig } from './config.js';
import { boltError, targetError } from './errors.js';
import { normalizeFacts } from './facts.js';
import { parseInventoryShow, type BoltInventory } from './inventory.js';
import { parseBoltStdout, type BoltDocument, type BoltResult } from './json-stream.js';
import { itemLines, itemOutcome } from './outcome.js';

export const PLUGIN_ID = 'bolt';
type FactsT = Static<typeof Facts>;

/**
 * Bolt splits --targets on commas and whitespace (a name holding one would address other targets), reads
 * `@file` as a list of targets from that file and `-` from stdin, and takes a leading `-` as an option.
 */
const SAFE_TARGET = /^[^-@,\s][^,\s]*$/;

/** Bolt's console log layout ends every line with an SGR reset (`%m\e[0m`): not part of the message. */
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const logLine = (line: string) => line.replace(ANSI, '');

/** Bolt's stderr log as output of target `bolt`: each piece with its `partial` flag, so the text is exact. */
const stderrPiece = (text: string, partial: boolean): ExecutionEmit => ({ type: 'stderr', target: 'bolt', line: logLine(text), ...(partial ? { partial: true } : {}) });

/** Stderr pieces and runner notices of a run, as events of target `bolt`. */
function runOutput(ctx: ExecutionContext): Pick<BoltRun, 'onStderr' | 'onNotice'> {
  return {
    onStderr: (text, partial) => ctx.emit(stderrPiece(text, partial)),
    onNotice: (message) => ctx.emit({ type: 'notice', target: 'bolt', message }),
  };
}

export class BoltPlugin extends BasePlugin {
  readonly metadata = {
    name: PLUGIN_ID, version: '0.1.0', description: 'Puppet Bolt: inventory, facts, commands, scripts, tasks and plans.',
    integrationTypes: ['inventory' as const, 'facts' as const, 'remote_execution' as const],
  };
  private readonly inventory: Cache<BoltInventory & { version: string }>;
  private readonly facts: Cache<FactsT>;
  private readonly breaker: Breaker;
  /** Snapshot versions: a per-instance random part (a restarted plugin never repeats one) and a load counter. */
  private readonly instance = randomBytes(6).toString('base64url');
  private loads = 0;

  constructor(private readonly cfg: BoltConfig, private readonly logger: Logger, private readonly helpers: PluginHelpers) {
    super();
    this.inventory = helpers.createInventoryCache({ ttlMs: cfg.inventoryTtlSeconds * 1000, staleMs: cfg.inventoryStaleSeconds * 1000 });
    this.facts = helpers.createFactsCache({ ttlMs: cfg.factsTtlSeconds * 1000 });
    this.breaker = helpers.createCircuitBreaker('bolt', { failureThreshold: 5, resetMs: 30_000 });
  }

  async healthCheck(): Promise<HealthStatus> {
    // Checked first: the project is bolt's working directory, and a missing one fails the spawn with the
    // same ENOENT as a missing executable.
    if (this.cfg.projectDir && !(await stat(this.cfg.projectDir).then((s) => s.isDirectory(), () => false))) {
      return { status: 'unhealthy', message: `bolt project directory '${this.cfg.projectDir}' does not exist or is not a directory` };
    }
    try {
      const r = await runBolt(this.cfg, ['--version'], { signal: AbortSignal.timeout(5000) });
      const version = r.stdout.trim().split('\n')[0];
      if (r.exitCode !== 0) return { status: 'unhealthy', message: `bolt --version exited ${r.exitCode}: ${r.stderr.slice(-1)[0] ?? ''}` };
      if (!this.cfg.projectDir && !this.cfg.inventoryFile) return { status: 'degraded', message: `bolt ${version}; no projectDir or inventoryFile configured: using Bolt's global configuration`, details: { version } };
      return { status: 'healthy', message: `bolt ${version}`, details: { version, circuit: this.breaker.state } };
    } catch (err) {
      if (err instanceof Errors.ToolMissing) return { status: 'unhealthy', message: `bolt not installed: '${this.cfg.binary}' was not found on PATH` };
      return { status: 'unhealthy', message: (err as Error).message };
    }
  }

  capabilities(): PluginCapability<any, any>[] {
    return [
      // Each `bolt inventory show` the cache keeps is one snapshot version; ifNoneMatch naming it: "not modified".
      ...snapshotInventoryCapabilities((ctx) => this.loadInventory(ctx)),
      ...cachedFactsCapabilities(this.facts, (node, ctx) => this.gatherFacts(node, ctx)),
      implement(commandExecute, async (p, ctx) => {
        // Bolt's `command run` has no working directory option: the command runs after a `cd`, through
        // `eval` so that the whole command line (`a; b`, `a || b`) runs there or not at all.
        const cmd = p.cwd ? `cd ${shQuote(p.cwd)} && eval ${shQuote(p.command)}` : p.command;
        const guard = targetGuard(ctx);
        return this.run(ctx, ['command', 'run', ...envArgs(p.env)], p.runAs, [guard ? guard.wrap(cmd) : cmd], guard?.noticePrefix);
      }),
      implement(scriptExecute, async (p, ctx) => {
        const dir = await mkdtemp(join(tmpdir(), 'capstan-bolt-'));
        // Bolt picks the interpreter by the file's extension on Windows targets (.ps1 in PowerShell, .rb, .pp;
        // others through cmd, when allowed by `winrm.extensions`), by its shebang on POSIX targets (the
        // project's `interpreters` apply to scripts only with `future.script_interpreter`): lib/bolt/shell/
        // powershell.rb and bash.rb, run_script. The shebang is a comment in PowerShell, so a .ps1 keeps it.
        const file = join(dir, `script${p.extension ?? ''}`);
        const body = p.interpreter && !p.script.startsWith('#!') ? `#!/usr/bin/env ${p.interpreter}\n${p.script}` : p.script;
        try {
          await writeFile(file, body, { mode: 0o700 });
          await chmod(file, 0o700);
          return await this.run(ctx, ['script', 'run', file, ...envArgs(p.env)], p.runAs, p.arguments ?? []);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }),
      implement(puppetRun, async (p, ctx) => {
        const cmd = puppetAgentCommand(p);
        const guard = targetGuard(ctx);
        return this.run(ctx, ['command', 'run'], p.runAs, [guard ? guard.wrap(cmd) : cmd], guard?.noticePrefix);
      }),
      implement(taskExecute, async (p, ctx) => this.run(ctx, ['task', 'run', p.task, '--params', JSON.stringify(p.parameters ?? {})], p.runAs)),
      implement(planExecute, async (p, ctx) => this.runPlan(p.plan, p.parameters ?? {}, ctx)),
      implement(taskList, async (_p, ctx) => {
        const r = await this.query(['task', 'show'], ctx);
        const tasks = (r as { tasks?: [string, string | null][] } | null)?.tasks;
        if (!Array.isArray(tasks)) throw new Errors.Upstream('bolt task show did not return a `tasks` list.');
        return { tasks: tasks.map(([name, description]) => ({ name, description: description ?? null })) };
      }),
    ];
  }

  /** The cached inventory (TTL, stale-while-revalidate); every load of it is a new snapshot version. */
  private loadInventory(ctx: ExecutionContext): Promise<BoltInventory & { version: string }> {
    return this.inventory.get('all', async () => ({
      ...parseInventoryShow(await this.query(['inventory', 'show', '--detail', '--targets', 'all'], ctx), PLUGIN_ID),
      version: `${this.instance}.${++this.loads}`,
    }));
  }

  /**
   * A read-only bolt call whose stdout is one JSON document; guarded by the circuit breaker. Results of a
   * streamed run document (the facts task) are collected into `items` as they arrive.
   */
  private async query(args: string[], ctx: ExecutionContext, items?: BoltResult[]): Promise<unknown> {
    const what = `bolt ${args.slice(0, 2).join(' ')}`;
    const { r, parsed } = await this.breaker.call(async () => {
      const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(this.cfg.queryTimeoutSeconds * 1000)]);
      const r = await runBolt(this.cfg, args, {
        signal, onItem: (i) => items?.push(i),
        onStderr: (text, partial) => ctx.logger.debug({ bolt: logLine(text), ...(partial ? { partial } : {}) }, 'bolt stderr'),
        onNotice: (message) => ctx.logger.warn({ notice: message }, 'bolt query notice'),
      });
      if (r.aborted) throw new Errors.CapabilityTimeout(`${what} did not finish in ${this.cfg.queryTimeoutSeconds} s`);
      // Bolt answered; a document past our own bound is a configuration matter, not Bolt failing: thrown
      // below, outside the breaker, so it never hides behind an open circuit.
      if (r.oversized.length) return { r, parsed: undefined };
      const parsed = parseBoltStdout(r.stdout);
      if (parsed.kind === 'fatal') throw boltError(parsed.error);
      if (parsed.kind === 'unparseable') throw new Errors.Upstream(`${what} exited ${r.exitCode} without JSON: ${r.stderr.slice(-3).map(logLine).join(' | ') || parsed.text.slice(0, 200) || '(nothing on stdout)'}`);
      return { r, parsed };
    });
    if (!parsed) throw documentTooLarge(this.cfg, r.oversized, `${what} output`);
    if (parsed.kind === 'document') return parsed.doc;
    return parsed.kind === 'value' ? parsed.value : undefined;
  }

  private async gatherFacts(node: string, ctx: ExecutionContext): Promise<FactsT> {
    checkTargets([node]);
    const streamed: BoltResult[] = [];
    const doc = (await this.query(['task', 'run', 'facts', ...runArgs(this.cfg, [node])], ctx, streamed) ?? {}) as BoltDocument;
    const items = [...streamed, ...(doc.items ?? [])];
    // An alias answers under the target's own name (one item); a group or glob expands to several targets,
    // whose facts must not be filed under this one name.
    const item = items.find((i) => i.target === node) ?? (items.length === 1 ? items[0] : undefined);
    if (!item) {
      if (items.length > 1) throw new Errors.TargetInvalid(`'${node}' names ${items.length} targets in Bolt's inventory; facts are gathered per node.`, { extra: { targets: [node] } });
      throw doc._error ? boltError(doc._error) : new Errors.NodeNotFound(`bolt returned no facts for '${node}'.`);
    }
    if (item.status !== 'success') {
      throw item.value?._error ? targetError(item.value._error) : new Errors.ExecutionFailed(`bolt facts task failed on ${node}`);
    }
    const raw = item.value as unknown;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Errors.Upstream(`bolt's facts task returned no facts object for '${node}'.`);
    return normalizeFacts(node, item.value, PLUGIN_ID) as FactsT;
  }

  /** Runs a bolt action on the context's targets, emitting each result as Bolt prints it. */
  private async run(ctx: ExecutionContext, action: string[], runAs?: string, positional?: string[], noticePrefix?: string): Promise<{ results: TargetOutcome[] }> {
    const targets = (ctx.targets ?? []).map((t) => t.name);
    checkTargets(targets);
    const asked = new Set(targets);
    const seen = new Map<string, TargetOutcome>();
    const report = (item: BoltResult) => {
      if (seen.has(item.target)) return;
      // Only the targets of this execution belong to it, whatever bolt ran.
      if (!asked.has(item.target)) {
        ctx.logger.warn({ target: item.target }, 'bolt reported a result for a target that was not asked for; ignored');
        return;
      }
      const { stdout, stderr } = itemLines(item);
      for (const piece of stdout) ctx.emit({ type: 'stdout', target: item.target, ...piece });
      for (const piece of stderr) {
        // The target-side watchdog's own lines are notices, not the command's stderr.
        const notice = noticePrefix && !piece.partial ? splitNotice(piece.line, noticePrefix) : undefined;
        if (!notice) ctx.emit({ type: 'stderr', target: item.target, ...piece });
        else {
          if (notice.before) ctx.emit({ type: 'stderr', target: item.target, line: notice.before, partial: true });
          ctx.emit({ type: 'notice', target: item.target, message: notice.message });
        }
      }
      const o = itemOutcome(item);
      seen.set(item.target, o);
      ctx.emit({ type: 'target_result', ...o });
    };
    const r = await runBolt(this.cfg, [...action, ...runArgs(this.cfg, targets, runAs)], { signal: ctx.signal, positional, onItem: report, ...runOutput(ctx) });
    const parsed = parseBoltStdout(r.stdout);
    if (parsed.kind === 'document') for (const item of parsed.doc.items ?? []) report(item);
    let missing: CapstanError | undefined;
    if (r.aborted) missing = undefined;
    else if (parsed.kind === 'fatal') missing = boltError(parsed.error);
    else if (parsed.kind === 'document' && parsed.doc._error) missing = boltError(parsed.doc._error);
    else if (parsed.kind !== 'document') missing = new Errors.Upstream(`bolt exited ${r.exitCode} without a result document: ${r.stderr.slice(-3).map(logLine).join(' | ') || r.stdout.trim().slice(0, 500)}`);
    if (r.oversized.length) {
      // The dropped lines were results (the only lines of a run this large): targets without a result get
      // the loud error, with whatever else Bolt said.
      const tooLarge = documentTooLarge(this.cfg, r.oversized, "a target's result");
      ctx.emit({ type: 'notice', target: 'bolt', message: tooLarge.message });
      if (!r.aborted) missing = missing ? documentTooLarge(this.cfg, r.oversized, `a target's result; bolt also reported: ${missing.message}`) : tooLarge;
    }
    for (const t of targets) {
      if (seen.has(t)) continue;
      const o: TargetOutcome = r.aborted
        ? { target: t, status: abortStatus(ctx.signal), exitCode: null }
        : { target: t, status: 'failed', exitCode: null, error: summary(missing ?? new Errors.Upstream('bolt printed no result for this target')) };
      seen.set(t, o);
      ctx.emit({ type: 'target_result', ...o });
    }
    return { results: targets.map((t) => seen.get(t)!) };
  }

  /** Plans get the targets as their `targets` parameter; the plan's result is kept as each target's value. */
  private async runPlan(plan: string, parameters: Record<string, unknown>, ctx: ExecutionContext): Promise<{ results: TargetOutcome[] }> {
    const targets = (ctx.targets ?? []).map((t) => t.name);
    checkTargets(targets);
    // The resolved targets win: a `targets` parameter must not point the plan somewhere else.
    const params = { ...parameters, targets: targets.join(',') };
    const r = await runBolt(this.cfg, ['plan', 'run', plan, '--params', JSON.stringify(params)], { signal: ctx.signal, ...runOutput(ctx) });
    for (const line of r.stdout.split('\n')) if (line) ctx.emit({ type: 'stdout', target: 'bolt', line });
    const parsed = parseBoltStdout(r.stdout);
    const tooLarge = r.oversized.length ? documentTooLarge(this.cfg, r.oversized, `the result of plan ${plan}`) : undefined;
    if (tooLarge) ctx.emit({ type: 'notice', target: 'bolt', message: tooLarge.message });
    const perTarget = new Map<string, TargetOutcome>();
    if (parsed.kind === 'value' && Array.isArray(parsed.value)) {
      for (const item of parsed.value as BoltResult[]) if (item && typeof item.target === 'string') perTarget.set(item.target, itemOutcome(item, true));
    }
    // A failed step (`bolt/run-failure`, exit 2) carries its result set: targets that failed in it report
    // their own error and exit code; every other target fails with the plan's error.
    const failedStep = parsed.kind === 'fatal' && r.exitCode !== 0 ? (parsed.error.details as { result_set?: unknown } | undefined)?.result_set : undefined;
    if (Array.isArray(failedStep)) {
      for (const item of failedStep as BoltResult[]) {
        if (item && typeof item.target === 'string' && item.status === 'failure') perTarget.set(item.target, itemOutcome(item, true));
      }
    }
    // Bolt exits 0 exactly when the plan succeeded, and then stdout is the plan's result, whatever its shape
    // (`null` when it returned nothing). No result at all, or one dropped for its size, is never a success.
    let failure: CapstanError | undefined;
    if (r.aborted) failure = undefined;
    else if (tooLarge) failure = tooLarge;
    else if (r.exitCode !== 0) {
      failure = parsed.kind === 'fatal' ? boltError(parsed.error)
        : parsed.kind === 'document' && parsed.doc._error ? boltError(parsed.doc._error)
        : new Errors.ExecutionFailed(`plan ${plan} exited ${r.exitCode}${parsed.kind === 'unparseable' && parsed.text ? `: ${parsed.text.slice(0, 500)}` : ''}`);
    } else if (parsed.kind === 'unparseable') {
      failure = new Errors.Upstream(`plan ${plan} exited 0 without a JSON result: ${parsed.text.slice(0, 500) || r.stderr.slice(-3).map(logLine).join(' | ') || '(nothing on stdout)'}`);
    }
    const value = parsed.kind === 'value' ? parsed.value : parsed.kind === 'document' ? parsed.doc : parsed.kind === 'fatal' ? parsed.error : undefined;
    const results = targets.map((t): TargetOutcome => perTarget.get(t)
      ?? (r.aborted ? { target: t, status: abortStatus(ctx.signal), exitCode: null }
        : failure ? { target: t, status: 'failed', exitCode: null, error: summary(failure) }
        : { target: t, status: 'succeeded', exitCode: 0, value }));
    for (const o of results) ctx.emit({ type: 'target_result', ...o });
    return { results };
  }
}


function checkTargets(targets: string[]): void {
  const bad = targets.filter((t) => !SAFE_TARGET.test(t));
  if (bad.length) throw new Errors.TargetInvalid(`Bolt cannot address these target names: ${bad.join(' ')}`, { extra: { targets: bad } });
}

function summary(e: CapstanError) {
  return { category: e.category, code: e.code, title: e.title, detail: e.message };
}

/** `--env-var NAME=value` per variable: Bolt sets them for the command or script on the target. */
function envArgs(env: Record<string, string> | undefined): string[] {
  return Object.entries(env ?? {}).flatMap(([k, v]) => ['--env-var', `${k}=${v}`]);
}

/**
 * Bolt transports whose commands reach a POSIX shell as one command string, with a parent that ends with the
 * session: ssh and local. winrm runs PowerShell; docker, podman, lxd and jail split the command into argv
 * themselves (no shell) and run it with no living parent in the container.
 */
const WATCHED_TRANSPORTS = new Set(['ssh', 'local']);

/**
 * The run rules on Bolt's targets: Bolt stops reading a command's output when it exits and leaves whatever
 * still holds it running, and a canceled Bolt leaves remote processes behind. A command for POSIX targets is
 * therefore wrapped in the target-side watchdog (src/core/target-watchdog.ts): drain, then end output
 * holders with a notice; end the whole run, escapes included, when Bolt goes. Undefined (no wrapping) when
 * a target's transport is not ssh or local.
 */
function targetGuard(ctx: ExecutionContext): { wrap: (cmd: string) => string; noticePrefix: string } | undefined {
  if (!(ctx.targets ?? []).every((t) => WATCHED_TRANSPORTS.has(t.transport ?? 'ssh'))) return undefined;
  const nonce = randomBytes(9).toString('base64url');
  const tracker = currentTracker();
  const noticePrefix = `capstan-notice:${nonce}`;
  return {
    noticePrefix,
    wrap: (cmd) => withWatchdog(cmd, {
      graceSeconds: Math.max(1, Math.ceil((tracker?.graceMs ?? 5000) / 1000)), drainSeconds: (tracker?.drainMs ?? DEFAULT_DRAIN_MS) / 1000,
      cookie: `${ctx.executionId ?? 'query'}.${nonce}`, noticePrefix,
    }),
  };
}
