/**
 * The github-actions plugin: deployments through GitHub Actions workflows (reference: cicd-apis.md §3).
 * deploy.execute dispatches the deploy workflow (ref = version, inputs version / environment / the correlation
 * input = the execution id, plus the request's parameters as strings), finds the run it created (the dispatch's
 * run id, else the run whose run-name echoes the correlation input), follows it (run, jobs, steps, then the
 * job logs) and maps its status/conclusion; a cancel cancels the run in GitHub first. deploy.rollback
 * dispatches an earlier ref (toVersion, else the previous successful deployment of the environment from the
 * Deployments API). deploy.history and deploy.status read the Deployments API and workflow runs.
 */
import { randomUUID } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import type { Logger } from 'pino';
import { gitRefProblem } from '../../../src/core/git-ref.js';
import { mapLimit } from '../../../src/core/map-limit.js';
import { deployExecute, deployHistory, deployRollback, deployStatus } from '../../../src/capabilities/index.js';
import type { DeployExecuteParams, DeployHistoryParams, DeployRollbackParams } from '../../../src/capabilities/deploy.js';
import type { Deployment } from '../../../src/capabilities/records.js';
import { abortStatus } from '../../../src/core/abort.js';
import { Errors, toCapstanError, type CapstanError } from '../../../src/core/errors.js';
import { sleep } from '../../../src/core/http-json.js';
import { BasePlugin, implement, type ExecutionContext, type HealthStatus, type ParamIssue, type PluginCapability, type TargetOutcome } from '../../../src/core/types.js';
import { secretMask } from '../../../src/observability/secret-scrubber.js';
import { GitHubClient, MAX_IN_FLIGHT, nextLink, upstreamStatus, WaitAborted, type WaitPolicy } from './client.js';
import { listOf, MAX_INPUTS, type GitHubActionsConfig } from './config.js';
import { RunFollower, runFailure, withRetries, type GhRun, type GhUser } from './follow.js';
import { applicationOf, deploymentId, fill, parseId, runId, runIdInUrl, SOURCE } from './ids.js';
import { deploymentStatus, FINAL_STATES, runDone, runStatus, toolStatus } from './status.js';
import { RunStore, type RunRecord } from './store.js';

export const PLUGIN_ID = SOURCE;

type DeploymentT = Static<typeof Deployment>;
type ExecuteP = Static<typeof DeployExecuteParams>;
type RollbackP = Static<typeof DeployRollbackParams>;
type HistoryP = Static<typeof DeployHistoryParams>;

interface GhDeployment {
  id: number;
  sha?: string;
  ref?: string;
  task?: string;
  payload?: unknown;
  environment?: string;
  creator?: GhUser | null;
  created_at: string;
  updated_at?: string;
}

interface GhDeploymentStatus {
  id: number;
  state: string;
  created_at: string;
  target_url?: string | null;
  log_url?: string | null;
  environment_url?: string | null;
}

const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** Look this far before the dispatch for its run (clocks of Capstan and GitHub differ). */
const CLOCK_SKEW_MS = 120_000;

export class GitHubActionsPlugin extends BasePlugin {
  readonly metadata = {
    name: PLUGIN_ID, version: '0.1.0', description: 'GitHub Actions: deployments as workflow dispatches, followed run by run; history from the Deployments API.',
    integrationTypes: ['deployment' as const],
  };
  private client!: GitHubClient;
  private readonly store: RunStore;

  constructor(private readonly cfg: GitHubActionsConfig, private readonly logger: Logger, dataDir: string) {
    super();
    this.store = new RunStore(dataDir);
  }

  async initialize(): Promise<void> {
    this.client = new GitHubClient(this.cfg);
    this.logger.info({ apiUrl: this.client.base.origin, owner: this.cfg.owner, repository: this.cfg.repository, workflow: this.cfg.workflow, apiVersion: this.cfg.apiVersion, token: this.cfg.token ? 'set' : 'not set' }, 'github-actions deployment source configured');
  }

  async healthCheck(): Promise<HealthStatus> {
    const details: Record<string, unknown> = { apiUrl: this.client.base.origin, apiVersion: this.cfg.apiVersion, owner: this.cfg.owner ?? null };
    if (!this.cfg.token) return { status: 'unhealthy', message: 'plugins.github-actions.token is not set', details };
    try {
      const { body } = await this.client.request<{ resources?: { core?: { remaining?: number; limit?: number } } }>('GET', 'rate_limit', { signal: AbortSignal.timeout(this.cfg.timeoutMs) });
      const core = body.resources?.core;
      details.rateLimit = core ?? null;
      const login = await this.login(AbortSignal.timeout(this.cfg.timeoutMs));
      if (login) details.login = login;
      if (core && core.remaining === 0) return { status: 'degraded', message: 'GitHub rate limit of the token is spent until its reset', details };
      return { status: 'healthy', message: `GitHub at ${this.client.base.origin}${login ? ` as ${login}` : ''}`, details };
    } catch (err) {
      // A refused token stays `degraded` (as in the jenkins and gitlab plugins): the plugin keeps serving, so a
      // run fails with GitHub's typed 401/403 answer rather than a 503 for want of a provider.
      const refused = err instanceof Errors.Auth;
      return { status: refused ? 'degraded' : 'unhealthy', message: (err as Error).message, details };
    }
  }

  capabilities(): PluginCapability<any, any>[] {
    const settle = this.settleMs();
    return [
      implement(deployExecute, async (p, ctx) => ({ results: await this.execute(p, ctx) }), {
        runsAsServer: () => true, abortSettleMs: settle, validate: async (p) => this.checkExecute(p),
      }),
      implement(deployRollback, async (p, ctx) => ({ results: await this.rollback(p, ctx) }), {
        runsAsServer: () => true, abortSettleMs: settle, validate: async (p) => this.checkRollback(p),
      }),
      implement(deployStatus, async (p, ctx) => ({ deployment: await this.status(p.id, ctx.signal) })),
      implement(deployHistory, async (p, ctx) => this.history(p, ctx.signal)),
    ];
  }

  /** The abortSettleMs the run capabilities declare; everything after an abort fits in it less a 2 s margin (A1). */
  private settleMs(): number {
    return this.cfg.cancelWaitMs + 5000;
  }

  // ---- validation (at submit, no network) ----

  private checkScope(application: string, environment: string): ParamIssue[] {
    const issues: ParamIssue[] = [];
    const apps = listOf(this.cfg.applications);
    const envs = listOf(this.cfg.environments);
    if (apps && !apps.includes(application)) issues.push({ pointer: '/application', message: `application '${application}' is not in plugins.github-actions.applications (${apps.join(', ')})` });
    if (envs && !envs.includes(environment)) issues.push({ pointer: '/environment', message: `environment '${environment}' is not in plugins.github-actions.environments (${envs.join(', ')})` });
    return issues;
  }

