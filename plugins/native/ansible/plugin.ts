/**
 * The Ansible plugin: inventory from ansible-inventory, facts from the setup module, commands and scripts as
 * ad-hoc runs, playbooks as plans. Every host result reaches the stream the moment the capstan_events
 * callback prints it; Ansible's own stderr (warnings, errors) streams as output of target `ansible`.
 */
import { randomBytes } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { Static } from '@sinclair/typebox';
import type { Logger } from 'pino';
import {
  commandExecute, planExecute, scriptExecute, type Facts,
  cachedFactsCapabilities, snapshotInventoryCapabilities,
} from '../../../src/capabilities/index.js';
import { abortStatus } from '../../../src/core/abort.js';
import { Errors, type CapstanError } from '../../../src/core/errors.js';
import { shQuote } from '../../../src/core/sh-quote.js';
import type { Breaker, Cache, PluginHelpers } from '../../../src/core/helpers-api.js';
import { BasePlugin, implement, type ExecutionContext, type HealthStatus, type PluginCapability, type TargetOutcome } from '../../../src/core/types.js';
import { RunDir, runAnsible, unsafeVarsYaml, type AnsibleOutput, type AnsibleRunOptions } from './cli.js';
import type { AnsibleConfig } from './config.js';
import { adhocOutcome, isHostEvent, playbookOutcome, recordPlaybookEvent, type HostEvent, type HostStats, type PlaybookHost } from './events.js';
import { normalizeFacts } from './facts.js';
import { parseInventoryList, type AnsibleInventory } from './inventory.js';
import { parsePlanParams, pieces, SAFE_TARGET } from './params.js';

export const PLUGIN_ID = 'ansible';
type FactsT = Static<typeof Facts>;

const problem = (e: CapstanError) => ({ category: e.category, code: e.code, title: e.title, detail: e.message });

function checkTargets(targets: string[]): void {
  const bad = targets.filter((t) => !SAFE_TARGET.test(t));
  if (bad.length) throw new Errors.TargetInvalid(`Ansible cannot address these names as single hosts: ${bad.join(' ')}`, { extra: { targets: bad } });
}

/** Ansible's stderr and the runner's notices as events of target `ansible`. */
function runOutput(ctx: ExecutionContext): Pick<AnsibleRunOptions, 'onStderr' | 'onNotice' | 'onOtherStdout'> {
  return {
    onStderr: (text, partial) => ctx.emit({ type: 'stderr', target: 'ansible', line: text, ...(partial ? { partial: true } : {}) }),
    onOtherStdout: (line) => ctx.emit({ type: 'stdout', target: 'ansible', line }),
    onNotice: (message) => ctx.emit({ type: 'notice', target: 'ansible', message }),
  };
}

/** What ansible said when it printed no result for a target. */
function noResult(r: AnsibleOutput, tool: string): CapstanError {
  const said = r.stderr.map((l) => l.trim()).filter(Boolean).slice(-3).join(' | ');
  if (r.exitCode === 0 || r.exitCode === 2 || r.exitCode === 4) return new Errors.ExecutionFailed(`${tool} printed no result for this target${said ? `: ${said}` : ''}`);
  return new Errors.Upstream(`${tool} exited ${r.exitCode}${said ? `: ${said}` : ' without a result'}`);
}

export class AnsiblePlugin extends BasePlugin {
  readonly metadata = {
    name: PLUGIN_ID, version: '0.1.0', description: 'Ansible: inventory, facts, ad-hoc commands and scripts, playbooks.',
    integrationTypes: ['inventory' as const, 'facts' as const, 'remote_execution' as const],
  };
  private readonly inventory: Cache<AnsibleInventory & { version: string }>;
  private readonly facts: Cache<FactsT>;
  private readonly breaker: Breaker;
  private readonly instance = randomBytes(6).toString('base64url');
  private loads = 0;

  constructor(private readonly cfg: AnsibleConfig, private readonly logger: Logger, helpers: PluginHelpers) {
    super();
    this.inventory = helpers.createInventoryCache({ ttlMs: cfg.inventoryTtlSeconds * 1000, staleMs: cfg.inventoryStaleSeconds * 1000 });
    this.facts = helpers.createFactsCache({ ttlMs: cfg.factsTtlSeconds * 1000 });
    this.breaker = helpers.createCircuitBreaker('ansible', { failureThreshold: 5, resetMs: 30_000 });
  }

