/**
 * The gitlab plugin: deployments through GitLab CI (cicd-apis.md §2). deploy.execute creates one pipeline per
 * execution on the version as ref, with the version, environment and the request's parameters as variables, and
 * follows it (follow.ts); deploy.rollback retries the deploy job of the environment's previous successful
 * deployment (GitLab's own "Rollback environment"), or creates a pipeline on its ref when that job cannot be
 * retried; deploy.status and deploy.history read GitLab's deployments API (and the pipelines Capstan started).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import type { Logger } from 'pino';
import { deployExecute, deployHistory, deployRollback, deployStatus } from '../../../src/capabilities/index.js';
import type { DeployExecuteParams, DeployHistoryParams, DeployRollbackParams } from '../../../src/capabilities/deploy.js';
import { SECRET_KEY_NAMES } from '../../../src/capabilities/sensitive.js';
import { abortStatus } from '../../../src/core/abort.js';
import { Errors, toCapstanError, type CapstanError } from '../../../src/core/errors.js';
import { BasePlugin, implement, type ExecutionContext, type HealthStatus, type ParamIssue, type PluginCapability, type TargetOutcome } from '../../../src/core/types.js';
import { secretMask } from '../../../src/observability/secret-scrubber.js';
import { GitlabClient, NotSentError, upstreamStatus } from './client.js';
import { nameList, type GitlabConfig } from './config.js';
import { Follower, type FollowIo, type FollowResult, type Followed } from './follow.js';
import { mapLimit } from '../../../src/core/map-limit.js';
import { SOURCE, applicationOf, deploymentId, parseId, projectOf, projectPathOfWebUrl, refProblem, templateUsesEnvironment, type ParsedId } from './ids.js';
import { deploymentStartedAt, fromDeployment, fromRun, type DeploymentT, type GlDeployment, type GlJob, type GlPipeline } from './map.js';
import { RunRecords, type RunRecord } from './records.js';
import { phaseOf } from './status.js';

export const PLUGIN_ID = SOURCE;

type ExecuteP = Static<typeof DeployExecuteParams>;
type RollbackP = Static<typeof DeployRollbackParams>;
type HistoryP = Static<typeof DeployHistoryParams>;

const VARIABLE_KEY = /^[A-Za-z0-9_]{1,255}$/;
/** The variable carrying the execution id with every pipeline Capstan creates (found again by it when a POST's answer is lost). */
export const EXECUTION_VARIABLE = 'CAPSTAN_EXECUTION_ID';
const NUMERIC = /^[0-9]+$/;
const SECRET_KEY = new RegExp(SECRET_KEY_NAMES, 'i');

function summary(e: CapstanError) {
  return { category: e.category, code: e.code, title: e.title, detail: e.message };
}

/**
 * The opaque history cursor, keyset (A5). One application: the id of the last deployment given (GitLab's ids
 * grow: the next page lists only strictly older ids, so a deployment started between two reads never repeats
 * nor shifts an item) and the page it was read on (`z` items a page), a hint where to start. Merged listing:
 * the (startedAt, id) of the last item given in the merged order, every list read for items strictly after
 * it, and per list (a short hash of its project and environment, at most 8) the page to start from. By node:
 * startedAt and id of the last record given.
 */
export interface HistoryCursor {
  /** One application: last id given, its page, the page size. */
  a?: { id: number; p: number; z: number };
  /** Merged: last (startedAt, id) given, and page hints per list hash. */
  m?: { t: string; id: number; z: number; h?: Record<string, number> };
  /** By node: startedAt and id of the last record given. */
  n?: { t: string; id: string };
}
export function encodeCursor(c: HistoryCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}
const posInt = (v: unknown, max = Number.MAX_SAFE_INTEGER): boolean => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max;
export function decodeCursor(cursor: string | undefined): HistoryCursor {
  if (!cursor) return {};
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as HistoryCursor;
    if (c && typeof c === 'object' && !Array.isArray(c)) {
      const okA = c.a === undefined || (posInt(c.a?.id) && posInt(c.a?.p) && posInt(c.a?.z, 100));
      const okM = c.m === undefined || (typeof c.m?.t === 'string' && posInt(c.m?.id) && posInt(c.m?.z, 100)
        && (c.m.h === undefined || (typeof c.m.h === 'object' && c.m.h !== null && Object.values(c.m.h).every((p) => posInt(p)))));
      const okN = c.n === undefined || (typeof c.n?.t === 'string' && typeof c.n?.id === 'string');
      if (okA && okM && okN && (c.a || c.m || c.n)) return { ...(c.a ? { a: c.a } : {}), ...(c.m ? { m: c.m } : {}), ...(c.n ? { n: c.n } : {}) };
    }
  } catch { /* below */ }
  throw new Errors.CapabilityParams('cursor is not a cursor of the gitlab deployment history (pass nextCursor as it was given)');
}

/** A short stable hash of a list key (a cursor's page hint). */
function listHash(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 6);
}


export class GitlabPlugin extends BasePlugin {
  readonly metadata = {
    name: PLUGIN_ID, version: '0.1.0', description: 'GitLab CI: deployments as pipelines, followed with their job logs; rollback and history through the deployments API.',
    integrationTypes: ['deployment' as const],
  };
  private client!: GitlabClient;
  private records!: RunRecords;
  private username?: string;
  /** Numeric project id of each project path seen (GET /projects/:path, pipelines' project_id). */
  private readonly projectIds = new Map<string, string>();

  constructor(private readonly cfg: GitlabConfig, private readonly logger: Logger, private readonly dataDir: string) {
    super();
  }

  async initialize(): Promise<void> {
    this.client = new GitlabClient(this.cfg);
    if (!this.cfg.token) {
      throw new Errors.Config(this.cfg.triggerToken
        ? 'plugins.gitlab.token is required with plugins.gitlab.triggerToken: a trigger token only creates pipelines; following them (pipeline, jobs, logs, deployments) needs an access token with read_api (api to cancel and retry)'
        : 'plugins.gitlab.token is required: an access token (PRIVATE-TOKEN) with the api scope');
    }
    this.records = new RunRecords(this.dataDir);
    this.logger.info({ url: this.client.base.origin, project: this.cfg.project, token: 'set', triggerToken: this.cfg.triggerToken ? 'set' : 'not set' }, 'gitlab deployment source configured');
  }

  async healthCheck(): Promise<HealthStatus> {
    const details: Record<string, unknown> = { endpoint: this.client.url('user').href };
    try {
      const { body } = await this.client.json<{ username?: string }>('GET', 'user', { signal: AbortSignal.timeout(this.cfg.timeoutMs) });
      this.username = body.username ?? this.username;
      return { status: 'healthy', message: `GitLab at ${this.client.base.origin}: token of ${body.username ?? 'an unnamed user'}`, details };
    } catch (err) {
      // A refused token stays `degraded`: runs then fail with the typed 401/403 error of GitLab's answer
      // (TARGET_AUTH_FAILED and its detail) instead of a bare "no provider".
      const s = upstreamStatus(err);
      return { status: s === 401 || s === 403 ? 'degraded' : 'unhealthy', message: (err as Error).message, details };
    }
  }

