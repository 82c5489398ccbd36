/**
 * The terraform plugin: provision.create / provision.status / decommission.execute / decommission.status
 * through the terraform (or tofu) CLI and its machine-readable formats, one working copy and state per
 * provisioned resource (workspace.ts), and the provisioned nodes as an inventory source.
 *
 * provision.create: init, `plan -json -out`, and `apply -json <plan>` only with `autoApprove`; without it the
 * run stops after the plan (status `pending`, the plan summary and its id); `approvePlan: <id>` applies that
 * saved plan later, exactly as shown. Every UI event streams as it arrives (events.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Static } from '@sinclair/typebox';
import type { Logger } from 'pino';
import {
  decommissionExecute, decommissionStatus, provisionCreate, provisionStatus, snapshotInventoryCapabilities,
  type ProvisionCreateParams, type ProvisionedResource,
} from '../../../src/capabilities/index.js';
import { REDACTED, SECRET_KEY_NAMES } from '../../../src/capabilities/sensitive.js';
import { abortStatus } from '../../../src/core/abort.js';
import { secretMask } from '../../../src/observability/secret-scrubber.js';
import { Errors, toCapstanError } from '../../../src/core/errors.js';
import type { Breaker, PluginHelpers } from '../../../src/core/helpers-api.js';
import {
  BasePlugin, implement, type ExecutionContext, type HealthStatus, type ParamIssue, type PluginCapability, type TargetNode, type TargetOutcome,
} from '../../../src/core/types.js';
import { cliEnv, runCli, type CliResult } from './cli.js';
import type { TerraformConfig } from './config.js';
import { outputAttributes, parseOutputs, renderLine, RunReport, stateResources, type Outputs } from './events.js';
import { nodeFromOutputs, snapshotOf } from './inventory.js';
import { inputsHash, planOf, stepError, summary } from './outcome.js';
import { stateBlockIssue } from './backend.js';
import { localModuleDirs } from './local-modules.js';
import { moduleDirOf, readVariables, suppliedVariables, templateIssue, variableIssues } from './module.js';
import { newPlanId, PLAN_FILE, VARS_FILE, Workspaces, type ResourceRecord } from './workspace.js';

export const PLUGIN_ID = 'terraform';

type CreateParams = Static<typeof ProvisionCreateParams>;
type Resource = Static<typeof ProvisionedResource>;
type Mask = <T>(value: T) => T;
type Emit = { out: (line: string) => void; plain: (line: string) => void; err: (text: string, partial: boolean) => void; notice: (m: string) => void; report: RunReport };

const SECRET_KEY = new RegExp(SECRET_KEY_NAMES, 'i');
/**
 * How a deregistered resource is destroyed: decommission targets are inventory nodes, and a deregistered one
 * is none; applying its module again (nothing changes) registers it.
 */
const REREGISTER = 'to destroy them, register the node again with provision.create (same name, template and variables, autoApprove: nothing changes), then decommission it';

/**
 * The `-target` addresses that matched no destroyed resource: a target names a resource (`terraform_data.vm`),
 * its instances (`terraform_data.vm[0]`, `["a"]`) or a module and what is in it (`module.net`).
 */
export function unmatchedTargets(targets: string[], destroyed: string[]): string[] {
  return targets.filter((t) => !destroyed.some((a) => a === t || a.startsWith(`${t}.`) || a.startsWith(`${t}[`)));
}

/**
 * The request's generic machine inputs as the module variables that take them, with where each is in the
 * params: size.cpus -> cpus, size.memoryMb -> memory_mb, size.diskGb -> disk_gb, network, tags.
 */
export function mappedVariables(p: CreateParams): Record<string, { value: unknown; at: string }> {
  const out: Record<string, { value: unknown; at: string }> = {};
  if (p.size?.cpus !== undefined) out.cpus = { value: p.size.cpus, at: '/size/cpus' };
  if (p.size?.memoryMb !== undefined) out.memory_mb = { value: p.size.memoryMb, at: '/size/memoryMb' };
  if (p.size?.diskGb !== undefined) out.disk_gb = { value: p.size.diskGb, at: '/size/diskGb' };
  if (p.network !== undefined) out.network = { value: p.network, at: '/network' };
  if (p.tags !== undefined) out.tags = { value: p.tags, at: '/tags' };
  return out;
}

const valuesOf = (m: Record<string, { value: unknown }>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.value]));
const decodePtr = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