  /** The repository an application names, checked at submit (R8): an issue at /application when it is none. */
  private checkRepo(application: string, environment: string): ParamIssue[] {
    if (this.cfg.repository.includes('{owner}') && !this.cfg.owner) return []; // a server configuration error, told at run time
    const repo = fill(this.cfg.repository, { owner: this.cfg.owner, application, environment });
    const why = badRepo(repo);
    return why ? [{ pointer: '/application', message: `application '${application}' makes '${repo}' through plugins.github-actions.repository (${this.cfg.repository}), which is not a GitHub repository: ${why}` }] : [];
  }

  checkExecute(p: ExecuteP): ParamIssue[] {
    const issues = [...this.checkScope(p.application, p.environment), ...this.checkRepo(p.application, p.environment)];
    const refIssue = gitRefProblem(p.version);
    if (refIssue) issues.push({ pointer: '/version', message: `'${p.version}' cannot be the dispatch ref (a branch or tag name): ${refIssue}` });
    const own = this.ownInputs();
    const params = p.parameters ?? {};
    for (const [k, v] of Object.entries(params)) {
      const at = `/parameters/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!INPUT_NAME.test(k) || k.length > 100) issues.push({ pointer: at, message: `'${k}' is not a GitHub workflow input name (letters, digits, _ and -, starting with a letter or _)` });
      if (own.includes(k)) issues.push({ pointer: at, message: `'${k}' is the input Capstan sets itself (${own.join(', ')}); use the request's own field` });
      if (v === null || typeof v === 'object') issues.push({ pointer: at, message: 'GitHub workflow inputs are strings: give a string (numbers and booleans are sent as strings), not an object, array or null' });
    }
    const count = own.length + Object.keys(params).length;
    if (count > MAX_INPUTS) issues.push({ pointer: '/parameters', message: `GitHub accepts at most ${MAX_INPUTS} workflow_dispatch inputs; this deploy would send ${count} (${own.join(', ')} and ${Object.keys(params).length} parameter(s))` });
    return issues;
  }

  checkRollback(p: RollbackP): ParamIssue[] {
    const issues = [...this.checkScope(p.application, p.environment), ...this.checkRepo(p.application, p.environment)];
    const refIssue = p.toVersion === undefined ? undefined : gitRefProblem(p.toVersion);
    if (refIssue) issues.push({ pointer: '/toVersion', message: `'${p.toVersion}' cannot be the dispatch ref (a branch or tag name): ${refIssue}` });
    if (p.deploymentId !== undefined) {
      const id = parseId(p.deploymentId);
      if (!id) issues.push({ pointer: '/deploymentId', message: `'${p.deploymentId}' is not a deployment id of ${SOURCE} (github-actions.<owner>~<repo>.<deployment id> or .run-<run id>)` });
      else if ((this.cfg.owner || !this.cfg.repository.includes('{owner}')) && !issues.some((i) => i.pointer === '/application')) {
        const repo = this.repoOf(p.application, p.environment);
        if (id.repo.toLowerCase() !== repo.toLowerCase()) issues.push({ pointer: '/deploymentId', message: `deployment '${p.deploymentId}' is of repository ${id.repo}, not ${repo} (application ${p.application})` });
      }
      // A run (or deployment) Capstan started: its local record tells its application and environment (R7).
      const rec = id ? (id.kind === 'run' ? this.store.find(id.repo, id.num) : this.store.byDeployment(id.repo, id.num)) : undefined;
      if (rec && (rec.application !== p.application || rec.environment !== p.environment) && !issues.some((i) => i.pointer === '/deploymentId')) {
        issues.push({ pointer: '/deploymentId', message: `deployment '${p.deploymentId}' deployed ${rec.application} to ${rec.environment}, not ${p.application} to ${p.environment}` });
      }
    }
    return issues;
  }

  /** The inputs Capstan sets itself (names configured, empty ones not sent). */
  private ownInputs(): string[] {
    return [this.cfg.versionInput, this.cfg.environmentInput, this.cfg.correlationInput].filter(Boolean);
  }

  // ---- deploy / rollback ----

  private async execute(p: ExecuteP, ctx: ExecutionContext): Promise<TargetOutcome[]> {
    return this.deploy({ application: p.application, environment: p.environment, version: p.version, parameters: p.parameters ?? {} }, ctx);
  }

  private async rollback(p: RollbackP, ctx: ExecutionContext): Promise<TargetOutcome[]> {
    const io = this.io(ctx);
    let found: { version: string; previousVersion?: string };
    try {
      found = await this.rollbackPoint(p, ctx, io.wait);
    } catch (err) {
      if (ctx.signal.aborted) return this.stopped(ctx, io, undefined, undefined, false);
      return this.results(ctx, 'failed', null, toCapstanError(err));
    }
    io.out(`rolling ${p.application} in ${p.environment} back to ${found.version}${found.previousVersion ? ` (from ${found.previousVersion})` : ''}`);
    return this.deploy({ application: p.application, environment: p.environment, version: found.version, parameters: {}, previousVersion: found.previousVersion }, ctx, io);
  }

