/**
 * The jenkins plugin: deployments as parameterised Jenkins builds (cicd-apis.md section 1).
 * deploy.execute triggers `buildWithParameters` on the application's job (template `job`), follows the queue
 * item to its build, streams the progressive console log and maps the result; deploy.rollback re-triggers the
 * job with an earlier successful build's version; deploy.status and deploy.history read builds back.
 */
import type { Static } from '@sinclair/typebox';
import type { Logger } from 'pino';
import { deployExecute, deployHistory, deployRollback, deployStatus } from '../../../src/capabilities/index.js';
import { SECRET_KEY_NAMES } from '../../../src/capabilities/sensitive.js';
import { abortStatus } from '../../../src/core/abort.js';
import { CapstanError, Errors, toCapstanError } from '../../../src/core/errors.js';
import { BasePlugin, implement, type ExecutionContext, type HealthStatus, type ParamIssue, type PluginCapability, type TargetOutcome } from '../../../src/core/types.js';
import { secretMask } from '../../../src/observability/secret-scrubber.js';
import { JenkinsClient } from './client.js';
import { allowList, type JenkinsConfig } from './config.js';
import { BUILD_TREE, BuildFollower, CONFIRM_MS, isTimeout } from './follow.js';
import { History } from './history.js';
import { buildParameters, deploymentId, jobOf, jobPath, jobUrlPath, parseDeploymentId, SOURCE, toDeployment, type DeploymentT, type JenkinsBuild } from './map.js';
import { DeploymentRecords } from './store.js';

export const PLUGIN_ID = SOURCE;
const SECRET_KEY = new RegExp(SECRET_KEY_NAMES, 'i');

type ExecuteParams = Static<typeof deployExecute.params>;
type RollbackParams = Static<typeof deployRollback.params>;
type Mask = <T>(v: T) => T;

const summary = (e: CapstanError) => ({ category: e.category, code: e.code, title: e.title, detail: e.message });

export class JenkinsPlugin extends BasePlugin {
  readonly metadata = {
    name: PLUGIN_ID, version: '0.1.0', description: 'Jenkins: deployments as parameterised builds, followed with their console log.',
    integrationTypes: ['deployment' as const],
  };
  private client!: JenkinsClient;
  private readonly records: DeploymentRecords;
  private me?: string;

  constructor(private readonly cfg: JenkinsConfig, private readonly logger: Logger, dataDir: string) {
    super();
    this.records = new DeploymentRecords(dataDir);
  }

  async initialize(): Promise<void> {
    this.client = new JenkinsClient(this.cfg);
    this.logger.info({ url: this.client.base.origin, user: this.cfg.user, token: this.cfg.token ? 'set' : 'not set', job: this.cfg.job }, 'jenkins deployment source configured');
  }

  async healthCheck(): Promise<HealthStatus> {
    try {
      const who = await this.whoAmI(AbortSignal.timeout(this.cfg.timeoutMs));
      return { status: 'healthy', message: `Jenkins at ${this.client.base.origin}, as ${who ?? 'anonymous'}` };
    } catch (err) {
      // Jenkins answers but refuses the credentials: the plugin stays usable, so runs and reads fail with the
      // typed error (TARGET_AUTH_FAILED) rather than 'no provider'.
      const auth = err instanceof Errors.Auth;
      return { status: auth ? 'degraded' : 'unhealthy', message: (err as Error).message, details: { url: this.client.base.origin } };
    }
  }

  capabilities(): PluginCapability<any, any>[] {
    const opts = { runsAsServer: () => true, abortSettleMs: CONFIRM_MS + 2 * this.cfg.stopGraceMs + 5000 };
    return [
      implement(deployExecute, async (p, ctx) => this.execute(p, ctx), { ...opts, validate: async (p) => this.checkExecute(p) }),
      implement(deployRollback, async (p, ctx) => this.rollback(p, ctx), { ...opts, validate: async (p) => this.checkRollback(p) }),
      implement(deployStatus, async (p, ctx) => ({ deployment: await this.status(p.id, ctx) })),
      implement(deployHistory, async (p, ctx) => new History(this.client, this.cfg, this.records).page(p, ctx.signal)),
    ];
  }

  // ---- validation (no network) ----