/** decommission.execute params this plugin cannot honour: a 400 at submit, not a failed run. */
export function checkDecommission(p: Static<typeof decommissionExecute.params>): ParamIssue[] {
  const issues: ParamIssue[] = [];
  if (p.action === 'power_off') issues.push({ pointer: '/action', message: 'Terraform has no power-off: use deregister, or destroy' });
  if (p.resources && (p.action ?? 'destroy') !== 'destroy') issues.push({ pointer: '/resources', message: 'only a destroy takes resources' });
  return issues;
}

export class TerraformPlugin extends BasePlugin {
  readonly metadata = {
    name: PLUGIN_ID, version: '0.1.0', description: 'Terraform / OpenTofu provisioning, with the provisioned nodes as inventory.',
    integrationTypes: ['provisioning' as const, 'inventory' as const],
  };
  private readonly ws: Workspaces;
  private readonly breaker: Breaker;
  /** Snapshot versions: a per-instance random part and a change counter. */
  private readonly instance = randomBytes(6).toString('base64url');
  private changes = 0;
  /** Resources a decommission run is destroying right now (decommission.status `decommissioning`). */
  private readonly destroying = new Set<string>();
  /** The last init waited on when inits share a provider cache (init()). */
  private initTurn: Promise<unknown> = Promise.resolve();
  /** The execution that last began changing each resource: a run that outlived its abort window never overwrites a newer run's record. */
  private readonly owner = new Map<string, string>();

  constructor(private readonly cfg: TerraformConfig, private readonly logger: Logger, helpers: PluginHelpers, dataDir: string) {
    super();
    this.ws = new Workspaces(dataDir);
    this.breaker = helpers.createCircuitBreaker(PLUGIN_ID, { failureThreshold: 5, resetMs: 30_000 });
    this.reconcile();
  }

  /**
   * Records of applies and destroys the server stopped in the middle of (no run of this process is in
   * flight yet): what exists is what the state file says, the resource is `failed` with the reason, and a
   * node is registered while its state holds resources, so it can be destroyed.
   */
  private reconcile(): void {
    for (const rec of this.ws.all()) {
      if (!rec.inFlight) continue;
      const { step, executionId } = rec.inFlight;
      rec.inFlight = undefined;
      rec.status = 'failed';
      rec.registered = this.ws.hasState(rec.name, rec.template);
      rec.plan = undefined;
      this.ws.dropPlan(rec.name, rec.template);
      rec.detail = `the server stopped during ${step}${executionId ? ` (execution ${executionId})` : ''}: ${rec.registered ? 'the state holds resources; provision.status reads them again, decommission destroys them' : 'the state holds no resource'}`;
      this.logger.warn({ resource: rec.name, executionId, step }, 'a run was interrupted by a server stop: the resource is marked failed');
      this.save(rec);
    }
  }

  async healthCheck(): Promise<HealthStatus> {
    const dir = this.cfg.moduleDir;
    if (!dir || !existsSync(dir) || !statSync(dir).isDirectory()) {
      return { status: 'unhealthy', message: `module directory '${dir ?? '(not configured)'}' does not exist or is not a directory` };
    }
    try {
      const r = await runCli(this.cfg, ['version', '-json'], { signal: AbortSignal.timeout(10_000), cwd: dir, collect: true });
      if (r.exitCode !== 0) return { status: 'unhealthy', message: `${this.cfg.binary} version exited ${r.exitCode}: ${r.stderr.slice(-1)[0] ?? ''}` };
      const v = JSON.parse(r.stdout) as { terraform_version?: string };
      return { status: 'healthy', message: `${basename(this.cfg.binary)} ${v.terraform_version ?? '?'}`, details: { version: v.terraform_version, circuit: this.breaker.state } };
    } catch (err) {
      if (err instanceof Errors.ToolMissing) return { status: 'unhealthy', message: `'${this.cfg.binary}' is not installed or not on PATH` };
      return { status: 'unhealthy', message: (err as Error).message };
    }
  }

