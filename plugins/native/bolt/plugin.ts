/**
 * The Bolt plugin, reference implementation of the capability contracts: inventory, facts, command /
 * script / task / plan runs and task listing, all through the bolt CLI with `--format json`. Results reach
 * the stream the moment Bolt prints each one; Bolt's stderr log lines stream as target `bolt`.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Static } from '@sinclair/typebox';
import type { Logger } from 'pino';
import {
  commandExecute, infoFacts, infoRefresh, inventoryFilter, inventoryGet, inventoryGroups, inventoryList, planExecute,
  scriptExecute, taskExecute, taskList, type Facts,
} from '../../../src/capabilities/index.js';
import { abortStatus } from '../../../src/core/abort.js';
import { CapstanError, Errors } from '../../../src/core/errors.js';
import { globToRegExp } from '../../../src/core/glob.js';
import type { Breaker, Cache, PluginHelpers } from '../../../src/core/helpers-api.js';
import { BasePlugin, implement, type ExecutionContext, type HealthStatus, type PluginCapability, type TargetOutcome } from '../../../src/core/types.js';
import { runArgs, runBolt } from './cli.js';
import type { BoltConfig } from './config.js';
import { boltError } from './errors.js';
import { normalizeFacts } from './facts.js';
import { parseInventoryShow, type BoltInventory, type NodeT } from './inventory.js';
import { itemReader, parseBoltStdout, type BoltResult } from './json-stream.js';
import { itemLines, itemOutcome } from './outcome.js';

export const PLUGIN_ID = 'bolt';
type FactsT = Static<typeof Facts>;

/** Bolt splits --targets on commas: a name holding one would address other targets. */
const SAFE_TARGET = /^[^-,\s][^,\s]*$/;

export class BoltPlugin extends BasePlugin {
  readonly metadata = {
    name: PLUGIN_ID, version: '0.1.0', description: 'Puppet Bolt: inventory, facts, commands, scripts, tasks and plans.',
    integrationTypes: ['inventory' as const, 'facts' as const, 'remote_execution' as const],
  };
  private readonly inventory: Cache<BoltInventory>;
  private readonly facts: Cache<FactsT>;
  private readonly breaker: Breaker;

  constructor(private readonly cfg: BoltConfig, private readonly logger: Logger, private readonly helpers: PluginHelpers) {
    super();
    this.inventory = helpers.createInventoryCache({ ttlMs: cfg.inventoryTtlSeconds * 1000, staleMs: cfg.inventoryStaleSeconds * 1000 });
    this.facts = helpers.createFactsCache({ ttlMs: cfg.factsTtlSeconds * 1000 });
    this.breaker = helpers.createCircuitBreaker('bolt', { failureThreshold: 5, resetMs: 30_000 });
  }