  capabilities(): PluginCapability<any, any>[] {
    const settle = this.settleMs();
    return [
      implement(deployExecute, async (p, ctx) => this.execute(p, ctx), { runsAsServer: () => true, validate: async (p) => this.checkExecute(p), abortSettleMs: settle }),
      implement(deployRollback, async (p, ctx) => this.rollback(p, ctx), { runsAsServer: () => true, validate: async (p) => this.checkRollback(p), abortSettleMs: settle }),
      implement(deployStatus, async (p, ctx) => ({ deployment: await this.status(p.id, ctx.signal) })),
      implement(deployHistory, async (p, ctx) => this.history(p, ctx.signal)),
    ];
  }

  /** The abortSettleMs declared for deploy.execute / rollback: the engine waits this long after an abort. */
  private settleMs(): number {
    return this.cfg.cancelWaitMs + 5000;
  }

  /**
   * The ONE deadline of a run after its abort (A1): abortSettleMs minus a 2 s margin, measured from the abort.
   * `left()` is what remains of it (Infinity while not aborted), `signal(cap)` a signal that fires at the
   * deadline (or after `cap` ms, whichever first).
   */
  private abortClock(ctx: ExecutionContext): { left: () => number; signal: (cap?: number) => AbortSignal } {
    const budget = this.settleMs() - 2000;
    const deadline = new AbortController();
    let at: number | undefined;
    const arm = () => {
      at = Date.now();
      setTimeout(() => deadline.abort(new Error('the abort deadline passed')), budget).unref();
    };
    if (ctx.signal.aborted) arm();
    else ctx.signal.addEventListener('abort', arm, { once: true });
    const left = () => (at === undefined ? Infinity : Math.max(0, at + budget - Date.now()));
    return {
      left,
      // Fires at the deadline even when the abort comes after the signal was made.
      signal: (cap = Infinity) => (Number.isFinite(cap) ? AbortSignal.any([deadline.signal, AbortSignal.timeout(Math.max(1, cap))]) : deadline.signal),
    };
  }

  // ---- validation (no network) ----

  private checkNames(application: string, environment: string): ParamIssue[] {
    const issues: ParamIssue[] = [];
    const apps = nameList(this.cfg.applications);
    const envs = nameList(this.cfg.environments);
    if (apps.length && !apps.includes(application)) issues.push({ pointer: '/application', message: `application '${application}' is not in plugins.gitlab.applications (${apps.join(', ')})` });
    if (envs.length && !envs.includes(environment)) issues.push({ pointer: '/environment', message: `environment '${environment}' is not in plugins.gitlab.environments (${envs.join(', ')})` });
    const project = projectOf(this.cfg.project, application, environment);
    if (!/^[0-9]+$/.test(project) && (project.split('/').some((s) => s === '' || s === '.' || s === '..') || !/^[A-Za-z0-9_.\/-]+$/.test(project))) {
      issues.push({ pointer: '/application', message: `the project '${project}' made of plugins.gitlab.project is not a GitLab project path` });
    }
    return issues;
  }

  checkExecute(p: ExecuteP): ParamIssue[] {
    const issues = this.checkNames(p.application, p.environment);
    const bad = refProblem(p.version);
    if (bad) issues.push({ pointer: '/version', message: `the version is the git ref (branch, tag or SHA) GitLab runs the pipeline on, and '${p.version}' is not a valid ref name: ${bad}` });
    for (const [key, value] of Object.entries(p.parameters ?? {})) {
      const pointer = `/parameters/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!VARIABLE_KEY.test(key)) issues.push({ pointer, message: 'a GitLab CI/CD variable key holds only letters, digits and _ (at most 255)' });
      else if (key === this.cfg.versionVariable || key === this.cfg.environmentVariable || key === EXECUTION_VARIABLE) issues.push({ pointer, message: `${key} is set by Capstan (version, environment, execution id)` });
      else if (/^(CI|GITLAB)_/i.test(key) || /^(CI|GITLAB_CI|CHAT_CHANNEL|CHAT_INPUT|CHAT_USER_ID)$/i.test(key)) issues.push({ pointer, message: `${key} is in the namespace of GitLab's predefined CI/CD variables (CI_*, GITLAB_*): overriding them changes how the pipeline runs` });
      if (value === null || typeof value === 'object') issues.push({ pointer, message: 'GitLab variables are strings: give a string, number or boolean' });
    }
    return issues;
  }