  capabilities(): PluginCapability<any, any>[] {
    return [
      ...snapshotInventoryCapabilities(async () => snapshotOf(this.ws.all(), PLUGIN_ID, `${this.instance}.${this.changes}`)),
      // terraform and its local-exec provisioners run on this server as its own account, whatever the target
      // names: a run needs what a run on `localhost` needs (src/core/server-account.ts).
      // After a cancel or timeout the CLI gets interruptSeconds to stop cleanly, then its processes are ended
      // (cancelGraceMs): the run (and its queue lock) lasts until then (abortSettleMs).
      implement(provisionCreate, async (p, ctx) => this.create(p, ctx), { validate: async (p) => this.checkCreate(p), runsAsServer: () => true, abortSettleMs: this.stopMs() }),
      implement(provisionStatus, async (p, ctx) => {
        // By name, or by the id its answers carry (the main resource's id in the state).
        const rec = this.record(p.id) ?? this.ws.all().find((r) => r.resourceId === p.id && r.status !== 'destroyed');
        return { resource: rec ? await this.refreshed(rec, ctx) : null };
      }),
      implement(decommissionExecute, async (p, ctx) => this.decommission(p, ctx), { runsAsServer: () => true, abortSettleMs: this.stopMs(), validate: async (p) => checkDecommission(p) }),
      implement(decommissionStatus, async (p) => {
        const rec = this.record(p.node);
        if (!rec) return { node: p.node, status: 'unknown' as const };
        const { status, detail } = this.decommissionState(rec);
        return { node: p.node, status, updatedAt: rec.updatedAt, resource: this.resource(rec), ...(detail ? { detail } : {}) };
      }),
    ];
  }

  /** How long a run may take to stop after an abort, beyond the server's own window: the CLI's interrupt wait (and a second for its report). */
  stopMs(): number {
    return this.cfg.interruptSeconds * 1000 + 1000;
  }

  /**
   * Where a resource stands in decommissioning, from what exists (its state), not only from its last run:
   * destroyed or never created (a plan only, a first create that failed before anything existed) are not
   * `active`; a deregistered one whose resources exist is `decommissioned` (from the inventory), saying so.
   */
  decommissionState(rec: ResourceRecord): { status: 'active' | 'decommissioning' | 'decommissioned' | 'failed' | 'unknown'; detail?: string } {
    if (this.destroying.has(rec.name)) return { status: 'decommissioning', detail: rec.detail };
    if (rec.status === 'destroyed') return { status: 'decommissioned', detail: rec.detail };
    if (!this.ws.hasState(rec.name, rec.template)) {
      return { status: 'unknown', detail: `nothing of it exists (its state is empty)${rec.detail ? `; ${rec.detail}` : ''}` };
    }
    if (!rec.registered && rec.status !== 'failed') {
      return { status: 'decommissioned', detail: `deregistered: removed from the inventory, the resources still exist; ${REREGISTER}` };
    }
    return { status: rec.status === 'failed' ? 'failed' : 'active', detail: rec.detail };
  }

  // ---- provision.create ----

  /** Why a template cannot be provisioned: not a module under moduleDir, a local source out of it, a backend. */
  private templateProblem(template: string): string | undefined {
    const root = this.cfg.moduleDir;
    try {
      return templateIssue(root, template) ?? localModuleDirs(root!, template).issue ?? stateBlockIssue(moduleDirOf(root!, template));
    } catch (err) {
      return `the module could not be read: ${(err as Error).message.replaceAll(root ?? '\0', '<moduleDir>')}`;
    }
  }