  async healthCheck(): Promise<HealthStatus> {
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
    const byName = (inv: BoltInventory, name: string) => inv.nodes.find((n) => n.name === name || (n.alias ?? []).includes(name)) ?? null;
    return [
      implement(inventoryList, async (p, ctx) => ({ nodes: (await this.loadInventory(ctx)).nodes.filter((n) => matches(n, p)) })),
      implement(inventoryGet, async (p, ctx) => ({ node: byName(await this.loadInventory(ctx), p.name) })),
      implement(inventoryGroups, async (_p, ctx) => ({ groups: (await this.loadInventory(ctx)).groups })),
      implement(inventoryFilter, async (p, ctx) => {
        const re = p.name ? globToRegExp(p.name) : undefined;
        return { nodes: (await this.loadInventory(ctx)).nodes.filter((n) => (!re || re.test(n.name)) && matches(n, p)) };
      }),
      implement(infoFacts, async (p, ctx) => this.facts.get(p.node, () => this.gatherFacts(p.node, ctx))),
      implement(infoRefresh, async (p, ctx) => {
        const f = await this.gatherFacts(p.node, ctx);
        this.facts.set(p.node, f);
        return f;
      }),
      implement(commandExecute, async (p, ctx) => {
        if (p.env || p.cwd) {
          // Bolt's `command run` takes neither; fold them into the command line rather than drop them.
          const env = Object.entries(p.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');
          const cmd = `${p.cwd ? `cd ${shellQuote(p.cwd)} && ` : ''}${env ? `env ${env} ` : ''}${p.command}`;
          return this.run(ctx, ['command', 'run', cmd], p.runAs);
        }
        return this.run(ctx, ['command', 'run', p.command], p.runAs);
      }),
      implement(scriptExecute, async (p, ctx) => {
        const dir = await mkdtemp(join(tmpdir(), 'capstan-bolt-'));
        const file = join(dir, 'script');
        const body = p.interpreter && !p.script.startsWith('#!') ? `#!/usr/bin/env ${p.interpreter}\n${p.script}` : p.script;
        try {
          await writeFile(file, body, { mode: 0o700 });
          await chmod(file, 0o700);
          return await this.run(ctx, ['script', 'run', file, ...(p.arguments ?? [])], p.runAs);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }),
      implement(taskExecute, async (p, ctx) => this.run(ctx, ['task', 'run', p.task, '--params', JSON.stringify(p.parameters ?? {})], p.runAs)),
      implement(planExecute, async (p, ctx) => this.runPlan(p.plan, p.parameters ?? {}, ctx)),
      implement(taskList, async (_p, ctx) => {
        const r = await this.query(['task', 'show'], ctx);
        const tasks = (r as { tasks?: [string, string | null][] }).tasks ?? [];
        return { tasks: tasks.map(([name, description]) => ({ name, description: description ?? null })) };
      }),
    ];
  }

  private loadInventory(ctx: ExecutionContext): Promise<BoltInventory> {
    return this.inventory.get('all', async () => parseInventoryShow(await this.query(['inventory', 'show', '--detail', '--targets', 'all'], ctx), PLUGIN_ID));
  }

  /** A read-only bolt call whose whole stdout is one JSON document; guarded by the circuit breaker. */
  private query(args: string[], ctx: ExecutionContext): Promise<unknown> {
    return this.breaker.call(async () => {
      const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(this.cfg.queryTimeoutSeconds * 1000)]);
      const r = await runBolt(this.cfg, args, { signal, onStderr: (l) => ctx.logger.debug({ bolt: l }, 'bolt stderr') });
      if (r.aborted) throw new Errors.CapabilityTimeout(`bolt ${args.slice(0, 2).join(' ')} did not finish in ${this.cfg.queryTimeoutSeconds} s`);
      const parsed = parseBoltStdout(r.stdout);
      if (parsed.kind === 'fatal') throw boltError(parsed.error);
      if (parsed.kind === 'unparseable') throw new Errors.Upstream(`bolt ${args.slice(0, 2).join(' ')} exited ${r.exitCode} without JSON: ${r.stderr.slice(-3).join(' | ') || parsed.text.slice(0, 200)}`);
      if (parsed.kind === 'document') return parsed.doc;
      return parsed.value;
    });
  }

  private async gatherFacts(node: string, ctx: ExecutionContext): Promise<FactsT> {
    checkTargets([node]);
    const doc = await this.query(['task', 'run', 'facts', ...runArgs(this.cfg, [node])], ctx) as { items?: BoltResult[]; _error?: { kind: string; msg: string } };
    const item = doc.items?.find((i) => i.target === node) ?? doc.items?.[0];
    if (!item) throw doc._error ? boltError(doc._error) : new Errors.NodeNotFound(`bolt returned no facts for '${node}'.`);
    if (item.status !== 'success') {
      const o = itemOutcome(item);
      throw o.error ? rebuild(o.error) : new Errors.Upstream(`bolt facts task failed on ${node}`);
    }
    return normalizeFacts(node, item.value, PLUGIN_ID) as FactsT;
  }