  async healthCheck(): Promise<HealthStatus> {
    if (this.cfg.projectDir && !(await stat(this.cfg.projectDir).then((s) => s.isDirectory(), () => false))) {
      return { status: 'unhealthy', message: `ansible project directory '${this.cfg.projectDir}' does not exist or is not a directory` };
    }
    const dir = await RunDir.create();
    try {
      const r = await runAnsible(this.cfg, 'ansible', ['--version'], dir, { signal: AbortSignal.timeout(10_000) });
      const version = r.stdout.split('\n')[0]?.trim() ?? '';
      if (r.exitCode !== 0) return { status: 'unhealthy', message: `ansible --version exited ${r.exitCode}: ${r.stderr.slice(-1)[0] ?? ''}` };
      return { status: 'healthy', message: version, details: { version, circuit: this.breaker.state } };
    } catch (err) {
      if (err instanceof Errors.ToolMissing) return { status: 'unhealthy', message: 'ansible not installed: apt-get install ansible-core' };
      return { status: 'unhealthy', message: (err as Error).message };
    } finally {
      await dir.close();
    }
  }

  capabilities(): PluginCapability<any, any>[] {
    return [
      ...snapshotInventoryCapabilities((ctx) => this.loadInventory(ctx)),
      ...cachedFactsCapabilities(this.facts, (node, ctx) => this.gatherFacts(node, ctx)),
      implement(commandExecute, async (p, ctx) => {
        // Ad-hoc runs have no `environment` keyword: variables are exported in front of the command line,
        // which then runs through `eval` so that `a; b` runs wholly after them (and in cwd, via chdir).
        const exports = Object.entries(p.env ?? {}).map(([k, v]) => `export ${k}=${shQuote(v)}; `).join('');
        const cmd = exports ? `${exports}eval ${shQuote(p.command)}` : p.command;
        return this.adhoc(ctx, 'ansible.builtin.shell', { _raw_params: cmd, ...(p.cwd ? { chdir: p.cwd } : {}) }, p.runAs);
      }),
      implement(scriptExecute, async (p, ctx) => {
        if (p.env && Object.keys(p.env).length) {
          throw new Errors.Validation('The ansible plugin cannot pass `env` to a script (the script module has no environment in ad-hoc runs); export the variables in the script.');
        }
        // The module copies the file under its own name and runs it by its shebang on POSIX hosts; on Windows
        // hosts a .ps1 runs in PowerShell (`& FILE ARGS`, plugins/action/script.py and shell/powershell.py of
        // ansible-core). The shebang is a comment in PowerShell, so a .ps1 keeps it.
        const body = p.interpreter && !p.script.startsWith('#!') ? `#!/usr/bin/env ${p.interpreter}\n${p.script}` : p.script;
        return this.adhoc(ctx, 'ansible.builtin.script', (dir) => dir.file(`script${p.extension ?? ''}`, body, 0o700)
          .then((file) => ({ _raw_params: [file, ...(p.arguments ?? []).map(shQuote)].join(' ') })), p.runAs);
      }),
      implement(planExecute, async (p, ctx) => this.playbook(ctx, p.plan, p.parameters ?? {})),
    ];
  }

  private loadInventory(ctx: ExecutionContext): Promise<AnsibleInventory & { version: string }> {
    return this.inventory.get('all', async () => {
      const doc = await this.query('ansible-inventory', ['--list'], ctx, (r) => {
        try {
          return JSON.parse(r.stdout);
        } catch {
          throw new Errors.Upstream(`ansible-inventory --list exited ${r.exitCode} without JSON: ${r.stderr.slice(-3).join(' | ') || r.stdout.slice(0, 200)}`);
        }
      });
      return { ...parseInventoryList(doc, PLUGIN_ID), version: `${this.instance}.${++this.loads}` };
    });
  }