  private async deploy(d: { application: string; environment: string; version: string; parameters: Record<string, unknown>; previousVersion?: string }, ctx: ExecutionContext, given?: ReturnType<GitHubActionsPlugin['io']>): Promise<TargetOutcome[]> {
    const io = given ?? this.io(ctx);
    let follower: RunFollower | undefined;
    let rec: RunRecord | undefined;
    let dispatched: { repo: string; wfPath: string; ref: string; correlation: string; since: Date } | undefined;
    let knownId: number | undefined;
    /** Set while the dispatch's outcome is unknown and its run not found (A3): the detail that says so. */
    let unknown: string | undefined;
    let previousVersion = d.previousVersion;
    const record = (repo: string, id: number, url?: string): RunRecord => {
      const r: RunRecord = {
        repo, runId: id, application: d.application, environment: d.environment, version: d.version,
        ...(previousVersion ? { previousVersion } : {}),
        targets: (ctx.targets ?? []).map((n) => n.name), ...(ctx.executionId ? { executionId: ctx.executionId } : {}),
        startedAt: new Date().toISOString(), ...(url ? { url } : {}),
      };
      this.store.save(r);
      return r;
    };
    try {
      const repo = this.repoOf(d.application, d.environment);
      const workflow = fill(this.cfg.workflow, { owner: this.cfg.owner, application: d.application, environment: d.environment });
      const correlation = ctx.executionId ?? randomUUID();
      const inputs: Record<string, string> = {};
      for (const [k, v] of Object.entries(d.parameters)) inputs[k] = String(v);
      if (this.cfg.versionInput) inputs[this.cfg.versionInput] = d.version;
      if (this.cfg.environmentInput) inputs[this.cfg.environmentInput] = d.environment;
      inputs[this.cfg.correlationInput] = correlation;
      const newApi = this.cfg.apiVersion >= '2026-03-10';
      const body = { ref: d.version, inputs, ...(!newApi && this.cfg.returnRunDetails ? { return_run_details: true } : {}) };
      const wfPath = `${this.client.repoPath(repo)}/actions/workflows/${encodeURIComponent(workflow)}`;
      if (previousVersion === undefined) previousVersion = await this.previousSuccess(repo, d.environment, ctx, io.wait);
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const since = new Date(Date.now() - CLOCK_SKEW_MS);
      dispatched = { repo, wfPath, ref: d.version, correlation, since };
      // The dispatch is sent once, with its own time (timeoutMs), not the run's signal: an abort meanwhile is
      // handled once its outcome is known. A refusal (400/422) fails the deployment with GitHub's words; an
      // unknown outcome (no answer, 5xx) looks for the run by its correlation input before failing.
      let answer: Awaited<ReturnType<GitHubClient['request']>> & { body: { workflow_run_id?: number; html_url?: string } };
      try {
        // Rate-limit waits before the POST are cut by the run's signal (A2): aborted there, nothing was sent.
        answer = await this.client.request<{ workflow_run_id?: number; html_url?: string }>('POST', `${wfPath}/dispatches`, { body, waitSignal: ctx.signal, wait: { maxWaitMs: this.cfg.maxRateLimitWaitMs, notice: io.notice } });
      } catch (err) {
        if (err instanceof WaitAborted) {
          dispatched = undefined;
          io.notice(`aborted while waiting for GitHub's rate limit before the dispatch of ${workflow}: nothing was dispatched`);
          throw err.reason;
        }
        const status = upstreamStatus(err);
        if (status === 400 || status === 422) {
          io.notice(`GitHub refused the dispatch: ${(err as Error).message}`);
          return this.results(ctx, 'failed', null, new Errors.DeploymentFailed((err as Error).message, { extra: { upstreamStatus: status } }));
        }
        if (status !== undefined && status < 500) throw err;
        io.notice(`the dispatch of ${workflow} got no clear answer (${(err as Error).message}); looking for a run carrying ${this.cfg.correlationInput}=${correlation} before failing`);
        const detail = `the outcome of the dispatch of workflow ${workflow} of ${repo} on ${d.version} is unknown (${(err as Error).message}): it may have started a run; no run carrying ${this.cfg.correlationInput}=${correlation} was found: look at https://github.com/${repo}/actions/workflows/${workflow} whether it started`;
        unknown = detail;
        try {
          knownId = await this.findRun(dispatched, ctx.signal, io, this.cfg.findRunTimeoutMs);
          unknown = undefined;
        } catch (e) {
          if (ctx.signal.aborted) throw e;
          io.notice(detail);
          return this.results(ctx, 'failed', null, new Errors.DeploymentFailed(detail, { cause: err, extra: { outcome: 'unknown' } }));
        }
        answer = { status: 0, headers: new Headers(), body: {} };
      }
      if (answer.status === 200 && answer.body.workflow_run_id) knownId = answer.body.workflow_run_id;
      ctx.logger.info({ repo, workflow, ref: d.version, runId: knownId ?? null, status: answer.status }, 'github-actions workflow dispatched');
      io.out(`workflow ${workflow} of ${repo} dispatched on ${d.version}${knownId ? `: run ${knownId}` : '; looking for its run'}`);
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const id = knownId ?? await this.findRun(dispatched, ctx.signal, io, this.cfg.findRunTimeoutMs);
      rec = record(repo, id, answer.body.html_url);
      follower = new RunFollower(this.client, this.cfg, repo, id, io, io.wait);
      const run = await follower.follow(ctx.signal);
      await this.linkDeployment(rec, run, ctx.signal, io);
      const value = this.fromRun(run, repo, rec);
      ctx.logger.info({ repo, runId: run.id, toolStatus: value.toolStatus, status: value.status }, 'github-actions run ended');
      if (value.status === 'succeeded') {
        io.out(`run ${run.id} succeeded (${toolStatus(run.status, run.conclusion)})`);
        return this.results(ctx, 'succeeded', value);
      }
      return this.results(ctx, 'failed', value, runFailure(run, repo), 1);
    } catch (err) {
      if (!ctx.signal.aborted) {
        const e = toCapstanError(err);
        if (follower) await follower.flush(AbortSignal.timeout(this.cfg.cancelWaitMs), false);
        io.notice(`deployment failed: ${e.message}`);
        return this.results(ctx, 'failed', follower?.run && rec ? this.fromRun(follower.run, rec.repo, rec) : null, e);
      }
      if ((!follower || !rec) && dispatched) {
        // Aborted around the dispatch or while looking for the run: find it (a little longer), to cancel it
        // (or, on a shutdown, to keep its record so that deploy.status follows it later).
        const end = io.end();
        const id = knownId ?? await this.findRun(dispatched, AbortSignal.any([end, AbortSignal.timeout(this.cfg.cancelWaitMs / 2)]), io, this.cfg.cancelWaitMs / 2).catch(() => undefined);
        if (id !== undefined) {
          unknown = undefined;
          rec = record(dispatched.repo, id);
          follower = new RunFollower(this.client, this.cfg, dispatched.repo, id, io, io.wait);
        }
      }
      return this.stopped(ctx, io, follower, rec, !!dispatched, unknown);
    }
  }

