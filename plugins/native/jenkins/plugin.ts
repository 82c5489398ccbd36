/**
 * The jenkins plugin: deployments as parameterised Jenkins builds (cicd-apis.md section 1).
 * deploy.execute triggers `buildWithParameters` on the application's job (template `job`), follows the queue
 * item to its build, streams the progressive console log and maps the result; deploy.rollback re-triggers the
 * job with an earlier successful build's version; deploy.status and deploy.history read builds back.
 */
import { randomUUID } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import type { Logger } from 'pino';
import { deployExecute, deployHistory, deployRollback, deployStatus } from '../../../src/capabilities/index.js';
import { SECRET_KEY_NAMES } from '../../../src/capabilities/sensitive.js';
import { abortStatus } from '../../../src/core/abort.js';
import { gitRefProblem } from '../../../src/core/git-ref.js';
import { CapstanError, Errors, toCapstanError } from '../../../src/core/errors.js';
import { BasePlugin, implement, type ExecutionContext, type HealthStatus, type ParamIssue, type PluginCapability, type TargetOutcome } from '../../../src/core/types.js';
import { secretMask } from '../../../src/observability/secret-scrubber.js';
import { JenkinsClient } from './client.js';
import { allowList, type JenkinsConfig } from './config.js';
import { afterAbort, bounded, BUILD_TREE, BuildFollower, CONFIRM_MS, follow, isShutdown, isTimeout, otherFollowers, type Followed } from './follow.js';
import { History } from './history.js';
import { buildParameters, deploymentId, jobOf, jobPath, jobPathProblem, jobUrlPath, parseDeploymentId, SOURCE, toDeployment, type DeploymentT, type JenkinsBuild } from './map.js';
import { DeploymentRecords } from './store.js';

export const PLUGIN_ID = SOURCE;
const SECRET_KEY = new RegExp(SECRET_KEY_NAMES, 'i');

type ExecuteParams = Static<typeof deployExecute.params>;
type RollbackParams = Static<typeof deployRollback.params>;
type Mask = <T>(v: T) => T;
/**
 * What a run's steps share: its output, the one deadline after an abort (A1: abortSettleMs minus a 2 s margin,
 * from the abort) and whether the trigger POST was sent (from then on something may run in Jenkins).
 */
interface Io { line: (l: string) => void; notice: (m: string) => void; deadline: AbortSignal; sent: boolean }
/** The margin kept before the engine's own deadline after an abort (A1). */
const SETTLE_MARGIN_MS = 2000;

const summary = (e: CapstanError) => ({ category: e.category, code: e.code, title: e.title, detail: e.message });

/**
 * Names `buildWithParameters` itself interprets (ParameterizedJobMixIn / BuildAuthorizationToken:
 * `delay` quiet period, `token` + `cause` remote trigger, `json` the UI form encoding): sent as parameters
 * they would change how the build is scheduled, not what it deploys.
 */
export const RESERVED_PARAMETERS = ['delay', 'token', 'cause', 'json'];

/**
 * Why a version cannot be sent as the version parameter (it names a git ref for most deploy jobs): git's ref
 * rules (src/core/git-ref.ts), and no whitespace of any kind. undefined when fine.
 */
export function refProblem(v: string): string | undefined {
  if (/\s/.test(v)) return 'it holds whitespace';
  return gitRefProblem(v);
}