  /** The submit-time checks (a 400 before anything runs): template, variables, saved plan. */
  checkCreate(p: CreateParams): ParamIssue[] {
    // Applying a saved plan uses the working copy as planned: later changes in the module directory do not matter.
    const bad = p.approvePlan ? undefined : this.templateProblem(p.template);
    if (bad) return [{ pointer: '/template', message: bad }];
    const rec = this.ws.read(p.name);
    const issues: ParamIssue[] = [];
    if (rec && rec.template !== p.template && rec.status !== 'destroyed' && this.ws.hasState(p.name, rec.template)) {
      issues.push({ pointer: '/template', message: `'${p.name}' was provisioned from template '${rec.template}': decommission it first` });
    }
    if (p.approvePlan) {
      if (!rec?.plan || rec.plan.id !== p.approvePlan || !existsSync(join(this.ws.workdir(p.name, rec.template), PLAN_FILE))) {
        issues.push({ pointer: '/approvePlan', message: `is not the pending plan of '${p.name}' (pending: ${rec?.plan?.id ?? 'none'})` });
      } else if (rec.template !== p.template) {
        issues.push({ pointer: '/template', message: `the saved plan was made from template '${rec.template}'` });
      } else if (rec.plan.inputs !== inputsHash(p) && (p.variables || p.secretVariables || Object.keys(mappedVariables(p)).length)) {
        issues.push({ pointer: '/variables', message: 'differ from the variables the saved plan was made with: leave them out to apply the plan as shown' });
      }
      return issues;
    }
    const provider = basename(this.cfg.binary) === 'tofu' ? 'opentofu' : 'terraform';
    if (p.provider !== undefined && p.provider !== provider) {
      issues.push({ pointer: '/provider', message: `this plugin provisions with ${provider} only; the module itself chooses its infrastructure providers` });
    }
    try {
      const dir = moduleDirOf(this.cfg.moduleDir!, p.template);
      const supplied = suppliedVariables(dir, cliEnv(this.cfg));
      const decls = readVariables(dir);
      for (const [name, { at }] of Object.entries(mappedVariables(p))) {
        if (!decls.has(name)) issues.push({ pointer: at, message: `module '${p.template}' takes no such input: it declares no variable '${name}' (declared: ${[...decls.keys()].join(', ') || 'none'})` });
        else if (Object.hasOwn(p.variables ?? {}, name) || Object.hasOwn(p.secretVariables ?? {}, name)) issues.push({ pointer: at, message: `sets variable '${name}', also given in variables: give it once` });
      }
      // A mapped input's issues point at where the request gave it (/size/cpus), its absence from the module was said above.
      const mapped = mappedVariables(p);
      const own = (name: string) => Object.hasOwn(p.variables ?? {}, name) || Object.hasOwn(p.secretVariables ?? {}, name);
      for (const i of variableIssues(decls, { ...valuesOf(mapped), ...(p.variables ?? {}) }, p.secretVariables ?? {}, SECRET_KEY, supplied)) {
        const name = decodePtr(i.pointer.replace(/^\/variables\//, ''));
        const m = i.pointer.startsWith('/variables/') && !own(name) ? mapped[name] : undefined;
        if (!m) issues.push(i);
        else if (decls.has(name)) issues.push({ ...i, pointer: m.at });
      }
    } catch (err) {
      issues.push({ pointer: '/template', message: `the module's variable declarations could not be read: ${(err as Error).message}` });
    }
    return issues;
  }

  private async create(p: CreateParams, ctx: ExecutionContext): Promise<{ results: TargetOutcome[] }> {
    const [first, ...others] = ctx.targets ?? [];
    const target = first?.name ?? 'localhost';
    const results: TargetOutcome[] = others.map((n) => ({
      target: n.name, status: 'skipped', exitCode: null,
      error: summary(new Errors.Validation(`provision.create runs once, on its first target (${target}); ${n.name} was not used`)),
    }));
    const started = performance.now();
    let outcome: TargetOutcome;
    try {
      outcome = await this.createOn(target, p, ctx);
    } catch (err) {
      outcome = { target, status: 'failed', exitCode: null, error: summary(toCapstanError(err)) };
    }
    // The resource's secrets, those of an earlier plan an approval applies included (not this run's params).
    const rec = this.record(p.name);
    if (rec) outcome = this.maskOf(rec)(outcome);
    outcome.durationMs = Math.round(performance.now() - started);
    ctx.emit({ type: 'target_result', ...outcome });
    return { results: [outcome, ...results] };
  }

  private async createOn(target: string, p: CreateParams, ctx: ExecutionContext): Promise<TargetOutcome> {
    // Checked again: the module may have changed between submit and start.
    const issues = this.checkCreate(p);
    if (issues.length) {
      const e = p.approvePlan && issues.some((i) => i.pointer === '/approvePlan') ? new Errors.PlanStale(issues.map((i) => `${i.pointer} ${i.message}`).join('; '))
        : new Errors.CapabilityParams(issues.map((i) => `${i.pointer} ${i.message}`).join('; '));
      return { target, status: 'failed', exitCode: null, error: summary(e) };
    }
    // What the run prints is masked with the resource's secrets: an approval's params hold none of them.
    let mask: Mask = <T>(v: T) => v;
    const io = this.io(target, ctx, (v) => mask(v));
    const now = new Date().toISOString();
    let rec: ResourceRecord = this.ws.read(p.name) ?? {
      name: p.name, template: p.template, status: 'pending', registered: false, node: p.name, groups: p.groups ?? [], requestedGroups: p.groups ?? [], attributes: {}, createdAt: now, updatedAt: now,
    };
    if (rec.status === 'destroyed') rec = { ...rec, template: p.template, status: 'pending', attributes: {}, createdAt: now, detail: undefined, resourceId: undefined, resourceType: undefined };
    rec.lastExecutionId = ctx.executionId;
    if (ctx.executionId) this.owner.set(p.name, ctx.executionId);
    const dir = this.ws.workdir(p.name, p.template);
    if (p.approvePlan) mask = this.maskOf(rec);

    if (!p.approvePlan) {
      this.ws.prepare(p.name, this.cfg.moduleDir!, p.template);
      this.ws.writeVars(p.name, p.template, { ...valuesOf(mappedVariables(p)), ...(p.variables ?? {}), ...(p.secretVariables ?? {}) });
      rec.template = p.template;
      rec.secretNames = [...new Set([...Object.keys(p.secretVariables ?? {}), ...Object.keys(p.variables ?? {}).filter((k) => SECRET_KEY.test(k))])].sort();
      // The request's groups replace the earlier ones (a group can be taken away by applying again).
      if (p.groups) rec.requestedGroups = p.groups;
      mask = this.maskOf(rec);
      this.save(rec);
      const init = await this.init(dir, ctx, io);
      if (init.aborted || init.exitCode !== 0) return this.failed(target, rec, init, io.report, ctx, 'init');
      // A new plan replaces the pending one, whatever comes of it.
      this.ws.dropPlan(p.name, p.template);
      rec.plan = undefined;
      const plan = await this.cli(['plan', '-json', '-input=false', `-out=${PLAN_FILE}`, `-lock-timeout=${this.cfg.lockTimeoutSeconds}s`, '-detailed-exitcode', `-var-file=${VARS_FILE}`], dir, ctx, io);
      if (plan.aborted || (plan.exitCode !== 0 && plan.exitCode !== 2)) return this.failed(target, rec, plan, io.report, ctx, 'plan');
      const s = io.report.summaries.get('plan') ?? { add: 0, change: 0, remove: 0 };
      rec.plan = {
        id: newPlanId(), createdAt: new Date().toISOString(), executionId: ctx.executionId, add: s.add, change: s.change, remove: s.remove,
        changes: [...io.report.planned], inputs: inputsHash(p),
      };
      if (!p.autoApprove) {
        if (rec.status !== 'running') rec.status = 'pending';
        rec.detail = `plan ${rec.plan.id} awaits approval: provision.create with approvePlan '${rec.plan.id}' applies it`;
        this.save(rec);
        io.out(`Plan ${rec.plan.id} saved; apply it with provision.create {"name": "${p.name}", "template": "${p.template}", "approvePlan": "${rec.plan.id}"}.`);
        // Exit code 0: the plan succeeded (plan's detailed exit code 2 only says it has changes, as `plan.add/change/remove` do).
        return { target, status: 'succeeded', exitCode: 0, value: { ...this.resource(rec), status: 'pending' } };
      }
      this.save(rec);
    }

    const applied = rec.plan;
    // Said before it starts: a server stopped mid-apply finds it at its next start (reconcile()).
    rec.inFlight = { step: 'apply', executionId: ctx.executionId, since: new Date().toISOString() };
    this.save(rec);
    const apply = await this.cli(['apply', '-json', '-input=false', `-lock-timeout=${this.cfg.lockTimeoutSeconds}s`, PLAN_FILE], dir, ctx, io);
    // A saved plan is used once: applied, failed or stale, it cannot be applied again.
    this.ws.dropPlan(p.name, p.template);
    rec.plan = undefined;
    const ok = !apply.aborted && apply.exitCode === 0;
    let unread: string | undefined;
    await this.readBack(rec, ctx, { io, breaker: false }).catch((err) => {
      unread = mask((err as Error).message);
      this.logger.warn({ resource: rec.name, executionId: ctx.executionId, message: unread }, 'could not read the outputs after apply');
      io.notice(`could not read the outputs after apply: ${unread}`);
    });
    rec.inFlight = undefined;
    if (!ok) return this.failed(target, rec, apply, io.report, ctx, 'apply', applied);
    rec.status = 'running';
    rec.registered = true;
    rec.detail = unread && `the outputs could not be read after apply (${unread}): the node's address and transport are unknown until provision.status reads them`;
    this.save(rec);
    return { target, status: 'succeeded', exitCode: 0, value: { ...this.resource(rec), ...(applied ? { plan: planOf(applied) } : {}) }, journalNodes: [rec.node] };
  }

  /** The outcome of a failed step; the record says what is left (a partial state stays registered, so it can be destroyed). */
  private failed(target: string, rec: ResourceRecord, r: CliResult, report: RunReport, ctx: ExecutionContext, step: string, plan?: ResourceRecord['plan']): TargetOutcome {
    const error = stepError(r, report, step, this.cfg, ctx, plan?.id);
    rec.inFlight = undefined;
    // Only a step that began changing resources changes the resource's status: a lock held elsewhere, a
    // stale plan or a failed init / plan leaves it as it was.
    const changed = (step === 'apply' || step === 'destroy') && (r.aborted || report.completed.length > 0 || report.errored.length > 0);
    if (changed) {
      rec.status = 'failed';
      // What is left in the state stays a node, so a decommission can destroy it.
      rec.registered = this.ws.hasState(rec.name, rec.template);
    }
    rec.detail = `${step} ${r.aborted ? abortStatus(ctx.signal) : 'failed'}: ${error.message}`.slice(0, 2000);
    this.save(rec);
    const status = r.aborted ? abortStatus(ctx.signal) : 'failed';
    return {
      target, status, exitCode: r.exitCode, ...(r.signal ? { signal: r.signal } : {}), error: summary(error), value: this.resource(rec),
      ...(changed ? { journalNodes: [rec.node] } : {}),
    };
  }

  // ---- decommission.execute ----

  private async decommission(p: Static<typeof decommissionExecute.params>, ctx: ExecutionContext): Promise<{ results: TargetOutcome[] }> {
    const results: TargetOutcome[] = [];
    for (const node of ctx.targets ?? []) {
      const started = performance.now();
      let o: TargetOutcome;
      // The resource's secrets (its variables) are not this run's params: the run masks them itself, in what
      // it prints and reports, taken before a destroy drops the variables.
      const rec = this.record(node.name);
      const mask = rec ? this.maskOf(rec) : <T>(v: T) => v;
      if (ctx.signal.aborted) o = { target: node.name, status: abortStatus(ctx.signal), exitCode: null };
      else {
        try {
          o = mask(await this.decommissionOne(node, p, ctx, mask));
        } catch (err) {
          o = { target: node.name, status: 'failed', exitCode: null, error: summary(toCapstanError(err)) };
        }
      }
      o.durationMs = Math.round(performance.now() - started);
      ctx.emit({ type: 'target_result', ...o });
      results.push(o);
    }
    return { results };
  }

  private async decommissionOne(node: TargetNode, p: Static<typeof decommissionExecute.params>, ctx: ExecutionContext, mask: Mask): Promise<TargetOutcome> {
    const target = node.name;
    const rec = this.record(target);
    if (!rec || rec.status === 'destroyed') {
      return { target, status: 'failed', exitCode: null, error: summary(new Errors.NodeNotFound(`'${target}' is not a resource this terraform plugin provisioned (or it was destroyed already).`)) };
    }
    rec.lastExecutionId = ctx.executionId;
    if (ctx.executionId) this.owner.set(rec.name, ctx.executionId);
    const action = p.action ?? 'destroy';
    if (action === 'power_off') {
      return { target, status: 'failed', exitCode: null, error: summary(new Errors.NotImplemented('Terraform has no power-off: use deregister, or destroy.')) };
    }
    if (action === 'deregister') {
      rec.registered = false;
      rec.detail = `deregistered${p.reason ? `: ${p.reason}` : ''}; the resources still exist; ${REREGISTER}`;
      this.save(rec);
      ctx.emit({ type: 'stdout', target, line: `${target} removed from the inventory; its resources were not destroyed.` });
      return { target, status: 'succeeded', exitCode: 0, value: this.resource(rec) };
    }
    const io = this.io(target, ctx, mask);
    const dir = this.ws.workdir(rec.name, rec.template);
    this.destroying.add(rec.name);
    try {
      const init = await this.init(dir, ctx, io);
      // init changes nothing: a failed or canceled init leaves the resource as it was.
      if (init.aborted || init.exitCode !== 0) return this.failed(target, rec, init, io.report, ctx, 'init');
      const args = ['destroy', '-json', '-auto-approve', '-input=false', `-lock-timeout=${this.cfg.lockTimeoutSeconds}s`];
      if (existsSync(join(dir, VARS_FILE))) args.push(`-var-file=${VARS_FILE}`);
      for (const r of p.resources ?? []) args.push(`-target=${r}`);
      rec.inFlight = { step: 'destroy', executionId: ctx.executionId, since: new Date().toISOString() };
      this.save(rec, mask);
      const r = await this.cli(args, dir, ctx, io);
      rec.inFlight = undefined;
      this.ws.dropPlan(rec.name, rec.template);
      rec.plan = undefined;
      if (r.aborted || r.exitCode !== 0) return this.failed(target, rec, r, io.report, ctx, 'destroy');
      // Terraform destroys nothing, successfully, for a -target that names nothing in the state.
      const unmatched = unmatchedTargets(p.resources ?? [], [...io.report.planned.filter((c) => c.action === 'delete').map((c) => c.address), ...io.report.completed]);
      const left = this.ws.hasState(rec.name, rec.template);
      if (left) {
        await this.readBack(rec, ctx, { breaker: false }).catch(() => undefined);
        rec.detail = `destroyed ${(p.resources ?? []).join(', ')}; other resources remain`;
      } else {
        rec.status = 'destroyed';
        rec.registered = false;
        rec.detail = `destroyed${p.reason ? `: ${p.reason}` : ''}`;
      }
      if (unmatched.length) {
        rec.detail = `destroy: no resource in the state matched ${unmatched.join(', ')}${io.report.completed.length ? `; destroyed ${io.report.completed.join(', ')}` : ''}`;
      }
      this.save(rec);
      // Nothing is left to destroy: the variables (secrets among them) are not needed any more.
      if (!left) this.ws.dropVars(rec.name, rec.template);
      const changed = io.report.completed.length > 0 || !left ? { journalNodes: [rec.node] } : {};
      if (unmatched.length) {
        const e = new Errors.ExecutionFailed(`no resource in the state of '${rec.name}' matched ${unmatched.map((u) => `'${u}'`).join(', ')} (resources: a resource address such as terraform_data.vm or module.net)${io.report.completed.length ? `; destroyed: ${io.report.completed.join(', ')}` : '; nothing was destroyed'}.`);
        return { target, status: 'failed', exitCode: r.exitCode, error: summary(e), value: this.resource(rec), ...changed };
      }
      return { target, status: 'succeeded', exitCode: 0, value: this.resource(rec), ...changed };
    } finally {
      this.destroying.delete(rec.name);
    }
  }

  // ---- shared ----

  /** Output of a run: UI events parsed and shown line by line on the target's stdout / stderr. */
  private io(target: string, ctx: ExecutionContext, mask?: Mask): Emit {
    const report = new RunReport();
    const emit = (e: Parameters<ExecutionContext['emit']>[0]) => ctx.emit(mask ? mask(e) : e);
    return {
      report,
      out: (raw) => {
        const r = renderLine(raw);
        if (r.event) report.take(r.event);
        for (const line of r.lines) emit({ type: r.stream, target, line });
      },
      plain: (line) => { if (line.trim()) emit({ type: 'stdout', target, line }); },
      err: (text, partial) => {
        if (/Interrupt received/i.test(text)) report.interrupted = true;
        emit({ type: 'stderr', target, line: text, ...(partial ? { partial: true } : {}) });
      },
      notice: (message) => emit({ type: 'notice', target, message }),
    };
  }

  /**
   * `init` in a working copy. With a shared provider cache (TF_PLUGIN_CACHE_DIR passed through passEnv) one at a
   * time: Terraform documents the cache as unsafe for concurrent inits, and creates of different resources run
   * in parallel.
   */
  private init(dir: string, ctx: ExecutionContext, io: Emit): Promise<CliResult> {
    const run = () => this.cli(['init', '-input=false', '-no-color'], dir, ctx, io, false);
    if (!cliEnv(this.cfg).TF_PLUGIN_CACHE_DIR) return run();
    const turn = this.initTurn.then(run);
    this.initTurn = turn.catch(() => undefined);
    return turn;
  }

  private cli(args: string[], cwd: string, ctx: ExecutionContext, io: Emit, json = true): Promise<CliResult> {
    ctx.logger.debug({ args, cwd }, 'terraform');
    return runCli(this.cfg, args, {
      signal: ctx.signal, cwd,
      onStdout: json ? io.out : io.plain, onStderr: io.err, onNotice: io.notice,
    });
  }

  /** Outputs and state of a working copy into its record (node name, address, attributes, main resource). */
  /**
   * `breaker`: through the plugin's circuit breaker (status reads); a run's own read after its apply or destroy
   * never is, so failing status reads of one resource cannot keep another's new node from being described.
   */
  private async readBack(rec: ResourceRecord, ctx: ExecutionContext, opts: { io?: Emit; breaker?: boolean } = {}): Promise<void> {
    const io = opts.io;
    const { outputs, resources } = await this.readState(rec, ctx, opts.breaker ?? true);
    const { nameMismatch, ...node } = nodeFromOutputs(this.cfg, outputs, rec.name, rec.requestedGroups ?? rec.groups);
    Object.assign(rec, node);
    if (nameMismatch !== undefined && io) {
      io.notice(`output '${this.cfg.inventoryOutputs.name}' is '${nameMismatch}', not the resource name '${rec.name}': the node is named '${rec.name}' (a node is always named as its resource)`);
    }
    rec.attributes = outputAttributes(outputs, REDACTED);
    rec.resourceId = resources[0]?.id ?? resources[0]?.address;
    rec.resourceType = resources[0]?.type;
  }

  private async readState(rec: ResourceRecord, ctx: ExecutionContext, viaBreaker: boolean): Promise<{ outputs: Outputs; resources: ReturnType<typeof stateResources> }> {
    const cwd = this.ws.workdir(rec.name, rec.template);
    const read = async () => {
      const signal = AbortSignal.any([AbortSignal.timeout(this.cfg.queryTimeoutSeconds * 1000), ...(ctx.executionId ? [] : [ctx.signal])]);
      const out = await runCli(this.cfg, ['output', '-json', '-no-color'], { signal, cwd, collect: true });
      if (out.aborted) throw new Errors.CapabilityTimeout(`terraform output did not finish in ${this.cfg.queryTimeoutSeconds} s`);
      // Never stdout in the message: it is state (sensitive values in clear).
      if (out.exitCode !== 0) throw new Errors.Upstream(`terraform output -json exited ${out.exitCode}: ${out.stderr.slice(-3).join(' | ') || 'no message'}`);
      const show = await runCli(this.cfg, ['show', '-json', '-no-color'], { signal, cwd, collect: true });
      if (show.exitCode !== 0) throw new Errors.Upstream(`terraform show -json exited ${show.exitCode}: ${show.stderr.slice(-3).join(' | ') || 'no message'}`);
      return { outputs: parseOutputs(out.stdout), resources: stateResources(JSON.parse(show.stdout.trim() || '{}')) };
    };
    return viaBreaker ? this.breaker.call(read) : read();
  }

  /** provision.status: the record, with outputs and state read again when the working copy has a state. */
  private async refreshed(rec: ResourceRecord, ctx: ExecutionContext): Promise<Resource> {
    if (rec.status !== 'destroyed' && existsSync(join(this.ws.workdir(rec.name, rec.template), 'terraform.tfstate'))) {
      await this.readBack(rec, ctx);
      rec.attributes = this.maskOf(rec)(rec.attributes);
    }
    return this.resource(rec);
  }

  /** The record of a resource, by its name = its node's name. */
  private record(name: string): ResourceRecord | undefined {
    return this.ws.read(name);
  }

  /**
   * The mask of a resource's secrets: the values of its secret variables (and of secret-named ones) in its
   * variables file, replaced by `***` wherever they appear (src/observability/secret-scrubber.ts secretMask).
   */
  private maskOf(rec: ResourceRecord): Mask {
    const vars = this.ws.readVars(rec.name, rec.template);
    const names = new Set(rec.secretNames ?? []);
    const values: string[] = [];
    // Everything under a secret variable, and under a secret-named key at any depth (`db.password`), as the
    // request's own mask does (x-sensitive-keys).
    const walk = (v: unknown, secret: boolean): void => {
      if (typeof v === 'string' || typeof v === 'number') { if (secret) values.push(String(v)); }
      else if (Array.isArray(v)) v.forEach((x) => walk(x, secret));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, secret || SECRET_KEY.test(k));
    };
    for (const [k, v] of Object.entries(vars)) walk(v, names.has(k) || SECRET_KEY.test(k));
    return secretMask(values);
  }

  /** Stores the record, its detail and attributes masked with the resource's secrets (Terraform's diagnostics quote commands and values). */
  private save(rec: ResourceRecord, mask: Mask = this.maskOf(rec)): void {
    const owner = this.owner.get(rec.name);
    if (owner && rec.lastExecutionId && owner !== rec.lastExecutionId) {
      this.logger.warn({ resource: rec.name, executionId: rec.lastExecutionId, newer: owner }, 'a run ended after a newer one began on its resource: its record is not saved');
      return;
    }
    if (rec.detail !== undefined) rec.detail = mask(rec.detail);
    rec.attributes = mask(rec.attributes);
    rec.updatedAt = new Date().toISOString();
    this.ws.write(rec);
    this.changes++;
  }

  private resource(rec: ResourceRecord): Resource {
    return {
      id: rec.resourceId ?? rec.name, name: rec.name, provider: basename(this.cfg.binary) === 'tofu' ? 'opentofu' : 'terraform',
      ...(rec.resourceType ? { type: rec.resourceType } : {}), status: rec.status, node: rec.node,
      attributes: rec.attributes, createdAt: rec.createdAt, updatedAt: rec.updatedAt, source: PLUGIN_ID,
      ...(rec.plan ? { plan: planOf(rec.plan) } : {}),
    };
  }
}