  /**
   * The run was aborted (R2): a server shutdown leaves it running in GitHub (canceled + ServerClosing, record
   * kept); a timeout while it waits for a person leaves it waiting (timed_out + DeploymentBlocked); otherwise it
   * is canceled in GitHub first (cancel: canceled, no error; timeout: timed_out + ExecutionTimeout). The logs of
   * the jobs that completed are streamed on every path.
   */
  private async stopped(ctx: ExecutionContext, io: ReturnType<GitHubActionsPlugin['io']>, follower: RunFollower | undefined, rec: RunRecord | undefined, dispatched: boolean, unknown?: string): Promise<TargetOutcome[]> {
    const how = abortStatus(ctx.signal);
    const shutdown = ctx.signal.reason === 'shutdown';
    const words = how === 'timed_out' ? 'timed out' : 'canceled';
    if (!follower || !rec) {
      // The dispatch's outcome is unknown and no run was found (A3): the detail is told, whatever the outcome.
      if (unknown) io.notice(unknown);
      if (shutdown) {
        io.notice(dispatched ? 'the server is shutting down: the workflow was dispatched but its run was not found yet; whatever GitHub started is left running' : 'the server is shutting down: nothing was dispatched');
        return this.results(ctx, 'canceled', null, new Errors.ServerClosing(`the server shut down ${dispatched ? 'before the run of the dispatched workflow was found; it is left running in GitHub' : 'before anything was dispatched'}`));
      }
      if (dispatched && !unknown) io.notice(`${words} before the run was found: a run GitHub may have started is not canceled by Capstan`);
      if (how === 'timed_out') return this.results(ctx, 'timed_out', null, new Errors.ExecutionTimeout(`the deployment timed out ${dispatched ? 'before its run was found' : 'before anything was dispatched'}`));
      return this.results(ctx, 'canceled', null);
    }
    // One deadline for all that follows the abort (A1); the optional look-up of the deployment id is skipped.
    const end = io.end();
    if (shutdown) {
      await follower.flush(end);
      const value = follower.run ? this.fromRun(follower.run, rec.repo, rec) : this.fromRecord(rec);
      io.notice(`the server is shutting down: GitHub Actions run ${follower.runId} is left running in GitHub (not canceled); deploy.status ${value.id} follows it`);
      return this.results(ctx, 'canceled', value, new Errors.ServerClosing(`the server shut down while GitHub Actions run ${follower.runId} of ${rec.repo} was followed; the run goes on in GitHub: follow it with deploy.status ${value.id}`));
    }
    if (how === 'timed_out' && follower.blocked()) {
      await follower.flush(end);
      const run = follower.run!;
      io.notice(`run ${run.id} still waits for a person: left as it is in GitHub`);
      const value = this.fromRun(run, rec.repo, rec);
      return this.results(ctx, 'timed_out', value, new Errors.DeploymentBlocked(`GitHub Actions run ${run.id} of ${rec.repo} waits for a person (${toolStatus(run.status, run.conclusion)}: an environment review or approval) and did not go on within the run's time${run.html_url ? `: ${run.html_url}` : ''}`, { extra: { toolStatus: toolStatus(run.status, run.conclusion) } }));
    }
    const run = await this.cancelRun(rec.repo, follower, io, end);
    const confirmed = !!run && runDone(run.status, run.conclusion);
    if (!confirmed) await follower.flush(end, false);
    const value = run ? this.fromRun(run, rec.repo, rec) : this.fromRecord(rec);
    const said = confirmed ? `ended ${toolStatus(run!.status, run!.conclusion)}` : `was asked to cancel but GitHub did not confirm it stopped within ${this.cfg.cancelWaitMs} ms`;
    if (!confirmed) io.notice(`GitHub did not confirm that run ${follower.runId} stopped within ${this.cfg.cancelWaitMs} ms: check it in GitHub${run?.html_url ? ` (${run.html_url})` : ''}`);
    if (how === 'timed_out') return this.results(ctx, 'timed_out', value, new Errors.ExecutionTimeout(`the deployment timed out; GitHub Actions run ${follower.runId} ${said}`));
    return this.results(ctx, 'canceled', value);
  }

  /** POST …/cancel (409: it had finished), force-cancel halfway if it stays, then waits until completed (bounded by cancelWaitMs). */
  private async cancelRun(repo: string, follower: RunFollower, io: ReturnType<GitHubActionsPlugin['io']>, end: AbortSignal): Promise<GhRun | undefined> {
    const base = `${this.client.repoPath(repo)}/actions/runs/${follower.runId}`;
    // The confirmation wait: at most cancelWaitMs, within the deadline after the abort (the final logs get the rest).
    const signal = AbortSignal.any([end, AbortSignal.timeout(this.cfg.cancelWaitMs)]);
    const wait: WaitPolicy = { maxWaitMs: this.cfg.cancelWaitMs, notice: io.notice };
    const started = Date.now();
    try {
      const a = await this.client.request('POST', `${base}/cancel`, { signal, wait, allow: [409] });
      io.out(a.status === 409 ? `run ${follower.runId}: GitHub cannot cancel it (HTTP 409: it completed already)` : `run ${follower.runId}: cancel requested`);
      let forced = false;
      for (;;) {
        const run = await withRetries('reading the run', () => follower.poll(signal), { max: this.cfg.maxTransientRetries, baseMs: this.cfg.pollIntervalMs, signal, notice: io.notice });
        if (run.status === 'completed') {
          await follower.logs(end, true).catch((err) => io.notice(`logs of the canceled run not read: ${(err as Error).message}`));
          return run;
        }
        if (!forced && Date.now() - started > this.cfg.cancelWaitMs / 2) {
          forced = true;
          const f = await this.client.request('POST', `${base}/force-cancel`, { signal, wait, allow: [409] });
          io.out(`run ${follower.runId}: still ${toolStatus(run.status, run.conclusion)}; force-cancel requested (HTTP ${f.status})`);
        }
        await sleep(this.cfg.pollIntervalMs, signal);
      }
    } catch (err) {
      io.notice(`canceling run ${follower.runId} in GitHub: ${(err as Error).message}`);
      return follower.run;
    }
  }