  /** Runs a bolt action on the context's targets, emitting each result as Bolt prints it. */
  private async run(ctx: ExecutionContext, action: string[], runAs?: string): Promise<{ results: TargetOutcome[] }> {
    const targets = (ctx.targets ?? []).map((t) => t.name);
    checkTargets(targets);
    const seen = new Map<string, TargetOutcome>();
    const report = (item: BoltResult) => {
      if (seen.has(item.target)) return;
      const { stdout, stderr } = itemLines(item);
      for (const line of stdout) ctx.emit({ type: 'stdout', target: item.target, line });
      for (const line of stderr) ctx.emit({ type: 'stderr', target: item.target, line });
      const o = itemOutcome(item);
      seen.set(item.target, o);
      ctx.emit({ type: 'target_result', ...o });
    };
    const r = await runBolt(this.cfg, [...action, ...runArgs(this.cfg, targets, runAs)], {
      signal: ctx.signal, onStdout: itemReader(report), onStderr: (line) => ctx.emit({ type: 'stderr', target: 'bolt', line }),
    });
    const parsed = parseBoltStdout(r.stdout);
    if (parsed.kind === 'document') for (const item of parsed.doc.items ?? []) report(item);
    let missing: CapstanError | undefined;
    if (r.aborted) missing = undefined;
    else if (parsed.kind === 'fatal') missing = boltError(parsed.error);
    else if (parsed.kind === 'document' && parsed.doc._error) missing = boltError(parsed.doc._error);
    else if (parsed.kind !== 'document') missing = new Errors.Upstream(`bolt exited ${r.exitCode} without a result document: ${r.stderr.slice(-3).join(' | ')}`);
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
    const params = { targets: targets.join(','), ...parameters };
    const r = await runBolt(this.cfg, ['plan', 'run', plan, '--params', JSON.stringify(params)], {
      signal: ctx.signal, onStderr: (line) => ctx.emit({ type: 'stderr', target: 'bolt', line }),
    });
    for (const line of r.stdout.split('\n')) if (line) ctx.emit({ type: 'stdout', target: 'bolt', line });
    const parsed = parseBoltStdout(r.stdout);
    const perTarget = new Map<string, TargetOutcome>();
    if (parsed.kind === 'value' && Array.isArray(parsed.value)) {
      for (const item of parsed.value as BoltResult[]) if (item && typeof item.target === 'string') perTarget.set(item.target, itemOutcome(item));
    }
    const failure = r.aborted ? undefined : parsed.kind === 'fatal' ? boltError(parsed.error)
      : parsed.kind === 'document' && parsed.doc._error ? boltError(parsed.doc._error)
      : r.exitCode !== 0 ? new Errors.ExecutionFailed(`plan ${plan} exited ${r.exitCode}`) : undefined;
    const results = targets.map((t): TargetOutcome => perTarget.get(t)
      ?? (r.aborted ? { target: t, status: abortStatus(ctx.signal), exitCode: null }
        : failure ? { target: t, status: 'failed', exitCode: r.exitCode, error: summary(failure) }
        : { target: t, status: 'succeeded', exitCode: 0, value: parsed.kind === 'value' ? parsed.value : undefined }));
    for (const o of results) ctx.emit({ type: 'target_result', ...o });
    return { results };
  }
}

function matches(n: NodeT, p: { groups?: string[]; transport?: string }): boolean {
  return (!p.groups?.length || p.groups.some((g) => n.groups.includes(g))) && (!p.transport || n.transport === p.transport);
}

function checkTargets(targets: string[]): void {
  const bad = targets.filter((t) => !SAFE_TARGET.test(t));
  if (bad.length) throw new Errors.TargetInvalid(`Bolt cannot address these target names: ${bad.join(' ')}`, { extra: { targets: bad } });
}

function summary(e: CapstanError) {
  return { category: e.category, code: e.code, title: e.title, detail: e.message };
}

/** Re-throws a target's error summary as a catalogued error of the same category for a query answer. */
function rebuild(e: { category: string; detail: string }): CapstanError {
  if (e.category === 'unauthorized') return new Errors.Auth(e.detail);
  if (e.category === 'forbidden') return new Errors.HostKey(e.detail);
  if (e.category === 'unavailable') return new Errors.Connect(e.detail);
  return new Errors.Upstream(e.detail);
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