  /** A read-only call bounded by queryTimeoutSeconds and guarded by the circuit breaker. */
  private async query<T>(tool: 'ansible' | 'ansible-inventory', args: string[], ctx: ExecutionContext, read: (r: AnsibleOutput, events: HostEvent[]) => T): Promise<T> {
    return this.breaker.call(async () => {
      const dir = await RunDir.create();
      try {
        const events: HostEvent[] = [];
        const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(this.cfg.queryTimeoutSeconds * 1000)]);
        const r = await runAnsible(this.cfg, tool, args, dir, {
          signal, onEvent: (e) => { if (isHostEvent(e)) events.push(e); },
          onStderr: (text, partial) => ctx.logger.debug({ ansible: text, ...(partial ? { partial } : {}) }, 'ansible stderr'),
        });
        if (r.aborted) throw new Errors.CapabilityTimeout(`${tool} did not finish in ${this.cfg.queryTimeoutSeconds} s`);
        return read(r, events);
      } finally {
        await dir.close();
      }
    });
  }

  private async gatherFacts(node: string, ctx: ExecutionContext): Promise<FactsT> {
    checkTargets([node]);
    const limit = `${node}\n`;
    const dirArgs = async (dir: RunDir) => ['all', `--limit=@${await dir.file('limit', limit)}`, '-m', 'ansible.builtin.setup'];
    const event = await this.breaker.call(async () => {
      const dir = await RunDir.create();
      try {
        const events: HostEvent[] = [];
        const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(this.cfg.queryTimeoutSeconds * 1000)]);
        const r = await runAnsible(this.cfg, 'ansible', await dirArgs(dir), dir, { signal, onEvent: (e) => { if (isHostEvent(e)) events.push(e); } });
        if (r.aborted) throw new Errors.CapabilityTimeout(`ansible setup did not finish in ${this.cfg.queryTimeoutSeconds} s`);
        const e = events.find((x) => x.host === node);
        if (!e) {
          if (events.length) throw new Errors.TargetInvalid(`'${node}' names ${events.length} hosts in Ansible's inventory; facts are gathered per node.`);
          if (r.exitCode !== 0 && r.exitCode !== 2 && r.exitCode !== 4) throw noResult(r, 'ansible');
          return undefined;
        }
        return e;
      } finally {
        await dir.close();
      }
    });
    if (!event) throw new Errors.NodeNotFound(`Ansible's inventory has no host '${node}'.`);
    if (event.event === 'runner_on_unreachable') throw new Errors.Connect(`${node} unreachable: ${String(event.msg ?? '')}`);
    if (event.event !== 'runner_on_ok') throw new Errors.ExecutionFailed(`the setup module failed on ${node}: ${String(event.msg ?? '')}`);
    const raw = event.result?.ansible_facts;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Errors.Upstream(`the setup module returned no ansible_facts for '${node}'.`);
    return normalizeFacts(node, raw as Record<string, unknown>, PLUGIN_ID) as FactsT;
  }

  /**
   * One module on the context's targets. The module's arguments are JSON (`-a {...}`) whose values are
   * `{{ capstan_* }}` references to an `!unsafe` vars file: nothing the caller wrote is parsed as key=value
   * options or templated by Ansible.
   */
  private async adhoc(ctx: ExecutionContext, module: string, args: Record<string, string> | ((dir: RunDir) => Promise<Record<string, string>>), runAs?: string): Promise<{ results: TargetOutcome[] }> {
    const targets = (ctx.targets ?? []).map((t) => t.name);
    checkTargets(targets);
    const asked = new Set(targets);
    const seen = new Map<string, TargetOutcome>();
    const dir = await RunDir.create();
    try {
      const values = typeof args === 'function' ? await args(dir) : args;
      const refs = Object.fromEntries(Object.keys(values).map((k) => [k, `{{ capstan_${k.replace(/^_+/, '')} }}`]));
      const vars = Object.fromEntries(Object.entries(values).map(([k, v]) => [`capstan_${k.replace(/^_+/, '')}`, v]));
      const argv = [
        'all', `--limit=@${await dir.file('limit', targets.join('\n') + '\n')}`,
        '-m', module, '-a', JSON.stringify(refs), `--extra-vars=@${await dir.file('vars.yml', unsafeVarsYaml(vars))}`,
        ...(runAs ? ['--become', `--become-user=${runAs}`] : []),
      ];
      const r = await runAnsible(this.cfg, 'ansible', argv, dir, {
        signal: ctx.signal, ...runOutput(ctx),
        onEvent: (e) => {
          if (!isHostEvent(e) || seen.has(e.host)) return;
          if (!asked.has(e.host)) {
            ctx.logger.warn({ target: e.host }, 'ansible reported a result for a host that was not asked for; ignored');
            return;
          }
          for (const piece of pieces(e.stdout)) ctx.emit({ type: 'stdout', target: e.host, ...piece });
          for (const piece of pieces(e.stderr)) ctx.emit({ type: 'stderr', target: e.host, ...piece });
          const o = adhocOutcome(e);
          seen.set(e.host, o);
          ctx.emit({ type: 'target_result', ...o });
        },
      });
      this.finish(ctx, targets, seen, r, 'ansible');
      return { results: targets.map((t) => seen.get(t)!) };
    } finally {
      await dir.close();
    }
  }

  /** Targets without a result: stopped (cancel, timeout) or failed with what Ansible said. */
  private finish(ctx: ExecutionContext, targets: string[], seen: Map<string, TargetOutcome>, r: AnsibleOutput, tool: string): void {
    for (const t of targets) {
      if (seen.has(t)) continue;
      const o: TargetOutcome = r.aborted
        ? { target: t, status: abortStatus(ctx.signal), exitCode: null }
        : { target: t, status: 'failed', exitCode: null, error: problem(noResult(r, tool)) };
      seen.set(t, o);
      ctx.emit({ type: 'target_result', ...o });
    }
  }

  /** A playbook of the project dir, limited to the run's targets; per-host outcomes from the stats. */
  private async playbook(ctx: ExecutionContext, plan: string, parameters: Record<string, unknown>): Promise<{ results: TargetOutcome[] }> {
    const targets = (ctx.targets ?? []).map((t) => t.name);
    checkTargets(targets);
    const opts = parsePlanParams(parameters);
    const path = await this.playbookPath(plan);
    const asked = new Set(targets);
    const hosts = new Map<string, PlaybookHost>();
    let stats: Record<string, HostStats> | undefined;
    let task: string | null = null;
    const dir = await RunDir.create();
    try {
      const argv = [
        path, `--limit=@${await dir.file('limit', targets.join('\n') + '\n')}`,
        ...(opts.vars ? [`--extra-vars=@${await dir.file('vars.yml', unsafeVarsYaml(opts.vars))}`] : []),
        ...(opts.tags?.length ? [`--tags=${opts.tags.join(',')}`] : []),
        ...(opts.skipTags?.length ? [`--skip-tags=${opts.skipTags.join(',')}`] : []),
        ...(opts.check ? ['--check'] : []),
        ...(opts.diff ? ['--diff'] : []),
      ];
      const r = await runAnsible(this.cfg, 'ansible-playbook', argv, dir, {
        signal: ctx.signal, ...runOutput(ctx),
        onEvent: (e) => {
          if (e.event === 'task_start') task = e.task;
          else if (e.event === 'play_start') ctx.emit({ type: 'stdout', target: 'ansible', line: `PLAY [${e.play}]` });
          else if (e.event === 'stats') stats = e.hosts;
          if (!isHostEvent(e) || !asked.has(e.host)) return;
          recordPlaybookEvent(hosts, e);
          const last = hosts.get(e.host)!.tasks.at(-1)!;
          ctx.emit({ type: 'stdout', target: e.host, line: `TASK [${e.task ?? task ?? '?'}] ${last.status}${last.msg ? `: ${last.msg}` : ''}` });
          for (const piece of pieces(e.stdout)) ctx.emit({ type: 'stdout', target: e.host, ...piece });
          for (const piece of pieces(e.stderr)) ctx.emit({ type: 'stderr', target: e.host, ...piece });
        },
      });
      const seen = new Map<string, TargetOutcome>();
      if (!r.aborted) {
        for (const t of targets) {
          const o = playbookOutcome(t, hosts.get(t), stats?.[t], !!opts.check);
          if (!o) continue;
          seen.set(t, o);
          ctx.emit({ type: 'target_result', ...o });
        }
      }
      this.finish(ctx, targets, seen, r, 'ansible-playbook');
      return { results: targets.map((t) => seen.get(t)!) };
    } finally {
      await dir.close();
    }
  }

  /** `deploy::web` -> `<projectDir>/deploy/web.yml` (or .yaml), which must stay inside the project dir. */
  private async playbookPath(plan: string): Promise<string> {
    if (!this.cfg.projectDir) throw new Errors.Validation('plugins.ansible.projectDir is not set: the ansible plugin runs playbooks of its project directory only.');
    const root = await realpath(this.cfg.projectDir);
    for (const ext of ['.yml', '.yaml']) {
      const candidate = join(root, ...plan.split('::')) + ext;
      const real = await realpath(candidate).catch(() => undefined);
      if (!real) continue;
      const rel = relative(root, real);
      if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) throw new Errors.Validation(`playbook '${plan}' resolves outside the project directory.`);
      return real;
    }
    throw new Errors.TaskNotFound(`no playbook '${plan}' (${join(...plan.split('::'))}.yml or .yaml) in the ansible project directory.`);
  }
}