  /**
   * The version of the environment's latest successful deployment (before this one is dispatched), from the
   * Deployments API; undefined when GitHub tells none or cannot be read (not a reason to fail the deployment).
   */
  private async previousSuccess(repo: string, environment: string, ctx: ExecutionContext, wait: WaitPolicy): Promise<string | undefined> {
    try {
      const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(this.cfg.timeoutMs * 2)]);
      const deps = await this.client.paginate<GhDeployment>(`${this.client.repoPath(repo)}/deployments`, { environment, per_page: 20 }, null, { signal, wait, maxPages: 5, maxItems: 20 });
      deps.sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);
      for (const dep of deps.slice(0, 20)) {
        if ((await this.statuses(repo, dep.id, signal, wait)).some((s) => s.state === 'success')) return dep.ref ?? dep.sha;
      }
    } catch (err) {
      ctx.logger.debug({ err: (err as Error).message }, 'github-actions previous deployment not read');
    }
    return undefined;
  }

  /**
   * The GitHub deployment the run created (a job with `environment:`), matched by its statuses' run URL among
   * the environment's deployments of the ref since the run started; kept in the record (its id becomes the
   * Deployment's id). Never throws: without one the run id stays the id.
   */
  private async linkDeployment(rec: RunRecord, run: GhRun | undefined, signal: AbortSignal, io: { wait: WaitPolicy }): Promise<void> {
    if (rec.deploymentId !== undefined) return;
    try {
      const since = Date.parse(run?.created_at ?? rec.startedAt) - CLOCK_SKEW_MS;
      const deps = await this.client.paginate<GhDeployment>(`${this.client.repoPath(rec.repo)}/deployments`, { environment: rec.environment, ref: rec.version, per_page: 10 }, null, { signal, wait: io.wait, maxPages: 5, maxItems: 10 });
      for (const dep of deps.filter((x) => !(Date.parse(x.created_at) < since)).slice(0, 10)) {
        const sts = await this.statuses(rec.repo, dep.id, signal, io.wait);
        if (sts.some((s) => (runIdInUrl(s.target_url) ?? runIdInUrl(s.log_url)) === rec.runId)) {
          rec.deploymentId = dep.id;
          this.store.save(rec);
          return;
        }
      }
    } catch {
      // the run id stays the id
    }
  }

  /**
   * The run a 204 dispatch created: runs of the workflow dispatched on `ref` since the dispatch (paginated),
   * the one whose run-name (display_title) carries the correlation value, looked for until findRunTimeoutMs.
   */
  private async findRun(dispatch: { repo: string; wfPath: string; ref: string; correlation: string; since: Date }, signal: AbortSignal, io: ReturnType<GitHubActionsPlugin['io']>, timeoutMs: number): Promise<number> {
    const { repo, wfPath, ref, correlation, since } = dispatch;
    const deadline = Date.now() + timeoutMs;
    const query = { event: 'workflow_dispatch', branch: ref, created: `>=${since.toISOString().replace(/\.\d{3}Z$/, 'Z')}`, per_page: 100 };
    const retry = { max: this.cfg.maxTransientRetries, baseMs: this.cfg.pollIntervalMs, signal, notice: io.notice };
    for (;;) {
      const runs = await withRetries('listing the workflow runs', () => this.client.paginate<GhRun>(`${wfPath}/runs`, query, 'workflow_runs', { signal, wait: io.wait, maxPages: 10 }), retry);
      const hit = runs.find((r) => (r.display_title ?? '').includes(correlation) || (r.name ?? '').includes(correlation));
      if (hit) {
        io.out(`run ${hit.id} found by its run-name (${this.cfg.correlationInput} ${correlation})`);
        return hit.id;
      }
      if (Date.now() >= deadline) {
        throw new Errors.Upstream(`the workflow ${wfPath.split('/').pop()} of ${repo} was dispatched, but no run of it whose name carries ${this.cfg.correlationInput}=${correlation} appeared within ${timeoutMs} ms (${runs.length} dispatched run(s) seen): the workflow lacks the line \`run-name: deploy \${{ inputs.${this.cfg.versionInput || 'version'} }} [\${{ inputs.${this.cfg.correlationInput} }}]\` (see the plugin README)`);
      }
      await sleep(Math.min(this.cfg.pollIntervalMs, Math.max(10, deadline - Date.now())), signal);
    }
  }

  /** The GitHub deployment a run created: one of the repository's deployments made while it ran whose status links to it. */
  private async deploymentOfRun(repo: string, runNum: number, run: GhRun, signal: AbortSignal, wait: WaitPolicy): Promise<GhDeployment | undefined> {
    const from = (Date.parse(run.created_at ?? '') || 0) - CLOCK_SKEW_MS;
    const to = (Date.parse(run.updated_at ?? '') || Date.now()) + CLOCK_SKEW_MS;
    const deps = await this.client.paginate<GhDeployment>(`${this.client.repoPath(repo)}/deployments`, { ...(run.head_branch ? { ref: run.head_branch } : {}), per_page: 30 }, null, { signal, wait, maxPages: 3, maxItems: 30 });
    for (const dep of deps.filter((d) => { const at = Date.parse(d.created_at); return at >= from && at <= to; }).slice(0, 10)) {
      const sts = await this.statuses(repo, dep.id, signal, wait);
      if (sts.some((x) => (runIdInUrl(x.target_url) ?? runIdInUrl(x.log_url)) === runNum)) return dep;
    }
    return undefined;
  }

  /** The version to go back to (toVersion, else the previous successful deployment) and the one left. */
  private async rollbackPoint(p: RollbackP, ctx: ExecutionContext, wait: WaitPolicy): Promise<{ version: string; previousVersion?: string }> {
    const repo = this.repoOf(p.application, p.environment);
    let from: { version?: string; before?: number; deploymentId?: number } = {};
    if (p.deploymentId) {
      const id = parseId(p.deploymentId);
      if (!id) throw new Errors.RecordNotFound(`'${p.deploymentId}' is not a ${SOURCE} deployment id`);
      if (id.kind === 'run') {
        const rec = this.store.find(id.repo, id.num);
        const { body: run } = await this.client.request<GhRun>('GET', `${this.client.repoPath(id.repo)}/actions/runs/${id.num}`, { signal: ctx.signal, wait });
        if (rec && (rec.application !== p.application || rec.environment !== p.environment)) {
          throw new Errors.CapabilityParams(`deployment '${p.deploymentId}' deployed ${rec.application} to ${rec.environment}, not ${p.application} to ${p.environment}: not rolled back`);
        }
        if (rec) from = { version: rec.version ?? run.head_branch ?? undefined, before: Date.parse(run.created_at ?? '') || undefined };
        else {
          // A run Capstan did not start: its environment is the one of the GitHub deployment it created (a status
          // linking to the run); without one it is unknown, and the run is not used as the point to go back from.
          const dep = await this.deploymentOfRun(id.repo, id.num, run, ctx.signal, wait);
          if (!dep) throw new Errors.CapabilityParams(`run ${id.num} of ${id.repo} created no GitHub deployment, so its environment is unknown: not rolled back from it; give the deployment id of ${p.environment}, or toVersion`);
          if (dep.environment !== p.environment) throw new Errors.CapabilityParams(`run ${id.num} of ${id.repo} deployed to ${dep.environment}, not ${p.environment}: not rolled back`);
          from = { deploymentId: dep.id, version: dep.ref ?? dep.sha ?? run.head_branch ?? undefined };
        }
      } else {
        const a = await this.client.request<GhDeployment>('GET', `${this.client.repoPath(id.repo)}/deployments/${id.num}`, { signal: ctx.signal, wait, allow: [404] });
        if (a.status === 404) throw new Errors.RecordNotFound(`GitHub knows no deployment ${id.num} in ${id.repo}`);
        if (a.body.environment !== undefined && a.body.environment !== p.environment) {
          throw new Errors.CapabilityParams(`deployment '${p.deploymentId}' is of environment ${a.body.environment}, not ${p.environment}: not rolled back`);
        }
        from = { deploymentId: id.num, version: a.body.ref ?? a.body.sha };
      }
    }
    if (p.toVersion) return { version: p.toVersion, ...(from.version ? { previousVersion: from.version } : {}) };
    const deps = await this.client.paginate<GhDeployment>(`${this.client.repoPath(repo)}/deployments`, { environment: p.environment, per_page: 100 }, null, { signal: ctx.signal, wait, maxPages: 10 });
    deps.sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);
    let start = 0;
    if (from.deploymentId !== undefined) {
      start = deps.findIndex((x) => x.id === from.deploymentId);
      if (start < 0) throw new Errors.RecordNotFound(`deployment ${from.deploymentId} is not a deployment of ${repo} to ${p.environment}`);
      start += 1;
    } else if (from.before !== undefined) {
      start = deps.findIndex((x) => Date.parse(x.created_at) < from.before!);
      if (start < 0) start = deps.length;
    }
    const succeeded = async (dep: GhDeployment) => (await this.statuses(repo, dep.id, ctx.signal, wait)).some((s) => s.state === 'success');
    if (from.version === undefined && from.deploymentId === undefined && from.before === undefined) {
      // No deployment named: the live one is the latest that succeeded; go back to the one before it.
      for (; start < deps.length; start++) {
        if (await succeeded(deps[start])) {
          from.version = deps[start].ref ?? deps[start].sha;
          start += 1;
          break;
        }
      }
    }
    for (let i = start; i < deps.length; i++) {
      const dep = deps[i];
      const version = dep.ref ?? dep.sha;
      if (!version || version === from.version) continue;
      if (await succeeded(dep)) return { version, ...(from.version ? { previousVersion: from.version } : {}) };
    }
    throw new Errors.RecordNotFound(`no earlier successful deployment of ${p.application} to ${p.environment} in ${repo}${from.version ? ` before ${from.version}` : ''} to roll back to: give toVersion`);
  }

  // ---- status / history ----

  private async status(id: string, signal: AbortSignal): Promise<DeploymentT | null> {
    const parsed = parseId(id);
    if (!parsed) return null;
    const repoPath = this.client.repoPath(parsed.repo);
    if (parsed.kind === 'run') {
      const a = await this.client.request<GhRun>('GET', `${repoPath}/actions/runs/${parsed.num}`, { signal, allow: [404] });
      if (a.status === 404) return null;
      return this.fromRun(a.body, parsed.repo, this.store.find(parsed.repo, parsed.num));
    }
    const a = await this.client.request<GhDeployment>('GET', `${repoPath}/deployments/${parsed.num}`, { signal, allow: [404] });
    if (a.status === 404) return null;
    return this.fromDeployment(a.body, await this.statuses(parsed.repo, parsed.num, signal), parsed.repo);
  }

  private async history(p: HistoryP, signal: AbortSignal): Promise<{ deployments: DeploymentT[]; nextCursor: string | null }> {
    const limit = p.limit ?? 100;
    const apps = listOf(this.cfg.applications);
    const envs = listOf(this.cfg.environments);
    if ((p.application && apps && !apps.includes(p.application)) || (p.environment && envs && !envs.includes(p.environment))) return { deployments: [], nextCursor: null };
    if (p.node) return this.localHistory(p, limit, signal);
    if (!p.application) return this.mergedHistory(p, limit, signal);
    // An application that names no repository has no deployments in this source (as one outside the allow-list).
    if (!this.cfg.repository.includes('{environment}') && badRepo(fill(this.cfg.repository, { owner: this.cfg.owner, application: p.application }))) return { deployments: [], nextCursor: null };
    const repo = this.repoOf(p.application, p.environment ?? '');
    const cur = decodeKeyset(p.cursor);
    const per = Math.min(100, Math.max(1, cur?.per ?? limit + 1));
    const at = cur?.a?.[p.application];
    if (at === 'done') return { deployments: [], nextCursor: null };
    const got = await this.olderThan(repo, p.environment, at, per, limit + 1, signal);
    const page = got.items.slice(0, limit);
    // Statuses of the page's deployments, at most MAX_IN_FLIGHT requests at a time.
    const out = await mapLimit(page, MAX_IN_FLIGHT, async ({ dep }) => this.fromDeployment(dep, await this.statuses(repo, dep.id, signal), repo, p.application));
    const last = page.at(-1);
    const more = got.items.length > limit;
    return { deployments: out, nextCursor: more && last ? encodeKeyset({ per, a: { [p.application]: keyOf(last) } }) : null };
  }

  /**
   * Up to `want` deployments of `repo` strictly older than `key` (created_at, then id: GitHub's order, newest
   * first), each with the page it was on. Keyset (A5): a deployment made between two page reads shifts GitHub's
   * pages but never makes an item repeat or be skipped; the page of the key is only where reading starts (one
   * page back while that page is empty or already begins older than the key, as after a deletion).
   */
  private async olderThan(repo: string, environment: string | undefined, key: KeysetAt | undefined, per: number, want: number, signal: AbortSignal): Promise<{ items: { dep: GhDeployment; page: number }[] }> {
    const envs = listOf(this.cfg.environments);
    const older = (d: GhDeployment) => {
      if (!key) return true;
      const t = Date.parse(d.created_at);
      return t < key.t || (t === key.t && d.id < key.id);
    };
    const items: { dep: GhDeployment; page: number }[] = [];
    let page = key ? Math.max(1, key.pg) : 1;
    let settled = !key;
    for (let reads = 0; reads < 60; reads++) {
      const a = await this.client.request<GhDeployment[]>('GET', `${this.client.repoPath(repo)}/deployments`, { signal, query: { ...(environment ? { environment } : {}), per_page: per, page } });
      const list = Array.isArray(a.body) ? a.body : [];
      if (!settled && page > 1 && (list.length === 0 || older(list[0]))) {
        page--; // this page begins past the key: what came before it may be on the page before
        continue;
      }
      settled = true;
      for (const dep of list) {
        if (!older(dep) || (envs && !envs.includes(dep.environment ?? ''))) continue;
        items.push({ dep, page });
        if (items.length >= want) return { items };
      }
      if (!nextLink(a.headers.get('link')) || list.length === 0) return { items };
      page++;
    }
    return { items };
  }

  /**
   * History without `application` (R6): the applications of the `applications` allow-list, else those of
   * Capstan's own records, each read from the Deployments API (serially, at most limit+1 per application per
   * page), merged newest first; statuses are read for the returned page only. The cursor is keyset per
   * application (A5): the last deployment given of each (or `done`), so the next page is strictly older.
   */
  private async mergedHistory(p: HistoryP, limit: number, signal: AbortSignal): Promise<{ deployments: DeploymentT[]; nextCursor: string | null }> {
    const cur = decodeKeyset(p.cursor);
    const per = Math.min(100, Math.max(1, cur?.per ?? limit + 1));
    const apps = listOf(this.cfg.applications) ?? [...new Set(this.store.all().map((r) => r.application))];
    const repos = new Set<string>();
    const all: { dep: GhDeployment; page: number; repo: string; app: string }[] = [];
    const got = new Map<string, number>();
    for (const app of apps) {
      const at = cur?.a?.[app];
      if (at === 'done') continue;
      let repo: string;
      try {
        repo = this.repoOf(app, p.environment ?? '');
      } catch {
        continue; // an application that names no repository has no deployments here
      }
      if (repos.has(repo.toLowerCase())) continue; // two applications of one repository: read once
      repos.add(repo.toLowerCase());
      const { items } = await this.olderThan(repo, p.environment, at, per, limit + 1, signal);
      got.set(app, items.length);
      for (const it of items) all.push({ ...it, repo, app });
    }
    all.sort((x, y) => Date.parse(y.dep.created_at) - Date.parse(x.dep.created_at) || y.dep.id - x.dep.id);
    const page = all.slice(0, limit);
    const out = await mapLimit(page, MAX_IN_FLIGHT, async ({ dep, repo, app }) => this.fromDeployment(dep, await this.statuses(repo, dep.id, signal), repo, app));
    // The next cursor: per application the last deployment given, `done` when nothing of it is left, or where it stood.
    const next: Record<string, KeysetAt | 'done'> = {};
    let more = false;
    for (const app of apps) {
      const before = cur?.a?.[app];
      if (before === 'done' || !got.has(app)) {
        if (before === 'done') next[app] = 'done';
        else if (before) { next[app] = before; more = true; } // its repository read under another application
        continue;
      }
      const given = page.filter((x) => x.app === app);
      const left = got.get(app)! > given.length;
      if (left) more = true;
      next[app] = !left ? 'done' : given.length ? keyOf(given.at(-1)!) : (before ?? { id: Number.MAX_SAFE_INTEGER, t: Number.MAX_SAFE_INTEGER, pg: 1 });
    }
    return { deployments: out, nextCursor: more ? encodeKeyset({ per, a: next }) : null };
  }

  /** Runs Capstan started (filter by node): each read again from GitHub, at most MAX_IN_FLIGHT at a time. */
  private async localHistory(p: HistoryP, limit: number, signal: AbortSignal): Promise<{ deployments: DeploymentT[]; nextCursor: string | null }> {
    const cur = decodeCursor(p.cursor, 'o');
    const offset = cur?.o ?? 0;
    const apps = listOf(this.cfg.applications);
    const envs = listOf(this.cfg.environments);
    const all = this.store.all()
      .filter((r) => (!p.application || r.application === p.application) && (!p.environment || r.environment === p.environment) && (!p.node || r.targets.includes(p.node)))
      .filter((r) => (!apps || apps.includes(r.application)) && (!envs || envs.includes(r.environment)))
      .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
    const page = all.slice(offset, offset + limit);
    const out = await mapLimit(page, MAX_IN_FLIGHT, async (r) => {
      const a = await this.client.request<GhRun>('GET', `${this.client.repoPath(r.repo)}/actions/runs/${r.runId}`, { signal, allow: [404] });
      if (a.status === 404) return { ...this.fromRecord(r), toolStatus: 'deleted' };
      return this.fromRun(a.body, r.repo, r);
    });
    return { deployments: out, nextCursor: offset + limit < all.length ? encodeCursor({ o: offset + limit }) : null };
  }

  private async statuses(repo: string, id: number, signal: AbortSignal, wait?: WaitPolicy): Promise<GhDeploymentStatus[]> {
    const { body } = await this.client.request<GhDeploymentStatus[]>('GET', `${this.client.repoPath(repo)}/deployments/${id}/statuses`, { signal, wait, query: { per_page: 100 } });
    const list = Array.isArray(body) ? body : [];
    return list.sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);
  }

  // ---- records ----

  private fromRun(run: GhRun, repo: string, rec?: RunRecord): DeploymentT {
    const app = rec?.application ?? applicationOf(this.cfg.repository, this.cfg.owner, repo) ?? repo.split('/')[1];
    const done = run.status === 'completed';
    return {
      id: rec?.deploymentId !== undefined ? deploymentId(repo, rec.deploymentId) : runId(repo, run.id), application: app, version: rec?.version ?? run.head_branch ?? run.head_sha ?? '',
      environment: rec?.environment ?? '', status: runStatus(run.status, run.conclusion),
      startedAt: new Date(Date.parse(run.run_started_at ?? run.created_at ?? '') || Date.now()).toISOString(),
      ...(done && run.updated_at ? { finishedAt: new Date(run.updated_at).toISOString() } : {}),
      targets: rec?.targets ?? [], ...(rec?.previousVersion ? { previousVersion: rec.previousVersion } : {}),
      ...(run.triggering_actor?.login ?? run.actor?.login ? { initiatedBy: run.triggering_actor?.login ?? run.actor?.login } : {}),
      ...(run.html_url ? { url: run.html_url } : {}), source: SOURCE, ...(run.head_branch ? { ref: run.head_branch } : {}),
      toolStatus: toolStatus(run.status, run.conclusion), ...(rec?.executionId ? { executionId: rec.executionId } : {}),
    };
  }

  private fromRecord(r: RunRecord): DeploymentT {
    return {
      id: r.deploymentId !== undefined ? deploymentId(r.repo, r.deploymentId) : runId(r.repo, r.runId), application: r.application, version: r.version, environment: r.environment, status: 'pending',
      startedAt: r.startedAt, targets: r.targets, source: SOURCE, ref: r.version, ...(r.executionId ? { executionId: r.executionId } : {}),
      ...(r.previousVersion ? { previousVersion: r.previousVersion } : {}), ...(r.url ? { url: r.url } : {}),
    };
  }

  private fromDeployment(dep: GhDeployment, statuses: GhDeploymentStatus[], repo: string, application?: string): DeploymentT {
    const latest = statuses[0];
    const linked = statuses.map((s) => runIdInUrl(s.target_url) ?? runIdInUrl(s.log_url)).find((x) => x !== undefined);
    const rec = (linked !== undefined ? this.store.find(repo, linked) : undefined) ?? this.store.byDeployment(repo, dep.id);
    const payload = typeof dep.payload === 'object' && dep.payload ? dep.payload as Record<string, unknown> : {};
    const version = typeof payload.version === 'string' ? payload.version : rec?.version ?? dep.ref ?? dep.sha ?? '';
    const url = latest?.log_url || latest?.target_url || latest?.environment_url || undefined;
    return {
      id: deploymentId(repo, dep.id), application: application ?? rec?.application ?? applicationOf(this.cfg.repository, this.cfg.owner, repo) ?? repo.split('/')[1],
      version, environment: dep.environment ?? rec?.environment ?? '', status: deploymentStatus(statuses.map((s) => s.state)),
      startedAt: new Date(dep.created_at).toISOString(),
      ...(latest && FINAL_STATES.has(latest.state) ? { finishedAt: new Date(latest.created_at).toISOString() } : {}),
      targets: rec?.targets ?? [], ...(rec?.previousVersion ? { previousVersion: rec.previousVersion } : {}),
      ...(dep.creator?.login ? { initiatedBy: dep.creator.login } : {}), ...(url ? { url } : {}), source: SOURCE,
      ...(dep.ref ? { ref: dep.ref } : {}), toolStatus: latest?.state ?? 'none', ...(rec?.executionId ? { executionId: rec.executionId } : {}),
    };
  }

  // ---- shared ----

  /** `owner/repo` of an application (the repository template); Errors.Config when it needs an owner not configured. */
  repoOf(application: string, environment: string): string {
    if (this.cfg.repository.includes('{owner}') && !this.cfg.owner) throw new Errors.Config('plugins.github-actions.owner is not set (the repository template uses {owner})');
    const repo = fill(this.cfg.repository, { owner: this.cfg.owner, application, environment });
    const why = badRepo(repo);
    if (why) throw new Errors.CapabilityParams(`application '${application}' makes '${repo}' through plugins.github-actions.repository (${this.cfg.repository}), which is not a GitHub repository: ${why}`);
    return repo;
  }

  private async login(signal: AbortSignal): Promise<string | undefined> {
    const a = await this.client.request<{ login?: string }>('GET', 'user', { signal, allow: [403, 404] });
    return a.status === 200 ? a.body.login : undefined;
  }

  /** Output of a run, masked with the token: lines and notices under the first target, a notice for the others. */
  private io(ctx: ExecutionContext) {
    const mask = secretMask([this.cfg.token ?? ''].filter(Boolean));
    const first = ctx.targets?.[0]?.name ?? 'localhost';
    const emit = (e: Parameters<ExecutionContext['emit']>[0]) => ctx.emit(mask(e));
    for (const n of (ctx.targets ?? []).slice(1)) emit({ type: 'notice', target: n.name, message: `one GitHub Actions run deploys every target; its log streams under ${first}` });
    const notice = (message: string) => emit({ type: 'notice', target: first, message });
    // When the run was aborted: the one deadline after it (A1) is abortSettleMs less a 2 s margin from then.
    let abortedAt: number | undefined = ctx.signal.aborted ? Date.now() : undefined;
    if (abortedAt === undefined) ctx.signal.addEventListener('abort', () => { abortedAt = Date.now(); }, { once: true });
    const end = () => AbortSignal.timeout(Math.max(1, (abortedAt ?? Date.now()) + this.settleMs() - 2000 - Date.now()));
    return {
      end,
      first,
      out: (line: string) => emit({ type: 'stdout', target: first, line }),
      notice,
      // A run waits out rate limits as long as its own time allows (ctx.signal ends the wait).
      wait: { maxWaitMs: Number.MAX_SAFE_INTEGER, notice } as WaitPolicy,
      emit,
    };
  }

  /** The same outcome for every target, each emitted. */
  private results(ctx: ExecutionContext, status: TargetOutcome['status'], value: DeploymentT | null, error?: CapstanError, exitCode: number | null = status === 'succeeded' ? 0 : null): TargetOutcome[] {
    const mask = secretMask([this.cfg.token ?? ''].filter(Boolean));
    const names = (ctx.targets ?? []).map((n) => n.name);
    const out = names.map((target): TargetOutcome => mask({
      target, status, exitCode,
      ...(value ? { value } : {}),
      ...(error ? { error: { category: error.category, code: error.code, title: error.title, detail: error.message } } : {}),
    }));
    for (const o of out) ctx.emit({ type: 'target_result', ...o });
    return out;
  }
}