  checkRollback(p: RollbackP): ParamIssue[] {
    const issues = this.checkNames(p.application, p.environment);
    const bad = p.toVersion !== undefined ? refProblem(p.toVersion) : undefined;
    if (bad) issues.push({ pointer: '/toVersion', message: `toVersion is the git ref GitLab runs the pipeline on, and '${p.toVersion}' is not a valid ref name: ${bad}` });
    if (p.deploymentId !== undefined) {
      const id = parseId(p.deploymentId);
      if (!id) {
        issues.push({ pointer: '/deploymentId', message: p.deploymentId.startsWith(`${SOURCE}.`) ? 'not a gitlab deployment id (gitlab.<project>.<deployment id | p<pipeline> | j<job>>)' : 'a deployment of another source: roll it back with its own provider' });
      } else {
        const project = projectOf(this.cfg.project, p.application, p.environment);
        const rec = this.records?.get(p.deploymentId);
        if (rec && (rec.application !== p.application || rec.environment !== p.environment)) {
          issues.push({ pointer: '/deploymentId', message: `deployment ${p.deploymentId} is of ${rec.application} in ${rec.environment}, not of ${p.application} in ${p.environment}` });
        } else {
          // Compared without network: both as paths, or both as numeric ids when the application's id is known
          // (a numeric template, an earlier lookup, or a run Capstan started for this application).
          const mine = this.knownProjectId(project, p.application);
          const theirs = NUMERIC.test(id.project) ? id.project : this.projectIds.get(id.project);
          const differ = (!NUMERIC.test(id.project) && !NUMERIC.test(project) && id.project !== project) || (mine !== undefined && theirs !== undefined && mine !== theirs);
          if (differ) issues.push({ pointer: '/deploymentId', message: `deployment ${p.deploymentId} is of GitLab project ${id.project}, not of ${project}${mine && mine !== project ? ` (#${mine})` : ''}, the project of ${p.application}` });
        }
      }
    }
    return issues;
  }

  /** The numeric id of a project, when known without asking GitLab. */
  private knownProjectId(project: string, application?: string): string | undefined {
    if (NUMERIC.test(project)) return project;
    const cached = this.projectIds.get(project);
    if (cached) return cached;
    if (application && !templateUsesEnvironment(this.cfg.project)) {
      const rec = this.records?.all().find((r) => r.application === application && NUMERIC.test(r.project));
      if (rec) return rec.project;
    }
    return undefined;
  }

  /** The numeric id of a project (GET /projects/:path once, then cached). */
  private async projectIdOf(project: string, signal: AbortSignal): Promise<string> {
    if (NUMERIC.test(project)) return project;
    const cached = this.projectIds.get(project);
    if (cached) return cached;
    const { body } = await this.client.json<{ id: number }>('GET', `projects/${GitlabClient.project(project)}`, { signal });
    if (!body || !Number.isInteger(body.id)) throw new Errors.Upstream(`GitLab GET /projects/${project} answered no numeric project id`);
    this.projectIds.set(project, String(body.id));
    return String(body.id);
  }

  /** Refuses (failed target) a deployment id of another project than the application's. */
  private async sameProject(project: string, id: ParsedId, p: RollbackP, signal: AbortSignal): Promise<string> {
    const mine = await this.projectIdOf(project, signal);
    const theirs = await this.projectIdOf(id.project, signal);
    if (mine !== theirs) {
      throw new Errors.CapabilityParams(`deployment ${p.deploymentId} is of GitLab project #${theirs} (${id.project}), not of ${project} (#${mine}), the project of ${p.application}: nothing was rolled back`);
    }
    return mine;
  }

  // ---- executions ----

  /** Output plumbing of one run: masked lines under the first target, notices to every target. */
  private io(ctx: ExecutionContext, secrets: string[]): { io: FollowIo; first: string; names: string[]; emit: ExecutionContext['emit'] } {
    const names = (ctx.targets ?? []).map((t) => t.name);
    if (!names.length) names.push('localhost');
    const first = names[0];
    const mask = secretMask([this.cfg.token ?? '', this.cfg.triggerToken ?? '', ...secrets]);
    const emit: ExecutionContext['emit'] = (e) => ctx.emit(mask(e));
    const io: FollowIo = {
      line: (line) => emit({ type: 'stdout', target: first, line }),
      notice: (message) => { for (const t of names) emit({ type: 'notice', target: t, message }); },
    };
    for (const t of names.slice(1)) emit({ type: 'notice', target: t, message: `one GitLab pipeline serves every target: its log streams under ${first}` });
    return { io, first, names, emit };
  }

  private async principal(signal: AbortSignal): Promise<string | undefined> {
    if (this.username) return this.username;
    try {
      this.username = (await this.client.json<{ username?: string }>('GET', 'user', { signal })).body.username;
    } catch (err) {
      this.logger.warn({ err: this.client.scrub((err as Error).message) }, 'GET /user failed: initiatedBy comes from the pipeline');
    }
    return this.username;
  }

  /** The ref of the environment's latest successful deployment (the version live before a deploy). */
  private async liveVersion(project: string, environment: string, signal: AbortSignal): Promise<string | undefined> {
    try {
      const r = await this.client.page<GlDeployment>(`projects/${GitlabClient.project(project)}/deployments`, { environment, status: 'success', order_by: 'id', sort: 'desc', per_page: 1 }, 1, signal);
      return r.items[0]?.ref ?? r.items[0]?.sha;
    } catch {
      return undefined;
    }
  }

  /**
   * POST /projects/:id/pipeline (access token), or /trigger/pipeline with the trigger token in the body. The
   * POST is sent once, with its own timeout (plugins.gitlab.timeoutMs), never cut by the run's signal: when the
   * run was aborted meanwhile, the caller cancels what was created. GitLab refusing it (400/422: unknown ref,
   * bad variable) is Errors.DeploymentFailed with GitLab's words; when the outcome is unknown (no answer, 5xx),
   * the project's recent pipelines on that ref are searched for the CAPSTAN_EXECUTION_ID variable.
   */
  private async createPipeline(project: string, ref: string, variables: Record<string, string>, execution: string | undefined, io: FollowIo, runSignal: AbortSignal, deadline: () => AbortSignal): Promise<GlPipeline> {
    const executionId = execution ?? randomUUID();
    const path = `projects/${GitlabClient.project(project)}`;
    const sentAt = Date.now();
    const vars = { ...variables, [EXECUTION_VARIABLE]: executionId };
    try {
      const pl = this.cfg.triggerToken
        ? (await this.client.json<GlPipeline>('POST', `${path}/trigger/pipeline`, { body: { token: this.cfg.triggerToken, ref, variables: vars }, auth: false, waitSignal: runSignal })).body
        : (await this.client.json<GlPipeline>('POST', `${path}/pipeline`, { body: { ref, variables: Object.entries(vars).map(([key, value]) => ({ key, value, variable_type: 'env_var' })) }, waitSignal: runSignal })).body;
      if (!NUMERIC.test(project) && pl?.project_id) this.projectIds.set(project, String(pl.project_id));
      return pl;
    } catch (err) {
      if (err instanceof NotSentError) throw err;
      const status = upstreamStatus(err);
      const msg = (err as Error).message;
      // GitLab answers 404 for a trigger token it does not know as for an unknown project.
      if (status === 404 && this.cfg.triggerToken) throw new Errors.RecordNotFound(`${msg}; with a trigger token this also means plugins.gitlab.triggerToken is not a trigger token of project ${project}`, { extra: { upstreamStatus: 404 } });
      if (status === 400 || status === 422) throw new Errors.DeploymentFailed(`GitLab refused to create a pipeline in ${project} on ${ref}: ${msg}`, { extra: { upstreamStatus: status } });
      if (status !== undefined && status < 500) throw err;
      io.notice(`the creation of the pipeline in ${project} on ${ref} has no known outcome (${msg}); looking for a pipeline carrying ${EXECUTION_VARIABLE}=${executionId}`);
      let found: GlPipeline | undefined;
      let why = '';
      try {
        found = await this.findByExecution(project, ref, executionId, sentAt, deadline());
      } catch (e) {
        why = `; the search failed: ${(e as Error).message}`;
      }
      if (found) {
        io.notice(`pipeline #${found.id} carries ${EXECUTION_VARIABLE}=${executionId}: GitLab did create it; it is followed`);
        return found;
      }
      throw new Errors.DeploymentFailed(`the outcome of the pipeline creation in GitLab is unknown (${msg}) and no pipeline on ${ref} carrying ${EXECUTION_VARIABLE}=${executionId} was found${why}; look at ${this.client.base.origin} project ${project}, CI/CD > Pipelines, for a pipeline on ${ref} before deploying again`, { extra: { upstreamStatus: status, outcomeUnknown: true } });
    }
  }

  /** The pipeline on `ref` created since `since` whose CAPSTAN_EXECUTION_ID variable is `executionId` (newest 20, one at a time). */
  private async findByExecution(project: string, ref: string, executionId: string, since: number, deadline: AbortSignal): Promise<GlPipeline | undefined> {
    const path = `projects/${GitlabClient.project(project)}`;
    const query = { ref, source: this.cfg.triggerToken ? 'trigger' : 'api', created_after: new Date(since - 120_000).toISOString(), order_by: 'id', sort: 'desc', per_page: 20 };
    // Bounded by its own time and, once the run was aborted, by the run's one deadline (A1).
    const signal = AbortSignal.any([AbortSignal.timeout(this.cfg.timeoutMs * 4), deadline]);
    const { items } = await this.client.page<GlPipeline>(`${path}/pipelines`, query, 1, signal);
    for (const pl of items) {
      const { body } = await this.client.json<{ key: string; value: string }[]>('GET', `${path}/pipelines/${pl.id}/variables`, { signal, allow404: true });
      if (Array.isArray(body) && body.some((v) => v.key === EXECUTION_VARIABLE && v.value === executionId)) return pl;
    }
    return undefined;
  }

  private async execute(p: ExecuteP, ctx: ExecutionContext) {
    const params = Object.entries(p.parameters ?? {});
    const secrets = params.filter(([k, v]) => SECRET_KEY.test(k) && v !== null && typeof v !== 'object').map(([, v]) => String(v));
    const { io, names, emit } = this.io(ctx, secrets);
    const startedAt = new Date().toISOString();
    const clock = this.abortClock(ctx);
    let base: Omit<TargetOutcome, 'target'>;
    try {
      const project = projectOf(this.cfg.project, p.application, p.environment);
      const previousVersion = await this.liveVersion(project, p.environment, ctx.signal);
      const variables: Record<string, string> = {};
      for (const [k, v] of params) variables[k] = String(v);
      variables[this.cfg.versionVariable] = p.version;
      variables[this.cfg.environmentVariable] = p.environment;
      if (ctx.signal.aborted) throw new Errors.ExecutionFailed('the execution ended before the pipeline was created: nothing was sent to GitLab');
      io.line(`creating a GitLab pipeline in ${project} on ref ${p.version} (${this.cfg.triggerToken ? 'trigger token' : 'access token'})`);
      const pipeline = await this.createPipeline(project, p.version, variables, ctx.executionId, io, ctx.signal, () => clock.signal());
      // who-am-i is optional: skipped once the run was aborted (A1).
      const initiatedBy = (this.cfg.triggerToken || ctx.signal.aborted ? undefined : await this.principal(ctx.signal)) ?? pipeline.user?.username;
      const rec: RunRecord = {
        id: deploymentId(pipeline.project_id, 'pipeline', pipeline.id), project: String(pipeline.project_id), pipelineId: pipeline.id,
        application: p.application, environment: p.environment, version: p.version, targets: names, executionId: ctx.executionId,
        ...(previousVersion ? { previousVersion } : {}), ...(initiatedBy ? { initiatedBy } : {}), startedAt, url: pipeline.web_url,
      };
      this.records.put(rec);
      io.line(`pipeline #${pipeline.id} created (${pipeline.status}) on ${pipeline.ref ?? p.version}${pipeline.web_url ? `: ${pipeline.web_url}` : ''}`);
      base = await this.followAndReport({ kind: 'pipeline', project: rec.project, id: pipeline.id }, rec, io, ctx, clock);
    } catch (err) {
      base = this.errorOutcome(err, ctx, io);
    }
    return this.report(names, base, emit);
  }

  private errorOutcome(err: unknown, ctx: ExecutionContext, io: FollowIo): Omit<TargetOutcome, 'target'> {
    const e = toCapstanError(err);
    if (e.extra.outcomeUnknown) {
      // The POST was sent and its outcome is unknown (A3): failed whatever else happened; once aborted, the
      // detail (where to look) is a notice too.
      if (ctx.signal.aborted) io.notice(e.message);
      return { status: 'failed', exitCode: null, error: summary(e) };
    }
    if (ctx.signal.aborted) {
      // Ended before anything ran in GitLab (or while asking it): the outcome the abort's reason says (R2).
      const status = abortStatus(ctx.signal);
      const why = toCapstanError(err).message;
      if (ctx.signal.reason === 'shutdown') return { status, exitCode: null, error: summary(new Errors.ServerClosing(`Capstan shut down before the GitLab run was followed: ${why}`)) };
      if (status === 'canceled') return { status, exitCode: null };
      if (status === 'timed_out') return { status, exitCode: null, error: summary(new Errors.ExecutionTimeout(`the run's time ran out before GitLab ran anything: ${why}`)) };
      return { status, exitCode: null, error: summary(toCapstanError(err)) };
    }
    return { status: 'failed', exitCode: null, error: summary(toCapstanError(err)) };
  }

  private report(names: string[], base: Omit<TargetOutcome, 'target'>, emit: ExecutionContext['emit']) {
    const results = names.map((target) => ({ target, ...base }));
    for (const r of results) emit({ type: 'target_result', ...r });
    return { results };
  }

  /**
   * Follows the run, cancels it in GitLab when the execution is canceled, and makes the targets' outcome. Every
   * exit (success, failure, cancel, timeout, blocked, shutdown, an error while following) returns the Deployment
   * value and updates the local record; every exit but a confirmed end streams a last, bounded look (partial last
   * lines, jobs that completed meanwhile). After an abort, everything shares one deadline (abortClock).
   */
  private async followAndReport(what: Followed, rec: RunRecord, io: FollowIo, ctx: ExecutionContext, clock: { left: () => number; signal: (cap?: number) => AbortSignal }): Promise<Omit<TargetOutcome, 'target'>> {
    const follower = new Follower(this.client, what, io, this.cfg.pollIntervalMs);
    const label = `${what.kind} #${what.id}`;
    let outcome: Omit<TargetOutcome, 'target'>;
    let toolStatus = rec.toolStatus ?? 'unknown';
    let state: Partial<FollowResult['state']> = {};
    /** A last look within what is left of the deadline (bounded by timeoutMs × 2 when not aborted). */
    const lastLook = async () => {
      const ms = Math.min(this.cfg.timeoutMs * 2, clock.left());
      if (ms > 0) await follower.flush(clock.signal(ms));
    };
    try {
      const res: FollowResult = await follower.run(ctx.signal);
      state = res.state;
      toolStatus = res.state.status;
      const how = res.aborted ? abortStatus(ctx.signal) : undefined;
      if (how === 'timed_out' && res.phase === 'blocked' && ctx.signal.reason !== 'shutdown') {
        await lastLook();
        const who = res.state.waiting.map((j) => `${j.name} (${j.status})`).join(', ');
        outcome = { status: 'timed_out', exitCode: null, error: summary(new Errors.DeploymentBlocked(`GitLab ${label} was still ${res.state.status}${who ? ` (waiting: ${who})` : ''} when the run's time ran out; nothing was canceled nor rolled back: play or approve it in GitLab, or cancel it there${res.state.web_url ? ` (${res.state.web_url})` : ''}`)) };
      } else if (how && ctx.signal.reason === 'shutdown') {
        // Capstan stopping is no reason to stop a deployment half-way: GitLab goes on, deploy.status follows it.
        await lastLook();
        io.notice(`Capstan is shutting down: GitLab ${label} goes on without it; follow it in GitLab${res.state.web_url ? ` (${res.state.web_url})` : ''} or with deploy.status ${rec.id}`);
        outcome = { status: 'canceled', exitCode: null, error: summary(new Errors.ServerClosing(`Capstan shut down while following GitLab ${label}; the pipeline was left running in GitLab`)) };
      } else if (how) {
        io.line(`execution ${how === 'canceled' ? 'canceled' : 'timed out'}: canceling ${label} in GitLab`);
        // The cancel and its confirmation get what is left of the deadline, keeping a little for the last look.
        const left = clock.left();
        const c = await follower.cancel(Math.min(this.cfg.cancelWaitMs, Math.max(1, left - Math.min(1000, left / 4))), clock.signal());
        toolStatus = c.status;
        if (c.confirmed) io.line(`${label}: ${c.status} (GitLab confirmed)`);
        else {
          await lastLook();
          io.notice(`GitLab was asked to cancel ${label} but did not confirm it stopped: ${c.error}`);
        }
        const detail = `${label} ${how === 'canceled' ? 'canceled' : 'timed out'}; GitLab ${c.confirmed ? `confirmed: ${c.status}` : `did not confirm the cancel (${c.error})`}${res.state.web_url ? ` (${res.state.web_url})` : ''}`;
        outcome = { status: how, exitCode: null, error: summary(how === 'canceled' ? new Errors.ExecutionFailed(detail) : new Errors.ExecutionTimeout(detail)) };
        if (how === 'canceled') delete outcome.error;
      } else if (res.phase === 'succeeded') {
        outcome = { status: 'succeeded', exitCode: 0 };
      } else {
        const jobs = res.state.failedJobs.map((j) => `${j.name}${j.failure_reason ? ` (${j.failure_reason})` : ''}`).join(', ');
        outcome = { status: 'failed', exitCode: 1, error: summary(new Errors.DeploymentFailed(`GitLab ${label} ended ${res.state.status}${jobs ? `; failed jobs: ${jobs}` : ''}${res.state.web_url ? ` (${res.state.web_url})` : ''}`)) };
      }
    } catch (err) {
      // Following failed (GitLab unreachable too long, an unreadable answer): what was read is flushed, the
      // pipeline's id returned and its record kept, so deploy.status can follow it on.
      await lastLook();
      const e = toCapstanError(err);
      io.notice(`following GitLab ${label} failed (${e.message}); it may still be running: follow it in GitLab${rec.url ? ` (${rec.url})` : ''} or with deploy.status ${rec.id}`);
      outcome = ctx.signal.aborted && ctx.signal.reason === 'shutdown'
        ? { status: 'canceled', exitCode: null, error: summary(new Errors.ServerClosing(`Capstan shut down while following GitLab ${label}: ${e.message}`)) }
        : { status: 'failed', exitCode: null, error: summary(e) };
    }
    // The deployment id is an optional look-up: skipped after an abort (A1).
    const deployment = rec.deployment ?? (ctx.signal.aborted ? undefined : await this.deploymentOf(what, rec));
    const ended = phaseOf(toolStatus) !== 'active' && phaseOf(toolStatus) !== 'blocked' && toolStatus !== 'unknown';
    const done: RunRecord = { ...rec, ...(deployment ? { deployment } : {}), toolStatus, url: state.web_url ?? rec.url, ...(ended ? { finishedAt: state.finished_at ?? new Date().toISOString() } : {}) };
    this.records.put(done);
    const value = fromRun(done, { ...state, status: toolStatus });
    return { ...outcome, value };
  }

  /** The GitLab deployment the run's deploy job made in the record's environment (newest 60 looked at), if any. */
  private async deploymentOf(what: Followed, rec: RunRecord, outer?: AbortSignal): Promise<number | undefined> {
    try {
      const own = AbortSignal.timeout(this.cfg.timeoutMs * 3);
      const signal = outer ? AbortSignal.any([own, outer]) : own;
      let page: number | null = 1;
      for (let i = 0; page !== null && i < 3; i++) {
        const r: { items: GlDeployment[]; next: number | null } = await this.client.page<GlDeployment>(`projects/${GitlabClient.project(what.project)}/deployments`, { environment: rec.environment, order_by: 'id', sort: 'desc', per_page: 20 }, page, signal);
        const d = r.items.find((x) => what.kind === 'pipeline' ? x.deployable?.pipeline?.id === what.id : x.deployable?.id === what.id);
        if (d) return d.id;
        page = r.next !== null && r.next > page ? r.next : null;
      }
    } catch (err) {
      this.logger.warn({ err: this.client.scrub((err as Error).message) }, 'the deployment of a gitlab run could not be read: its pipeline/job id stands');
    }
    return undefined;
  }

  // ---- rollback ----

  /** Successful deployments of the environment, newest first, page by page, until `stop` says enough. */
  private async successes(project: string, environment: string, signal: AbortSignal, stop: (seen: GlDeployment[]) => boolean): Promise<GlDeployment[]> {
    const seen: GlDeployment[] = [];
    let page: number | null = 1;
    for (let i = 0; page !== null && i < 50; i++) {
      const r: { items: GlDeployment[]; next: number | null } = await this.client.page<GlDeployment>(`projects/${GitlabClient.project(project)}/deployments`, { environment, status: 'success', order_by: 'id', sort: 'desc' }, page, signal);
      seen.push(...r.items);
      if (stop(seen)) break;
      page = r.next !== null && r.next > page ? r.next : null;
    }
    return seen;
  }

  private async rollback(p: RollbackP, ctx: ExecutionContext) {
    const { io, names, emit } = this.io(ctx, []);
    const startedAt = new Date().toISOString();
    const clock = this.abortClock(ctx);
    let base: Omit<TargetOutcome, 'target'>;
    try {
      const project = projectOf(this.cfg.project, p.application, p.environment);
      const { undone, target } = await this.rollbackPoint(project, p, ctx.signal);
      const version = target ? target.ref ?? target.sha ?? '' : p.toVersion!;
      const previousVersion = undone ? undone.ref ?? undone.sha : undefined;
      io.line(`rolling ${p.application} in ${p.environment} back to ${version} (${target ? `GitLab deployment #${target.iid ?? target.id}` : 'no earlier successful deployment of it: a new pipeline'}${undone ? `, undoing #${undone.iid ?? undone.id} ${previousVersion}` : ''})`);
      const initiatedBy = ctx.signal.aborted ? undefined : await this.principal(ctx.signal);
      let what: Followed | undefined;
      let url: string | undefined;
      const jobId = target?.deployable?.id;
      if (ctx.signal.aborted) throw new Errors.ExecutionFailed('the execution ended before anything was started in GitLab');
      if (!target) {
        // toVersion deployed whatever it is: no earlier success of it needed.
      } else if (jobId) {
        try {
          // Sent once, with its own timeout (not the run's signal): an abort meanwhile cancels the new job after.
          const { body: job } = await this.client.json<GlJob>('POST', `projects/${GitlabClient.project(project)}/jobs/${jobId}/retry`, { waitSignal: ctx.signal });
          what = { kind: 'job', project: String(job.pipeline?.project_id ?? target.deployable?.pipeline?.project_id ?? project), id: job.id };
          url = job.web_url;
          io.line(`retried deploy job ${target.deployable?.name ?? jobId} (#${jobId}) as job #${job.id}${job.web_url ? `: ${job.web_url}` : ''}`);
        } catch (err) {
          if (err instanceof NotSentError) throw err;
          const st = upstreamStatus(err);
          if (st === undefined || st >= 500) {
            // Unknown outcome: a new try of the job in its pipeline (same name, a higher id) is what the retry made.
            const pid = target.deployable?.pipeline?.id;
            io.notice(`the retry of deploy job #${jobId} has no known outcome (${(err as Error).message}); looking for a new try of it in pipeline #${pid ?? '?'}`);
            let found: GlJob | undefined;
            try {
              if (pid) {
                const list = await this.client.all<GlJob>(`projects/${GitlabClient.project(project)}/pipelines/${pid}/jobs`, { include_retried: 'true' }, AbortSignal.any([AbortSignal.timeout(this.cfg.timeoutMs * 4), clock.signal()]), 5);
                found = list.filter((j) => j.id > jobId && j.name === target.deployable?.name && j.stage === target.deployable?.stage).sort((a, b) => b.id - a.id)[0];
              }
            } catch { /* told below */ }
            if (!found) throw new Errors.DeploymentFailed(`${(err as Error).message}: the outcome of the retry of deploy job #${jobId} is unknown (no new try of it found in pipeline #${pid ?? '?'}); look at that pipeline in GitLab${target.deployable?.pipeline?.web_url ? ` (${target.deployable.pipeline.web_url})` : ''}, CI/CD > Pipelines, before rolling back again`, { extra: { upstreamStatus: st, outcomeUnknown: true } });
            io.notice(`job #${found.id} is the new try of deploy job #${jobId}: it is followed`);
            what = { kind: 'job', project: String(found.pipeline?.project_id ?? target.deployable?.pipeline?.project_id ?? project), id: found.id };
            url = found.web_url;
          } else if (st !== 403 && st !== 400) throw err;
          else io.notice(`GitLab refused to retry deploy job #${jobId} (${(err as Error).message}); creating a pipeline on ${version} instead`);
        }
      } else {
        io.notice(`GitLab deployment #${target!.id} has no deploy job to retry (created through the API); creating a pipeline on ${version} instead`);
      }
      if (!what) {
        const variables = { [this.cfg.versionVariable]: version, [this.cfg.environmentVariable]: p.environment };
        const pipeline = await this.createPipeline(project, version, variables, ctx.executionId, io, ctx.signal, () => clock.signal());
        what = { kind: 'pipeline', project: String(pipeline.project_id), id: pipeline.id };
        url = pipeline.web_url;
        io.line(`pipeline #${pipeline.id} created (${pipeline.status}) on ${version}${pipeline.web_url ? `: ${pipeline.web_url}` : ''}`);
      }
      const rec: RunRecord = {
        id: deploymentId(what.project, what.kind, what.id), project: what.project, ...(what.kind === 'job' ? { jobId: what.id } : { pipelineId: what.id }),
        application: p.application, environment: p.environment, version, targets: names, executionId: ctx.executionId,
        ...(previousVersion ? { previousVersion } : {}), ...(initiatedBy ? { initiatedBy } : {}), startedAt, ...(url ? { url } : {}),
      };
      this.records.put(rec);
      base = await this.followAndReport(what, rec, io, ctx, clock);
    } catch (err) {
      base = this.errorOutcome(err, ctx, io);
    }
    return this.report(names, base, emit);
  }

  /**
   * The deployment being undone (deploymentId's, else the latest successful one) and the one to go back to
   * (toVersion's, else the successful one before it).
   */
  private async rollbackPoint(project: string, p: RollbackP, signal: AbortSignal): Promise<{ undone?: GlDeployment; target?: GlDeployment }> {
    const where = `${p.application} in ${p.environment}`;
    const id = p.deploymentId ? parseId(p.deploymentId) : null;
    if (p.deploymentId && !id) throw new Errors.RecordNotFound(`${p.deploymentId} is not a gitlab deployment id`);
    // The id must be of the application's own project (its numbers compared with that project's list otherwise).
    const projectId = id ? await this.sameProject(project, id, p, signal) : undefined;
    const rec = p.deploymentId ? this.records.get(p.deploymentId) : undefined;
    if (rec && (rec.application !== p.application || rec.environment !== p.environment)) {
      throw new Errors.CapabilityParams(`deployment ${p.deploymentId} is of ${rec.application} in ${rec.environment}, not of ${p.application} in ${p.environment}: nothing was rolled back`);
    }
    const matches = (d: GlDeployment): boolean => {
      if (!id) return false;
      if (id.kind === 'deployment') return d.id === id.n;
      if (id.kind === 'pipeline') return d.deployable?.pipeline?.id === id.n;
      return d.deployable?.id === id.n;
    };
    // An id below which the deployment to go back to lies, when the undone one is not in the successful list.
    let below: ((d: GlDeployment) => boolean) | undefined;
    if (id?.kind === 'deployment') {
      const { body, status } = await this.client.json<GlDeployment>('GET', `projects/${GitlabClient.project(id.project)}/deployments/${id.n}`, { signal, allow404: true });
      if (status === 404 || !body) throw new Errors.RecordNotFound(`GitLab knows no deployment ${id.n} in project ${id.project}: ${p.deploymentId} cannot be rolled back`);
      if (body.environment?.name && body.environment.name !== p.environment) throw new Errors.CapabilityParams(`deployment ${p.deploymentId} is of environment ${body.environment.name}, not ${p.environment}: nothing was rolled back`);
      const of = body.deployable?.pipeline?.project_id;
      if (of !== undefined && String(of) !== projectId) throw new Errors.CapabilityParams(`deployment ${p.deploymentId} is of GitLab project #${of}, not of ${project} (#${projectId}): nothing was rolled back`);
      below = (d) => d.id < id.n;
    } else if (id?.kind === 'pipeline') {
      below = (d) => (d.deployable?.pipeline?.id ?? 0) < id.n;
    } else if (id?.kind === 'job') {
      below = (d) => (d.deployable?.id ?? 0) < id.n;
    }
    const pick = (seen: GlDeployment[]): { undone?: GlDeployment; target?: GlDeployment } => {
      let undone: GlDeployment | undefined;
      let rest = seen;
      if (id) {
        const at = seen.findIndex(matches);
        if (at >= 0) { undone = seen[at]; rest = seen.slice(at + 1); } else rest = seen.filter((d) => below!(d));
      } else if (seen.length) { undone = seen[0]; rest = seen.slice(1); }
      const target = p.toVersion ? rest.find((d) => d.ref === p.toVersion || (d.sha && p.toVersion!.length >= 7 && d.sha.startsWith(p.toVersion!))) ?? (id ? undefined : seen.find((d) => d.ref === p.toVersion)) : rest[0];
      return { undone, target };
    };
    const seen = await this.successes(project, p.environment, signal, (s) => pick(s).target !== undefined);
    const { undone, target } = pick(seen);
    if (id && !undone && id.kind !== 'deployment') {
      // A pipeline / job id: it must have deployed to this environment (else it is not a deployment of it).
      const path = id.kind === 'pipeline' ? `projects/${GitlabClient.project(id.project)}/pipelines/${id.n}` : `projects/${GitlabClient.project(id.project)}/jobs/${id.n}`;
      const { body, status } = await this.client.json<GlPipeline | GlJob>('GET', path, { signal, allow404: true });
      if (status === 404 || !body) throw new Errors.RecordNotFound(`GitLab knows no ${id.kind} ${id.n} in project ${id.project}: ${p.deploymentId} cannot be rolled back`);
      const of = (body as GlPipeline).project_id ?? (body as GlJob).pipeline?.project_id;
      if (of !== undefined && String(of) !== projectId) throw new Errors.CapabilityParams(`${id.kind} ${id.n} is of GitLab project #${of}, not of ${project} (#${projectId}): nothing was rolled back`);
    }
    if (!target && p.toVersion) return { undone: undone ?? (id ? undefined : seen[0]) };
    if (!target) {
      throw new Errors.RecordNotFound(`GitLab has no successful deployment of ${where} before ${undone ? `#${undone.iid ?? undone.id} (${undone.ref ?? undone.sha})` : p.deploymentId ?? 'the latest'}: nothing to roll back to`);
    }
    return { undone, target };
  }

  // ---- queries ----

  async status(id: string, signal: AbortSignal): Promise<DeploymentT | null> {
    const parsed = parseId(id);
    if (!parsed) return null;
    const proj = GitlabClient.project(parsed.project);
    if (parsed.kind === 'deployment') {
      const { body, status } = await this.client.json<GlDeployment>('GET', `projects/${proj}/deployments/${parsed.n}`, { signal, allow404: true });
      if (status === 404 || !body) return null;
      const rec = this.recordOf(parsed.project, body);
      const path = projectPathOfWebUrl(body.deployable?.web_url ?? body.deployable?.pipeline?.web_url, this.client.base);
      const application = rec?.application ?? (path ? applicationOf(this.cfg.project, path) ?? path : parsed.project);
      return fromDeployment(body, { projectId: parsed.project, application, record: rec });
    }
    const rec = this.records.get(id);
    if (!rec) return null;
    const path = parsed.kind === 'pipeline' ? `projects/${proj}/pipelines/${parsed.n}` : `projects/${proj}/jobs/${parsed.n}`;
    const { body, status } = await this.client.json<GlPipeline | GlJob>('GET', path, { signal, allow404: true });
    if (status === 404 || !body) return null;
    return fromRun(rec, body);
  }

  /** The record of a run Capstan started that made this GitLab deployment. */
  private recordOf(project: string, d: GlDeployment): RunRecord | undefined {
    const pid = String(d.deployable?.pipeline?.project_id ?? project);
    const job = d.deployable?.id;
    const pipe = d.deployable?.pipeline?.id;
    return this.records.byDeployment(pid, d.id) ?? (job ? this.records.byJob(pid, job) : undefined) ?? (() => {
      // A pipeline's record stands for the deployment its run made, not for another one (a later retry of its job).
      const r = pipe ? this.records.byPipeline(pid, pipe) : undefined;
      return r && (r.deployment === undefined || r.deployment === d.id) ? r : undefined;
    })();
  }

  async history(p: HistoryP, signal: AbortSignal): Promise<{ deployments: DeploymentT[]; nextCursor: string | null }> {
    const limit = p.limit ?? 100;
    const apps = nameList(this.cfg.applications);
    const envs = nameList(this.cfg.environments);
    // The allow-lists filter history as they filter deployments.
    if ((p.application && apps.length && !apps.includes(p.application)) || (p.environment && envs.length && !envs.includes(p.environment))) return { deployments: [], nextCursor: null };
    if (p.node) return this.historyOfNode(p, limit, signal);
    const templated = this.cfg.project.includes('{application}');
    if ((templated && !p.application) || (templateUsesEnvironment(this.cfg.project) && !p.environment)) return this.historyMerged(p, limit, signal);
    const project = projectOf(this.cfg.project, p.application ?? '', p.environment);
    const application = p.application ?? project;
    const { a: from } = decodeCursor(p.cursor);
    if (p.cursor && !from) throw new Errors.CapabilityParams('cursor is not a cursor of this deployment history (pass nextCursor as it was given, with the same application and environment)');
    const r = await this.readList(project, p.environment, from && { p: from.p, z: from.z, older: (d) => d.id < from.id }, limit, signal, (d) => !envs.length || !!p.environment || envs.includes(d.environment?.name ?? ''));
    const given = r.items.slice(0, limit);
    const deployments = given.map(({ d }) => {
      const pid = String(d.deployable?.pipeline?.project_id ?? project);
      return fromDeployment(d, { projectId: pid, application, record: this.recordOf(pid, d) });
    });
    const more = r.items.length > limit || !r.end;
    const last = given.at(-1);
    const at = last ? { id: last.d.id, p: last.page, z: r.size } : from;
    return { deployments, nextCursor: more && at ? encodeCursor({ a: at }) : null };
  }

  /**
   * Up to `want` + 1 deployments of one project (and environment), newest first, those `from.older` keeps,
   * read from page `from.p` (of `from.z` a page) on (a page back first when that page holds nothing already given: deployments
   * deleted meanwhile shift the pages). `end`: GitLab has nothing older than what was read.
   */
  private async readList(project: string, environment: string | undefined, from: { p: number; z: number; older: (d: GlDeployment) => boolean } | undefined, want: number, signal: AbortSignal, keep: (d: GlDeployment) => boolean): Promise<{ items: { d: GlDeployment; page: number }[]; end: boolean; size: number }> {
    const items: { d: GlDeployment; page: number }[] = [];
    const size = Math.max(1, Math.min(100, this.cfg.perPage, want + 1));
    // A cursor made with another page size (another limit): the page holding its position in this size.
    let page = from ? Math.floor(((from.p - 1) * from.z) / size) + 1 : 1;
    const older = (d: GlDeployment) => !from || from.older(d);
    for (let back = 0, i = 0; i < 200; i++) {
      const r: { items: GlDeployment[]; next: number | null } = await this.client.page<GlDeployment>(`projects/${GitlabClient.project(project)}/deployments`, { environment, order_by: 'id', sort: 'desc', per_page: size }, page, signal);
      if (from && page > 1 && back < 3 && i === back && (r.items.length === 0 || older(r.items[0]))) {
        // Nothing on this page was given yet: the items just newer than the cursor may now be a page earlier.
        back++;
        page--;
        continue;
      }
      for (const d of r.items) {
        if (!older(d) || items.some((x) => x.d.id === d.id) || !keep(d)) continue;
        items.push({ d, page });
        if (items.length > want) return { items, end: false, size };
      }
      if (r.next === null || r.next <= page) return { items, end: true, size };
      page = r.next;
    }
    return { items, end: false, size };
  }

  /**
   * History across applications (no `application` with a templated project, or no `environment` with an
   * {environment} template): the applications (and environments) of the allow-lists when configured, else those
   * of the local records; each list read from GitLab (at most 4 at a time, at most limit + 1 items each from
   * where the cursor left it), merged newest first. Every application is read, none dropped.
   */
  private async historyMerged(p: HistoryP, limit: number, signal: AbortSignal): Promise<{ deployments: DeploymentT[]; nextCursor: string | null }> {
    const cursor = decodeCursor(p.cursor);
    const allowApps = nameList(this.cfg.applications);
    const allowEnvs = nameList(this.cfg.environments);
    const recs = [...this.records.all()].reverse();
    const apps = p.application ? [p.application] : allowApps.length ? allowApps : [...new Set(recs.map((r) => r.application))];
    const usesEnv = templateUsesEnvironment(this.cfg.project);
    const lists = new Map<string, { application: string; environment?: string; project: string }>();
    for (const a of apps) {
      const es = !usesEnv || p.environment ? [p.environment] : allowEnvs.length ? allowEnvs : [...new Set(recs.filter((r) => r.application === a).map((r) => r.environment))];
      for (const e of es) {
        const project = projectOf(this.cfg.project, a, e);
        const key = `${project}\u0000${e ?? ''}`;
        if (!lists.has(key)) lists.set(key, { application: a, environment: e, project });
      }
    }
    const at = cursor.m;
    if (p.cursor && !at) throw new Errors.CapabilityParams('cursor is not a cursor of this deployment history (pass nextCursor as it was given)');
    const startedOf = deploymentStartedAt;
    // Strictly after the last item given, in the merged order (startedAt desc, then id desc).
    const after = (d: GlDeployment): boolean => !at || startedOf(d) < at.t || (startedOf(d) === at.t && d.id < at.id);
    const read = await mapLimit([...lists.entries()], 4, async ([key, l]) => {
      const hint = at?.h?.[listHash(key)];
      try {
        return { key, l, ...(await this.readList(l.project, l.environment, at && { p: hint ?? 1, z: at.z, older: after }, limit, signal, (d) => !allowEnvs.length || allowEnvs.includes(d.environment?.name ?? ''))) };
      } catch (err) {
        // An application of the records whose project is gone: the others are still listed.
        if (upstreamStatus(err) === 404) return { key, l, items: [], end: true, size: 1 };
        throw err;
      }
    });
    const all = read.flatMap((r) => r.items.map(({ d, page }) => {
      const pid = String(d.deployable?.pipeline?.project_id ?? r.l.project);
      return { key: r.key, page, d, t: startedOf(d), dep: fromDeployment(d, { projectId: pid, application: r.l.application, record: this.recordOf(pid, d) }) };
    }));
    all.sort((a, b) => b.t.localeCompare(a.t) || b.d.id - a.d.id);
    const given = all.slice(0, limit);
    const more = all.length > limit || read.some((r) => !r.end);
    const last = given.at(-1);
    if (!more || !last) return { deployments: given.map((g) => g.dep), nextCursor: null };
    // Page hints (at most 8, the lists of the last items given): where to start reading them next time.
    const h: Record<string, number> = {};
    for (const g of [...given].reverse()) {
      const k = listHash(g.key);
      if (!(k in h) && Object.keys(h).length < 8) h[k] = g.page;
    }
    const z = read.find((r) => r.size > 1)?.size ?? Math.max(1, Math.min(100, this.cfg.perPage, limit + 1));
    return { deployments: given.map((g) => g.dep), nextCursor: encodeCursor({ m: { t: last.t, id: last.d.id, z, ...(Object.keys(h).length ? { h } : {}) } }) };
  }

  /**
   * By node: only runs Capstan started on it (GitLab does not know Capstan's nodes), from the records, newest
   * first (startedAt, then id), keyset by the last one given. Those not finished when last written are read
   * again from GitLab (at most 4 at a time) and their record updated (A6).
   */
  private async historyOfNode(p: HistoryP, limit: number, signal: AbortSignal): Promise<{ deployments: DeploymentT[]; nextCursor: string | null }> {
    const { n: after } = decodeCursor(p.cursor);
    if (p.cursor && !after) throw new Errors.CapabilityParams('cursor is not a cursor of this deployment history (pass nextCursor as it was given)');
    const apps = nameList(this.cfg.applications);
    const envs = nameList(this.cfg.environments);
    const newer = (a: RunRecord, b: { startedAt: string; id: string }) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id);
    const all = this.records.all().filter((r) => r.targets.includes(p.node!)
      && (!p.application || r.application === p.application) && (!p.environment || r.environment === p.environment)
      && (!apps.length || apps.includes(r.application)) && (!envs.length || envs.includes(r.environment)))
      .sort((a, b) => newer(a, b))
      .filter((r) => !after || newer(r, { startedAt: after.t, id: after.id }) > 0);
    const slice = all.slice(0, limit);
    const deployments = await mapLimit(slice, 4, async (r) => {
      const rec = r.finishedAt ? r : await this.refreshRecord(r, signal);
      return fromRun(rec, { status: rec.toolStatus ?? 'running', web_url: rec.url, created_at: rec.startedAt, finished_at: rec.finishedAt });
    });
    const last = slice.at(-1);
    return { deployments, nextCursor: last && all.length > limit ? encodeCursor({ n: { t: last.startedAt, id: last.id } }) : null };
  }

  /** A record not finished when last written, read again from GitLab (its pipeline or job) and written back. */
  private async refreshRecord(r: RunRecord, signal: AbortSignal): Promise<RunRecord> {
    const proj = GitlabClient.project(r.project);
    const path = r.jobId !== undefined ? `projects/${proj}/jobs/${r.jobId}` : r.pipelineId !== undefined ? `projects/${proj}/pipelines/${r.pipelineId}` : undefined;
    if (!path) return r;
    try {
      const { body, status } = await this.client.json<GlPipeline | GlJob>('GET', path, { signal, allow404: true });
      if (status === 404 || !body?.status) return r;
      const phase = phaseOf(body.status);
      const ended = phase !== 'active' && phase !== 'blocked';
      // Ended now: the GitLab deployment it made, so the id is the one history lists (R5).
      const deployment = r.deployment ?? (ended ? await this.deploymentOf({ kind: r.jobId !== undefined ? 'job' : 'pipeline', project: r.project, id: (r.jobId ?? r.pipelineId)! }, r, signal) : undefined);
      const done: RunRecord = { ...r, ...(deployment ? { deployment } : {}), toolStatus: body.status, url: body.web_url ?? r.url, ...(ended ? { finishedAt: body.finished_at ?? new Date().toISOString() } : {}) };
      if (done.toolStatus !== r.toolStatus || done.finishedAt !== r.finishedAt || done.deployment !== r.deployment) this.records.put(done);
      return done;
    } catch (err) {
      if (signal.aborted) throw err;
      this.logger.warn({ err: this.client.scrub((err as Error).message) }, 'a gitlab run of the records could not be read again: its last known status stands');
      return r;
    }
  }
}