/** A failure with the run's abort cause: shutdown -> ServerClosing, timeout -> ExecutionTimeout, cancel -> none. */
function abortError(signal: AbortSignal, what: string): CapstanError | undefined {
  if (isShutdown(signal)) return new Errors.ServerClosing(`Capstan shut down ${what}`);
  if (isTimeout(signal)) return new Errors.ExecutionTimeout(`the run's time ran out ${what}`);
  return undefined;
}

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
    // The template's literal parts must give job paths deployment ids can name (no `..`, no space, no `~`).
    const sample = jobPath(this.cfg.job, 'app', 'env');
    const problem = this.cfg.job.includes('{application}') ? jobPathProblem(sample) : 'does not name {application}';
    if (problem) throw new Errors.Config(`plugins.jenkins.job '${this.cfg.job}' ${problem} (e.g. '${sample}')`, { extra: { errors: [{ in: 'config', pointer: '/plugins/jenkins/job', message: problem }] } });
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
    const opts = { runsAsServer: () => true, abortSettleMs: this.abortSettleMs() };
    return [
      implement(deployExecute, async (p, ctx) => this.execute(p, ctx), { ...opts, validate: async (p) => this.checkExecute(p) }),
      implement(deployRollback, async (p, ctx) => this.rollback(p, ctx), { ...opts, validate: async (p) => this.checkRollback(p) }),
      implement(deployStatus, async (p, ctx) => ({ deployment: await this.status(p.id, ctx) })),
      implement(deployHistory, async (p, ctx) => new History(this.client, this.cfg, this.records).page(p, ctx.signal)),
    ];
  }

  /** What the engine waits after an abort (declared in implement); the plugin keeps SETTLE_MARGIN_MS of it. */
  private abortSettleMs(): number {
    return CONFIRM_MS + 2 * this.cfg.stopGraceMs + 5000;
  }

  // ---- validation (no network) ----

  private allowIssues(application: string, environment: string): ParamIssue[] {
    const issues: ParamIssue[] = [];
    const apps = allowList(this.cfg.applications);
    const envs = allowList(this.cfg.environments);
    if (apps && !apps.includes(application)) issues.push({ pointer: '/application', message: `not among plugins.jenkins.applications (${apps.join(', ')})` });
    if (envs && !envs.includes(environment)) issues.push({ pointer: '/environment', message: `not among plugins.jenkins.environments (${envs.join(', ')})` });
    const path = jobPath(this.cfg.job, application, environment);
    const problem = path ? jobPathProblem(path) : 'is empty';
    if (problem) issues.push({ pointer: '/application', message: `gives job path '${path}' with plugins.jenkins.job '${this.cfg.job}', which ${problem}` });
    return issues;
  }

  checkExecute(p: ExecuteParams): ParamIssue[] {
    const issues = [...this.allowIssues(p.application, p.environment), ...this.versionIssues(p.version, '/version')];
    for (const [k, v] of Object.entries(p.parameters ?? {})) {
      const ptr = `/parameters/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (v !== null && typeof v === 'object') issues.push({ pointer: ptr, message: 'Jenkins build parameters are strings: give a string, number or boolean' });
      else if (k === this.cfg.versionParameter || k === this.cfg.environmentParameter) issues.push({ pointer: ptr, message: `is set from ${k === this.cfg.versionParameter ? 'version' : 'environment'}: give it there` });
      else if (k === this.cfg.executionIdParameter) issues.push({ pointer: ptr, message: `is set by Capstan to the execution id (plugins.jenkins.executionIdParameter)` });
      else if (RESERVED_PARAMETERS.includes(k.toLowerCase())) issues.push({ pointer: ptr, message: `'${k}' is interpreted by Jenkins' buildWithParameters itself (${RESERVED_PARAMETERS.join(', ')}: quiet period, remote trigger token and cause, form encoding), not passed to the job: rename the job's parameter` });
      else if (!k.trim() || /[\u0000-\u001f\u007f=&]/.test(k)) issues.push({ pointer: ptr, message: 'is not a Jenkins parameter name' });
      else if (typeof v === 'string' && /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v)) issues.push({ pointer: ptr, message: 'holds a control character' });
    }
    return issues;
  }

  private versionIssues(v: string | undefined, pointer: string): ParamIssue[] {
    if (v === undefined) return [];
    const problem = refProblem(v);
    return problem ? [{ pointer, message: `${problem}: the version is sent as Jenkins parameter ${this.cfg.versionParameter}, which must be a valid ref` }] : [];
  }

  checkRollback(p: RollbackParams): ParamIssue[] {
    const issues = [...this.allowIssues(p.application, p.environment), ...this.versionIssues(p.toVersion, '/toVersion')];
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
  private async runAll(ctx: ExecutionContext, mask: Mask, body: (io: Io) => Promise<Omit<TargetOutcome, 'target'>>): Promise<{ results: TargetOutcome[] }> {
    const targets = (ctx.targets ?? []).map((n) => n.name);
    const first = targets[0] ?? 'localhost';
    for (const other of targets.slice(1)) ctx.emit({ type: 'notice', target: other, message: `the Jenkins build's log streams under ${first}` });
    const io: Io = {
      line: (line: string) => ctx.emit(mask({ type: 'stdout', target: first, line })),
      notice: (message: string) => ctx.emit(mask({ type: 'notice', target: first, message })),
      deadline: afterAbort(ctx.signal, this.abortSettleMs() - SETTLE_MARGIN_MS),
      sent: false,
    };
    const started = performance.now();
    let outcome: Omit<TargetOutcome, 'target'>;
    try {
      outcome = await body(io);
    } catch (err) {
      const e = toCapstanError(err);
      if (io.sent) {
        // The trigger POST was sent: something may run in Jenkins (an unknown outcome, a queue item that could
        // not be followed). Never 'nothing was triggered'; when the run was aborted meanwhile the detail is
        // also a notice, as the outcome's error may not be looked at.
        if (ctx.signal.aborted) io.notice(e.message);
        outcome = { status: 'failed', exitCode: null, error: summary(e) };
      } else if (ctx.signal.aborted) {
        // Aborted before a build existed (a rollback's look-up): nothing runs in Jenkins.
        const ae = abortError(ctx.signal, 'before a Jenkins build existed; nothing was triggered');
        outcome = { status: abortStatus(ctx.signal), exitCode: null, ...(ae ? { error: summary(ae) } : {}) };
      } else {
        // No build result behind this failure (the trigger refused, a look-up failed): no exit code.
        outcome = { status: 'failed', exitCode: null, error: summary(e) };
      }
    }
    outcome = mask({ ...outcome, durationMs: Math.round(performance.now() - started) });
    const results = (targets.length ? targets : [first]).map((target) => ({ target, ...outcome }));
    for (const r of results) ctx.emit({ type: 'target_result', ...r });
    return { results };
  }

  private async deploy(application: string, environment: string, version: string, extra: Record<string, unknown>, ctx: ExecutionContext, io: Io, previousVersion?: string): Promise<Omit<TargetOutcome, 'target'>> {
    const path = jobPath(this.cfg.job, application, environment);
    const jobUrl = jobUrlPath(path);
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(extra)) if (v !== null && v !== undefined) form.append(k, String(v));
    form.set(this.cfg.versionParameter, version);
    form.set(this.cfg.environmentParameter, environment);
    const me = ctx.executionId ?? `run-${randomUUID()}`;
    const corr = await this.correlation(jobUrl, path, ctx, io);
    if (corr) form.set(corr, me);
    // Aborted before the POST (during the job look-up): nothing is sent.
    if (ctx.signal.aborted) throw new Errors.Upstream(`the run was aborted before the trigger of Jenkins job ${path} was sent`);
    const located = await this.trigger(jobUrl, path, form, corr, me, ctx.signal, io);
    if (ctx.signal.aborted && !located.number) io.notice(`the run was aborted while the trigger was sent: Jenkins queued item #${located.queueId} of ${path}`);
    const queueId = located.queueId;
    // Merged (303) into an item another execution queued: that one triggered it (the record keeps it; this
    // execution is kept among the record's executionIds).
    const creator = located.merged ? otherFollowers(jobUrl, queueId, me)[0] : undefined;
    const release = follow(jobUrl, queueId, me);
    try {
      const follower = new BuildFollower(this.client, this.cfg, jobUrl, io, ctx.signal, io.deadline);
      follower.others = () => otherFollowers(jobUrl, queueId, me);
      const q = located.number ? { number: located.number } : await follower.queue(`queue/item/${queueId}/`);
      const base = { path, application, environment, versionParameter: this.cfg.versionParameter, environmentParameter: this.cfg.environmentParameter, targets: (ctx.targets ?? []).map((n) => n.name), executionId: creator ?? ctx.executionId, previousVersion };
      if (!q.number) {
        if ('leftQueued' in q && q.leftQueued) {
          return { status: 'canceled', exitCode: null, error: summary(new Errors.ServerClosing(`Capstan shut down while Jenkins queue item #${queueId} of ${path} waited; it was left in the queue (not cancelled) and will run without Capstan`)) };
        }
        if ('shared' in q && q.shared) {
          const ae = abortError(ctx.signal, `while Jenkins queue item #${queueId} of ${path} waited; other executions follow it, so it was not cancelled`);
          return { status: abortStatus(ctx.signal), exitCode: null, ...(ae ? { error: summary(ae) } : {}) };
        }
        if ('stopped' in q && q.stopped) {
          const ae = abortError(ctx.signal, `while Jenkins queue item #${queueId} of ${path} waited; it was cancelled in Jenkins`);
          return { status: abortStatus(ctx.signal), exitCode: null, ...(ae ? { error: summary(ae) } : {}) };
        }
        const e = new Errors.DeploymentFailed(`Jenkins queue item #${queueId} of ${path} was cancelled in Jenkins before it ran (toolStatus CANCELLED)`);
        return { status: 'failed', exitCode: null, error: summary(e) };
      }
      io.line(`build #${q.number} started: ${this.client.url(`${jobUrl}/${q.number}/`).href}`);
      let f: Followed;
      let lost: CapstanError | undefined;
      try {
        f = await follower.build(q.number, 'stopped' in q && !!q.stopped);
      } catch (err) {
        // Following failed once the build existed (A4): its log read so far is flushed (BuildFollower.build),
        // the value is answered and the record kept, so deploy.status can tell how it ends.
        lost = toCapstanError(err);
        f = { build: follower.last };
      }
      const build = f.build ?? { number: q.number };
      // Optional look-ups (who-am-i, the previous version) are skipped after an abort or a lost follow (A1).
      const optional = !ctx.signal.aborted && !lost;
      const initiatedBy = optional ? await this.whoAmI(AbortSignal.timeout(this.cfg.timeoutMs)).catch(() => undefined) : this.me;
      // The version live in the environment before this build (the latest successful one before it), when Jenkins tells it.
      const prev = previousVersion ?? (optional ? await this.versionBefore(path, environment, q.number).catch(() => undefined) : undefined);
      const ctxMap = { ...base, initiatedBy, previousVersion: prev };
      const dep = toDeployment({ ...build, url: build.url ?? this.client.url(`${jobUrl}/${q.number}/`).href }, ctxMap)
        ?? { ...toDeployment({ ...build, url: build.url ?? this.client.url(`${jobUrl}/${q.number}/`).href, actions: [{ parameters: [{ name: this.cfg.versionParameter, value: version }, { name: this.cfg.environmentParameter, value: environment }] }] }, ctxMap)! };
      // The version asked for, whatever parameters the job declares (Jenkins drops undeclared ones).
      if (!buildParameters(build)[this.cfg.versionParameter]) { dep.version = version; dep.ref = version; }
      if (lost) {
        if (dep.status === 'succeeded' || dep.status === 'failed' || dep.status === 'canceled') { /* as last read */ } else { dep.status = 'running'; dep.toolStatus = build.result ?? 'UNKNOWN'; }
        this.records.put(dep, ctx.executionId);
        const msg = `following Jenkins build ${dep.url} failed: ${lost.message}. It may still run: deploy.status ${dep.id} tells how it ends`;
        if (ctx.signal.aborted) io.notice(msg);
        // The cause's own code (not found, auth, upstream), with what happened to the build in the detail.
        return { status: 'failed', exitCode: null, error: { ...summary(lost), detail: msg }, value: dep };
      }
      if (f.blockedAtInput) {
        dep.status = 'pending';
        dep.toolStatus = 'INPUT_REQUIRED';
        this.records.put(dep, ctx.executionId);
        const e = new Errors.DeploymentBlocked(`Jenkins build ${dep.url} waits at an input step for a person; the run's time ran out. It was left waiting: approve or abort it in Jenkins.`);
        return { status: abortStatus(ctx.signal), exitCode: null, error: summary(e), value: dep };
      }
      if (f.leftRunning) {
        this.records.put(dep, ctx.executionId);
        const e = new Errors.ServerClosing(`Capstan shut down while following Jenkins build ${dep.url}; the build was left running in Jenkins (deploy.status ${dep.id} tells how it ends)`);
        return { status: 'canceled', exitCode: null, error: summary(e), value: dep };
      }
      if (f.shared) {
        this.records.put(dep, ctx.executionId);
        const ae = abortError(ctx.signal, `while following Jenkins build ${dep.url}; other executions follow the same build, so it was not stopped`);
        return { status: abortStatus(ctx.signal), exitCode: null, value: dep, ...(ae ? { error: summary(ae) } : {}) };
      }
      if (f.stopped && dep.status === 'running') dep.toolStatus = 'BUILDING';
      this.records.put(dep, ctx.executionId);
      const result = build.result ?? 'BUILDING';
      io.line(`build #${q.number} finished: ${result}`);
      if (result === 'SUCCESS') return { status: 'succeeded', exitCode: 0, value: dep };
      if ((result === 'ABORTED' || result === 'NOT_BUILT' || f.stopped) && ctx.signal.aborted) {
        const ae = isTimeout(ctx.signal) ? new Errors.ExecutionTimeout(`the run's time ran out; Jenkins build ${dep.url} was stopped (${result})`) : undefined;
        return { status: abortStatus(ctx.signal), exitCode: null, value: dep, ...(ae ? { error: summary(ae) } : {}) };
      }
      const e = new Errors.DeploymentFailed(`Jenkins build ${dep.url} ended ${result}${result === 'ABORTED' || result === 'NOT_BUILT' ? ' (stopped in Jenkins, not by Capstan)' : ''}`, { extra: { toolStatus: result } });
      return { status: 'failed', exitCode: 1, error: summary(e), value: dep };
    } finally {
      release();
    }
  }

  /**
   * The executionIdParameter to send, when configured and declared by the job (GET <job>/api/json
   * `property[parameterDefinitions[name]]`); undefined otherwise (a notice says why).
   */
  private async correlation(jobUrl: string, path: string, ctx: ExecutionContext, io: { notice: (m: string) => void }): Promise<string | undefined> {
    const name = this.cfg.executionIdParameter;
    if (!name) return undefined;
    const job = await this.client.json<{ property?: ({ parameterDefinitions?: { name?: string }[] } | null)[] }>(`${jobUrl}/api/json`, { query: new URLSearchParams({ tree: 'property[parameterDefinitions[name]]' }), signal: ctx.signal });
    const declared = (job.property ?? []).some((pr) => pr?.parameterDefinitions?.some((d) => d?.name === name));
    if (!declared) io.notice(`Jenkins job ${path} does not declare the parameter ${name} (plugins.jenkins.executionIdParameter): the execution id is not sent, so an identical waiting request may be merged and a lost trigger answer cannot be looked for`);
    return declared ? name : undefined;
  }

  /**
   * POST buildWithParameters, once, with its own timeout (not the run's signal: an abort meanwhile must not
   * leave an unknown outcome; the follower then cancels what was queued). An answer lost (timeout, 5xx,
   * connection) is looked for by the execution id parameter before failing.
   */
  private async trigger(jobUrl: string, path: string, form: URLSearchParams, corr: string | undefined, me: string, signal: AbortSignal, io: Io): Promise<{ queueId: string; number?: number; merged?: boolean }> {
    let trigger;
    try {
      trigger = await this.client.request('POST', `${jobUrl}/buildWithParameters`, { form, waitSignal: signal, signal: io.deadline });
    } catch (err) {
      const status = err instanceof CapstanError ? err.extra.upstreamStatus : undefined;
      const unknown = err instanceof Errors.Upstream && (status === undefined || Number(status) >= 500);
      if (!unknown) throw err;
      // Jenkins may have queued it: from here on no message may say nothing was triggered (A3).
      io.sent = true;
      const where = `the queue and the latest builds of Jenkins job ${path}`;
      if (!corr) {
        throw new Errors.DeploymentFailed(`the trigger's outcome is unknown: ${(err as Error).message}. Jenkins may have queued the build anyway: look at ${where} (set plugins.jenkins.executionIdParameter, declared by the job, so Capstan can look for it itself)`, { cause: err });
      }
      io.notice(`the trigger's answer was lost (${(err as Error).message}): looking for a queue item or build with ${corr}=${me}`);
      const found = await this.findTriggered(jobUrl, corr, me, io.deadline).catch(() => undefined);
      if (!found) throw new Errors.DeploymentFailed(`the trigger's outcome is unknown: ${(err as Error).message}; no queue item or build of Jenkins job ${path} carries ${corr}=${me} yet. Look at ${where}`, { cause: err });
      io.line(found.number ? `found build #${found.number} of ${path} triggered by this execution` : `found queued item #${found.queueId} of ${path} triggered by this execution`);
      return found;
    }
    io.sent = true;
    const location = trigger.headers.get('location');
    const queueId = location ? /queue\/item\/(\d+)/.exec(location)?.[1] : undefined;
    if (!queueId) {
      throw new Errors.DeploymentFailed(`Jenkins ${trigger.where} answered HTTP ${trigger.status} without a queue item (Location ${location ?? 'absent'}): nothing was scheduled`);
    }
    if (trigger.status === 303) {
      const others = otherFollowers(jobUrl, queueId, me);
      io.line(`Jenkins merged the request into queued item #${queueId} of ${path} (an identical one was waiting${others.length ? `, followed by execution ${others.join(', ')}` : ''}): one build for both`);
      return { queueId, merged: true };
    }
    io.line(`queued as #${queueId} in Jenkins job ${path}`);
    return { queueId };
  }

  /** The queue item (GET /queue/api/json) or recent build (its `queueId`) whose parameter `name` is `value`. */
  private async findTriggered(jobUrl: string, name: string, value: string, deadline: AbortSignal): Promise<{ queueId: string; number?: number } | undefined> {
    const signal = bounded(this.cfg.timeoutMs * 2, deadline);
    const has = (x: { actions?: ({ parameters?: { name?: string; value?: unknown }[] } | null)[] }) => (x.actions ?? []).some((a) => a?.parameters?.some((p) => p?.name === name && p.value === value));
    const queue = await this.client.json<{ items?: { id: number; task?: { url?: string }; actions?: ({ parameters?: { name?: string; value?: unknown }[] } | null)[] }[] }>('queue/api/json', { query: new URLSearchParams({ tree: 'items[id,task[url],actions[parameters[name,value]]]' }), signal });
    const item = (queue.items ?? []).find((i) => has(i) && (!i.task?.url || new URL(i.task.url, this.client.base).pathname.replace(/\/$/, '').endsWith(`/${jobUrl}`)));
    if (item) return { queueId: String(item.id) };
    const job = await this.client.json<{ builds?: { number: number; queueId?: number; actions?: ({ parameters?: { name?: string; value?: unknown }[] } | null)[] }[] }>(`${jobUrl}/api/json`, { query: new URLSearchParams({ tree: 'builds[number,queueId,actions[parameters[name,value]]]{0,50}' }), signal });
    const b = (job.builds ?? []).find(has);
    return b ? { queueId: String(b.queueId ?? `build-${b.number}`), number: b.number } : undefined;
  }

  /** The version of the latest SUCCESS build of `environment` before build `number` of job `path`. */
  private async versionBefore(path: string, environment: string, number: number): Promise<string | undefined> {
    const builds = await new History(this.client, this.cfg, this.records).builds(path, AbortSignal.timeout(this.cfg.timeoutMs * 2), 100);
    const b = builds.find((x) => x.number < number && x.result === 'SUCCESS' && (buildParameters(x)[this.cfg.environmentParameter] ?? environment) === environment && buildParameters(x)[this.cfg.versionParameter] !== undefined);
    return b ? buildParameters(b)[this.cfg.versionParameter] : undefined;
  }

  /** Where a rollback goes: toVersion, else the successful build before the anchor (deploymentId, or the latest successful one). */
  private async rollbackPoint(p: RollbackParams, signal: AbortSignal): Promise<{ version: string; previousVersion?: string }> {
    const path = jobPath(this.cfg.job, p.application, p.environment);
    const history = new History(this.client, this.cfg, this.records);
    const env = (b: JenkinsBuild) => buildParameters(b)[this.cfg.environmentParameter];
    const ver = (b: JenkinsBuild) => buildParameters(b)[this.cfg.versionParameter];
    const isMine = (b: JenkinsBuild) => env(b) === p.environment && ver(b) !== undefined;
    let anchor: JenkinsBuild | undefined;
    if (p.deploymentId) {
      // The anchor read directly (job/<n>/api/json): it may be older than any list of recent builds.
      const id = parseDeploymentId(p.deploymentId)!;
      try {
        anchor = await this.client.json<JenkinsBuild>(`${jobUrlPath(path)}/${id.number}/api/json`, { query: new URLSearchParams({ tree: BUILD_TREE }), signal });
      } catch (err) {
        if (err instanceof Errors.RecordNotFound) throw new Errors.RecordNotFound(`Jenkins job ${path} has no build #${id.number} (deployment ${p.deploymentId})`, { cause: err });
        throw err;
      }
      if (env(anchor) !== p.environment) throw new Errors.RecordNotFound(`deployment ${p.deploymentId} deployed to environment '${env(anchor) ?? 'unknown'}', not '${p.environment}'`);
    } else {
      anchor = (await history.builds(path, signal, 500)).find((b) => isMine(b) && b.result === 'SUCCESS');
    }
    if (p.toVersion) return { version: p.toVersion, ...(anchor && ver(anchor) ? { previousVersion: ver(anchor) } : {}) };
    if (!anchor) throw new Errors.RecordNotFound(`Jenkins job ${path} has no successful deployment of ${p.application} to ${p.environment}: nothing to roll back from`);
    const from = ver(anchor);
    const to = await history.olderThan(path, anchor.number, (b) => isMine(b) && b.result === 'SUCCESS' && ver(b) !== from, signal);
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