/** Why `owner/name` is not a GitHub repository name, or undefined (the shapes deployment ids accept, ids.ts). */
export function badRepo(repo: string): string | undefined {
  const parts = repo.split('/');
  if (parts.length !== 2) return 'not owner/name (exactly one "/")';
  const [owner, name] = parts;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(owner)) return `owner '${owner}' is not a GitHub account name (letters, digits, _ . and -, not starting with any of them)`;
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(name) || name === '.' || name === '..') return `'${name}' is not a repository name (letters, digits, . _ and -, at most 100)`;
  return undefined;
}

/** Where an application's history stands: the last deployment given (id, created_at ms) and its page (a hint). */
export interface KeysetAt {
  id: number;
  t: number;
  pg: number;
}

function keyOf(x: { dep: GhDeployment; page: number }): KeysetAt {
  return { id: x.dep.id, t: Date.parse(x.dep.created_at), pg: x.page };
}

/** The keyset cursor of history (A5): base64url JSON of per_page and, per application, where it stands. */
/** What an opaque cursor holds (base64url JSON), undefined when it is not that. */
function cursorJson(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

export function encodeKeyset(c: { per: number; a: Record<string, KeysetAt | 'done'> }): string {
  return Buffer.from(JSON.stringify({ k: 1, ...c })).toString('base64url');
}

export function decodeKeyset(cursor: string | undefined): { per: number; a: Record<string, KeysetAt | 'done'> } | undefined {
  if (!cursor) return undefined;
  const c = cursorJson(cursor);
  const v = c as { k?: unknown; per?: unknown; a?: unknown } | undefined;
  const okAt = (x: unknown) => x === 'done' || (!!x && typeof x === 'object' && ['id', 't', 'pg'].every((f) => Number.isSafeInteger((x as Record<string, unknown>)[f])) && (x as KeysetAt).pg >= 1);
  if (!v || typeof v !== 'object' || v.k !== 1 || !Number.isSafeInteger(v.per) || (v.per as number) < 1 || !v.a || typeof v.a !== 'object' || Array.isArray(v.a) || !Object.values(v.a).every(okAt)) {
    throw new Errors.CapabilityParams(`cursor '${cursor.slice(0, 40)}' is not one ${SOURCE} gave for this query`);
  }
  return v as { per: number; a: Record<string, KeysetAt | 'done'> };
}

/** An opaque cursor: base64url JSON of the tool's page (`p`, `per`) or an offset in Capstan's records (`o`). */
export function encodeCursor(c: { p?: number; per?: number; o?: number }): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, key: 'p' | 'o'): { p?: number; per?: number; o?: number } | undefined {
  if (!cursor) return undefined;
  const c = cursorJson(cursor);
  const v = c as Record<string, unknown> | undefined;
  if (!v || typeof v !== 'object' || !Number.isSafeInteger(v[key]) || (v[key] as number) < (key === 'p' ? 1 : 0)) {
    throw new Errors.CapabilityParams(`cursor '${cursor.slice(0, 40)}' is not one ${SOURCE} gave for this query`);
  }
  return v as { p?: number; per?: number; o?: number };
}