  private allowIssues(application: string, environment: string): ParamIssue[] {
    const issues: ParamIssue[] = [];
    const apps = allowList(this.cfg.applications);
    const envs = allowList(this.cfg.environments);
    if (apps && !apps.includes(application)) issues.push({ pointer: '/application', message: `not among plugins.jenkins.applications (${apps.join(', ')})` });
    if (envs && !envs.includes(environment)) issues.push({ pointer: '/environment', message: `not among plugins.jenkins.environments (${envs.join(', ')})` });
    if (!jobPath(this.cfg.job, application, environment)) issues.push({ pointer: '/application', message: `gives no job path with plugins.jenkins.job '${this.cfg.job}'` });
    return issues;
  }

  checkExecute(p: ExecuteParams): ParamIssue[] {
    const issues = this.allowIssues(p.application, p.environment);
    for (const [k, v] of Object.entries(p.parameters ?? {})) {
      const ptr = `/parameters/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (v !== null && typeof v === 'object') issues.push({ pointer: ptr, message: 'Jenkins build parameters are strings: give a string, number or boolean' });
      else if (k === this.cfg.versionParameter || k === this.cfg.environmentParameter) issues.push({ pointer: ptr, message: `is set from ${k === this.cfg.versionParameter ? 'version' : 'environment'}: give it there` });
    }
    return issues;
  }

  checkRollback(p: RollbackParams): ParamIssue[] {
    const issues = this.allowIssues(p.application, p.environment);
    if (p.deploymentId !== undefined) {
      const id = parseDeploymentId(p.deploymentId);
      if (!id) issues.push({ pointer: '/deploymentId', message: `is not a Jenkins deployment id (jenkins.<job path with / as ~>.<build number>)` });
      else if (id.path !== jobPath(this.cfg.job, p.application, p.environment)) {
        issues.push({ pointer: '/deploymentId', message: `is a build of job '${id.path}', not of ${p.application}'s job '${jobPath(this.cfg.job, p.application, p.environment)}'` });
      }
    }
    return issues;
  }

  // ---- deploy.execute / deploy.rollback ----

  private maskOf(params: Record<string, unknown> | undefined): Mask {
    const secrets = [...this.client.secrets];
    for (const [k, v] of Object.entries(params ?? {})) if (SECRET_KEY.test(k) && v !== null && v !== undefined) secrets.push(String(v));
    return secretMask(secrets);
  }

  private async execute(p: ExecuteParams, ctx: ExecutionContext): Promise<{ results: TargetOutcome[] }> {
    return this.runAll(ctx, this.maskOf(p.parameters), async (io) => this.deploy(p.application, p.environment, p.version, p.parameters ?? {}, ctx, io));
  }

  private async rollback(p: RollbackParams, ctx: ExecutionContext): Promise<{ results: TargetOutcome[] }> {
    return this.runAll(ctx, this.maskOf(undefined), async (io) => {
      const { version, previousVersion } = await this.rollbackPoint(p, ctx.signal);
      io.line(`rolling ${p.application} in ${p.environment} back to ${version}${previousVersion ? ` (from ${previousVersion})` : ''}`);
      return this.deploy(p.application, p.environment, version, {}, ctx, io, previousVersion);
    });
  }

  /** Runs `body` once, streams under the first target, and reports the same outcome for every target. */
  private async runAll(ctx: ExecutionContext, mask: Mask, body: (io: { line: (l: string) => void; notice: (m: string) => void }) => Promise<Omit<TargetOutcome, 'target'>>): Promise<{ results: TargetOutcome[] }> {
    const targets = (ctx.targets ?? []).map((n) => n.name);
    const first = targets[0] ?? 'localhost';
    for (const other of targets.slice(1)) ctx.emit({ type: 'notice', target: other, message: `the Jenkins build's log streams under ${first}` });
    const io = {
      line: (line: string) => ctx.emit(mask({ type: 'stdout', target: first, line })),
      notice: (message: string) => ctx.emit(mask({ type: 'notice', target: first, message })),
    };
    const started = performance.now();
    let outcome: Omit<TargetOutcome, 'target'>;
    try {
      outcome = await body(io);
    } catch (err) {
      const e = toCapstanError(err);
      // Aborted before a build existed (during the trigger or a rollback's look-up): nothing runs in Jenkins.
      outcome = ctx.signal.aborted ? { status: abortStatus(ctx.signal), exitCode: null } : { status: 'failed', exitCode: 1, error: summary(e) };
    }
    outcome = mask({ ...outcome, durationMs: Math.round(performance.now() - started) });
    const results = (targets.length ? targets : [first]).map((target) => ({ target, ...outcome }));
    for (const r of results) ctx.emit({ type: 'target_result', ...r });
    return { results };
  }

  private async deploy(application: string, environment: string, version: string, extra: Record<string, unknown>, ctx: ExecutionContext, io: { line: (l: string) => void; notice: (m: string) => void }, previousVersion?: string): Promise<Omit<TargetOutcome, 'target'>> {
    const path = jobPath(this.cfg.job, application, environment);
    const jobUrl = jobUrlPath(path);
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(extra)) if (v !== null && v !== undefined) form.append(k, String(v));
    form.set(this.cfg.versionParameter, version);
    form.set(this.cfg.environmentParameter, environment);
    const trigger = await this.client.request('POST', `${jobUrl}/buildWithParameters`, { form, signal: ctx.signal });
    const location = trigger.headers.get('location');
    if (!location || !/queue\/item\/\d+/.test(location)) {
      throw new Errors.DeploymentFailed(`Jenkins ${trigger.where} answered HTTP ${trigger.status} without a queue item (Location ${location ?? 'absent'}): nothing was scheduled`);
    }
    const queueUrl = location.endsWith('/') ? location : `${location}/`;
    const queueId = /queue\/item\/(\d+)/.exec(queueUrl)![1];
    io.line(trigger.status === 303 ? `Jenkins merged the request into queued item #${queueId} of ${path} (an identical one was waiting)` : `queued as #${queueId} in Jenkins job ${path}`);
    const follower = new BuildFollower(this.client, this.cfg, jobUrl, io, ctx.signal);
    const q = await follower.queue(queueUrl);
    const base = { path, application, environment, versionParameter: this.cfg.versionParameter, environmentParameter: this.cfg.environmentParameter, targets: (ctx.targets ?? []).map((n) => n.name), executionId: ctx.executionId, previousVersion };
    if (!q.number) {
      const e = q.stopped ? null : new Errors.DeploymentFailed(`Jenkins queue item #${queueId} of ${path} was cancelled in Jenkins before it ran (toolStatus CANCELLED)`);
      return e ? { status: 'failed', exitCode: 1, error: summary(e) } : { status: abortStatus(ctx.signal), exitCode: null };
    }
    io.line(`build #${q.number} started: ${this.client.url(`${jobUrl}/${q.number}/`).href}`);
    const f = await follower.build(q.number, !!q.stopped);
    const build = f.build ?? { number: q.number };
    const initiatedBy = await this.whoAmI(AbortSignal.timeout(this.cfg.timeoutMs)).catch(() => undefined);
    const dep = toDeployment({ ...build, url: build.url ?? this.client.url(`${jobUrl}/${q.number}/`).href }, { ...base, initiatedBy })
      ?? { ...toDeployment({ ...build, actions: [{ parameters: [{ name: this.cfg.versionParameter, value: version }, { name: this.cfg.environmentParameter, value: environment }] }] }, { ...base, initiatedBy })! };
    // The version asked for, whatever parameters the job declares (Jenkins drops undeclared ones).
    if (!buildParameters(build)[this.cfg.versionParameter]) { dep.version = version; dep.ref = version; }
    if (f.blockedAtInput) {
      dep.status = 'pending';
      dep.toolStatus = 'INPUT_REQUIRED';
      this.records.put(dep);
      const e = new Errors.DeploymentBlocked(`Jenkins build ${dep.url} waits at an input step for a person; the run's time ran out. It was left waiting: approve or abort it in Jenkins.`);
      return { status: abortStatus(ctx.signal), exitCode: null, error: summary(e), value: dep };
    }
    if (f.leftRunning) {
      this.records.put(dep);
      return { status: abortStatus(ctx.signal), exitCode: null, value: dep };
    }
    if (f.stopped && dep.status === 'running') dep.toolStatus = 'BUILDING';
    this.records.put(dep);
    const result = build.result ?? 'BUILDING';
    io.line(`build #${q.number} finished: ${result}`);
    if (result === 'SUCCESS') return { status: 'succeeded', exitCode: 0, value: dep };
    if ((result === 'ABORTED' || result === 'NOT_BUILT' || f.stopped) && ctx.signal.aborted) {
      return { status: abortStatus(ctx.signal), exitCode: null, value: dep, ...(isTimeout(ctx.signal) ? { error: summary(new Errors.ExecutionTimeout(`the run's time ran out; Jenkins build ${dep.url} was stopped (${result})`)) } : {}) };
    }
    const e = new Errors.DeploymentFailed(`Jenkins build ${dep.url} ended ${result}${result === 'ABORTED' || result === 'NOT_BUILT' ? ' (stopped in Jenkins, not by Capstan)' : ''}`, { extra: { toolStatus: result } });
    return { status: 'failed', exitCode: 1, error: summary(e), value: dep };
  }

  /** Where a rollback goes: toVersion, else the successful build before the anchor (deploymentId, or the latest successful one). */
  private async rollbackPoint(p: RollbackParams, signal: AbortSignal): Promise<{ version: string; previousVersion?: string }> {
    const path = jobPath(this.cfg.job, p.application, p.environment);
    const builds = await new History(this.client, this.cfg, this.records).builds(path, signal, 500);
    const env = (b: JenkinsBuild) => buildParameters(b)[this.cfg.environmentParameter];
    const ver = (b: JenkinsBuild) => buildParameters(b)[this.cfg.versionParameter];
    const mine = builds.filter((b) => env(b) === p.environment && ver(b) !== undefined);
    let anchor: JenkinsBuild | undefined;
    if (p.deploymentId) {
      const id = parseDeploymentId(p.deploymentId)!;
      anchor = builds.find((b) => b.number === id.number);
      if (!anchor) throw new Errors.RecordNotFound(`Jenkins job ${path} has no build #${id.number} (deployment ${p.deploymentId})`);
      if (env(anchor) !== p.environment) throw new Errors.RecordNotFound(`deployment ${p.deploymentId} deployed to environment '${env(anchor) ?? 'unknown'}', not '${p.environment}'`);
    } else {
      anchor = mine.find((b) => b.result === 'SUCCESS');
    }
    if (p.toVersion) return { version: p.toVersion, ...(anchor && ver(anchor) ? { previousVersion: ver(anchor) } : {}) };
    if (!anchor) throw new Errors.RecordNotFound(`Jenkins job ${path} has no successful deployment of ${p.application} to ${p.environment}: nothing to roll back from`);
    const from = ver(anchor);
    const to = mine.find((b) => b.number < anchor!.number && b.result === 'SUCCESS' && ver(b) !== from);
    if (!to) throw new Errors.RecordNotFound(`Jenkins job ${path} has no successful deployment of ${p.application} to ${p.environment} before build #${anchor.number} (${from}): nothing to roll back to`);
    return { version: ver(to)!, previousVersion: from };
  }

  // ---- deploy.status ----

  private async status(id: string, ctx: ExecutionContext): Promise<DeploymentT | null> {
    const parsed = parseDeploymentId(id);
    if (!parsed) return null;
    const stored = this.records.get(id);
    let build: JenkinsBuild;
    try {
      build = await this.client.json<JenkinsBuild>(`${jobUrlPath(parsed.path)}/${parsed.number}/api/json`, { query: new URLSearchParams({ tree: BUILD_TREE }), signal: ctx.signal });
    } catch (err) {
      if (err instanceof Errors.RecordNotFound) return stored ?? null;
      throw err;
    }
    const fromPath = jobOf(this.cfg.job, parsed.path);
    const application = stored?.application ?? fromPath?.application ?? parsed.path;
    const dep = toDeployment(build, {
      path: parsed.path, application, versionParameter: this.cfg.versionParameter, environmentParameter: this.cfg.environmentParameter,
      environment: stored?.environment ?? fromPath?.environment, targets: stored?.targets, executionId: stored?.executionId, initiatedBy: stored?.initiatedBy, previousVersion: stored?.previousVersion,
    });
    return dep ?? stored ?? null;
  }

  /** The token's principal (GET /me/api/json `id`), read once. */
  private async whoAmI(signal: AbortSignal): Promise<string | undefined> {
    if (this.me) return this.me;
    const me = await this.client.json<{ id?: string }>('me/api/json', { signal });
    this.me = me.id;
    return this.me;
  }
}

export { deploymentId };
