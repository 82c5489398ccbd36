/**
 * A contract-faithful fake of the parts of GitLab's REST API v4 the gitlab plugin uses, for tests on loopback
 * (127.0.0.102, an ephemeral port), following /work/shared/reference/cicd-apis.md §2 (itself read from
 * gitlabhq/gitlabhq lib/api/ci/*.rb and doc/api/*.md at the commits it lists):
 * - auth by `PRIVATE-TOKEN` (401 `{"message":"401 Unauthorized"}`; a read_api token gets 403
 *   `{"error":"insufficient_scope",...}` on writes); trigger tokens in the body of POST /trigger/pipeline
 *   (a bad one: 404 `{"message":"404 Not Found"}`; variables must be a map of strings, else 400);
 * - POST /projects/:id/pipeline -> 201 pipeline (`{"message":{"base":["Reference not found"]}}` 400 for an
 *   unknown ref), GET pipeline, GET pipeline jobs / bridges (paginated: x-page, x-per-page, x-next-page,
 *   x-total, Link), GET /jobs/:id, GET /jobs/:id/trace (text/plain, the whole log so far), POST
 *   pipeline cancel (200) / job cancel (201) / job retry (201 new job, or 403 "Job is not retryable");
 * - GET /projects/:id/deployments (environment, status, order_by, sort default asc, pagination),
 *   GET /projects/:id/deployments/:id, GET /user;
 * - 429 with Retry-After and RateLimit-Reset when told to; a 5xx when told to.
 * Pipelines are state machines: each GET of a pipeline (or of one of its jobs) is one tick: created ->
 * pending -> running, the jobs of a stage run together writing their log a few lines per tick (with a line
 * cut in the middle at times), then end as their spec says (success, failed, manual, stuck); a job with an
 * environment makes a deployment that follows it. Nothing is canned: every answer is computed from the state.
 */
import { createHash } from 'node:crypto';
import type http from 'node:http';
import { FakeHttpApi, readJson, sendJson } from '../../../../test/fixtures/fake-http-api.js';

export const GITLAB_FAKE_HOST = '127.0.0.102';

export interface JobSpec {
  name: string;
  stage: string;
  /** Log lines (the fake adds the runner's header and section markers). */
  lines?: string[];
  /** How the job ends: default success; `stuck` runs forever; `manual` waits to be played. */
  outcome?: 'success' | 'failed' | 'stuck';
  when?: 'manual';
  allowFailure?: boolean;
  /** The job deploys to the pipeline's environment (creates a GitLab deployment). */
  environment?: boolean;
  /** A `stuck` job with `partial`: writes its lines, then this text without a newline (a partial last line), and runs on. */
  partial?: string;
  /** Log characters written per tick (default: 2 lines' worth, cutting lines in the middle). */
  chunk?: number;
  /** GitLab's `retry:` keyword: a failed job is retried this many times at once (a new job; the old one is `retried`). */
  retry?: number;
  /** The spec of the automatic retry's new job (default: the same spec). */
  retrySpec?: JobSpec;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  url: string;
  privateToken?: string;
  headers: http.IncomingHttpHeaders;
  text: string;
}

interface Project { id: number; path: string }
interface Job {
  id: number; spec: JobSpec; pipelineId: number; status: string; log: string; pending: string;
  created_at: string; started_at: string | null; finished_at: string | null; failure_reason?: string; retryable: boolean; retried?: boolean;
}
interface Pipeline {
  id: number; iid: number; projectId: number; ref: string; sha: string; status: string; source: string; user: string;
  variables: Record<string, string>; jobs: number[]; created_at: string; started_at: string | null; finished_at: string | null;
  ticks: number; canceling: boolean;
}
interface Deployment { id: number; iid: number; projectId: number; environment: string; jobId: number; status: string; created_at: string; updated_at: string; user: string }

const USERS: Record<string, { id: number; username: string }> = {};
const ACTIVE = new Set(['created', 'pending', 'running', 'preparing', 'waiting_for_resource', 'canceling']);
const DONE = new Set(['success', 'failed', 'canceled', 'skipped']);

export class FakeGitlab extends FakeHttpApi {
  readonly requests: RecordedRequest[] = [];
  readonly projects: Project[] = [];
  readonly pipelines = new Map<number, Pipeline>();
  readonly jobs = new Map<number, Job>();
  readonly deployments: Deployment[] = [];
  /** The jobs the next created pipeline runs. */
  nextJobs: JobSpec[] = [];
  /** Bridges (trigger jobs) of the next created pipeline, by name and stage: they follow the pipeline's status. */
  nextBridges: { name: string; stage: string }[] = [];
  private readonly bridgesOf = new Map<number, { id: number; name: string; stage: string }[]>();
  /** Refs that exist (others: 400 Reference not found). Empty: any. */
  refs = new Set<string>();
  /** Answer the next N requests (matching `rateLimitPath` when set) with 429. */
  rateLimit = { count: 0, retryAfter: '1', path: undefined as RegExp | undefined, useReset: false };
  /** Answer the next N requests whose path matches with this status. */
  fail = { count: 0, status: 502, path: /./ as RegExp };
  /** Job retries refused (403 Job is not retryable). */
  retryForbidden = false;
  /** The next N pipeline creations are made, but their answer is lost (the connection reset). */
  loseCreateAnswer = 0;
  /** The next N job retries are made, but their answer is lost (the connection reset). */
  loseRetryAnswer = 0;
  /** Behave as a GitLab that ignores include_retried (lists only each job's newest try). */
  ignoreIncludeRetried = false;
  /** Milliseconds a pipeline creation takes before it is made and answered. */
  createDelayMs = 0;
  /** Ticks a canceling pipeline stays `canceling` before `canceled`. */
  cancelTicks = 1;
  private nextId = { pipeline: 90000, job: 550000, deployment: 7700 };

  constructor(readonly tokens: { token: string; readToken?: string; triggerToken?: string; username?: string }) {
    super(GITLAB_FAKE_HOST);
    USERS[tokens.token] = { id: 7, username: tokens.username ?? 'deploy-bot' };
    if (tokens.readToken) USERS[tokens.readToken] = { id: 8, username: 'reader' };
  }

  addProject(id: number, path: string): Project {
    const p = { id, path };
    this.projects.push(p);
    return p;
  }

  private project(seg: string): Project | undefined {
    const s = decodeURIComponent(seg);
    return this.projects.find((p) => String(p.id) === s || p.path === s);
  }

  private now(): string {
    return new Date().toISOString();
  }

  /** A pipeline made as POST /pipeline makes it. */
  createPipeline(project: Project, ref: string, variables: Record<string, string>, source: string, user: string, specs = this.nextJobs): Pipeline {
    const id = ++this.nextId.pipeline;
    const pl: Pipeline = {
      id, iid: id - 90000, projectId: project.id, ref, sha: createHash('sha1').update(ref).digest('hex'), status: 'created', source, user,
      variables, jobs: [], created_at: this.now(), started_at: null, finished_at: null, ticks: 0, canceling: false,
    };
    this.pipelines.set(id, pl);
    for (const spec of specs) this.addJob(pl, spec);
    if (specs === this.nextJobs) this.bridgesOf.set(id, this.nextBridges.map((b) => ({ ...b, id: ++this.nextId.job })));
    return pl;
  }

  private addJob(pl: Pipeline, spec: JobSpec): Job {
    const job: Job = { id: ++this.nextId.job, spec, pipelineId: pl.id, status: 'created', log: '', pending: this.fullLog(spec, pl.variables), created_at: this.now(), started_at: null, finished_at: null, retryable: true };
    this.jobs.set(job.id, job);
    pl.jobs.push(job.id);
    if (spec.environment && pl.variables.CAPSTAN_ENVIRONMENT) {
      const id = ++this.nextId.deployment;
      this.deployments.push({ id, iid: id - 7700, projectId: pl.projectId, environment: pl.variables.CAPSTAN_ENVIRONMENT, jobId: job.id, status: 'created', created_at: this.now(), updated_at: this.now(), user: pl.user });
    }
    return job;
  }

  private fullLog(spec: JobSpec, vars: Record<string, string>): string {
    const t = Math.floor(Date.now() / 1000);
    const head = `\x1b[0KRunning with gitlab-runner 17.0.0 (fake)\x1b[0;m\n\x1b[0Ksection_start:${t}:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting "step_script" stage of the job script\x1b[0;m\n`;
    // `$NAME` in a line is the pipeline variable's value, as a shell would print it.
    const body = (spec.lines ?? []).map((l) => `${l.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, k: string) => vars[k] ?? '')}\n`).join('');
    if (spec.outcome === 'stuck' && spec.partial !== undefined) return head + body + spec.partial;
    const tail = `\x1b[0Ksection_end:${t}:step_script\r\x1b[0K\n${spec.outcome === 'failed' ? '\x1b[31;1mERROR: Job failed: exit code 1\x1b[0;m' : '\x1b[32;1mJob succeeded\x1b[0;m'}\n`;
    return head + body + tail;
  }

  /** A finished deployment in the history (an old pipeline with one deploy job, all succeeded or as `status`). */
  seedDeployment(project: Project, environment: string, ref: string, status: 'success' | 'failed' | 'canceled' = 'success'): Deployment {
    const pl = this.createPipeline(project, ref, { CAPSTAN_ENVIRONMENT: environment, CAPSTAN_VERSION: ref }, 'push', 'alice', [{ name: 'deploy', stage: 'deploy', environment: true, lines: [`deploying ${ref}`] }]);
    const job = this.jobs.get(pl.jobs[0])!;
    const at = this.now();
    pl.status = status; pl.started_at = at; pl.finished_at = at;
    job.status = status; job.log = job.pending; job.pending = ''; job.started_at = at; job.finished_at = at;
    const d = this.deployments.find((x) => x.jobId === job.id)!;
    d.status = status;
    return d;
  }

  // ---- the state machine ----

  private tick(pl: Pipeline): void {
    pl.ticks++;
    // A retried job no longer counts (GitLab judges the pipeline by each job's newest try).
    let jobs = pl.jobs.map((id) => this.jobs.get(id)!).filter((j) => j && !j.retried);
    if (pl.canceling) {
      if (pl.ticks >= this.cancelTicks) {
        for (const j of jobs) if (ACTIVE.has(j.status) || j.status === 'manual') this.setJob(j, 'canceled');
        pl.status = 'canceled';
        pl.finished_at = this.now();
        pl.canceling = false;
      }
      return;
    }
    if (DONE.has(pl.status) && !jobs.some((j) => ACTIVE.has(j.status))) return;
    if (pl.status === 'created') { pl.status = 'pending'; for (const j of jobs) if (j.status === 'created') j.status = 'created'; return; }
    // Jobs running write their log, and end once it is all written.
    for (const j of jobs.filter((x) => x.status === 'running')) {
      if (j.spec.outcome === 'stuck' && j.spec.partial === undefined) continue;
      let size = j.spec.chunk ?? this.chunkOf(j);
      // Never half of a surrogate pair (the log is UTF-8 text).
      const code = j.pending.charCodeAt(size - 1);
      if (code >= 0xd800 && code <= 0xdbff) size++;
      j.log += j.pending.slice(0, size);
      j.pending = j.pending.slice(size);
      if (!j.pending && j.spec.outcome !== 'stuck') this.setJob(j, j.spec.outcome === 'failed' ? 'failed' : 'success');
    }
    jobs = pl.jobs.map((id) => this.jobs.get(id)!).filter((j) => j && !j.retried);
    for (const j of jobs.filter((x) => x.status === 'pending')) this.setJob(j, 'running');
    // The next stage starts once every job of the stages before it ended.
    const stages = [...new Set(jobs.map((j) => j.spec.stage))];
    for (const stage of stages) {
      const of = jobs.filter((j) => j.spec.stage === stage);
      const before = jobs.filter((j) => stages.indexOf(j.spec.stage) < stages.indexOf(stage));
      if (before.some((j) => !DONE.has(j.status))) break;
      if (before.some((j) => j.status === 'failed' && !j.spec.allowFailure)) {
        for (const j of of) if (j.status === 'created') this.setJob(j, 'skipped');
        continue;
      }
      for (const j of of) if (j.status === 'created') this.setJob(j, j.spec.when === 'manual' ? 'manual' : 'pending');
    }
    pl.status = this.pipelineStatus(jobs);
    if (pl.status === 'running' && !pl.started_at) pl.started_at = this.now();
    if (DONE.has(pl.status) && !pl.finished_at) pl.finished_at = this.now();
  }

  private chunkOf(j: Job): number {
    // About two lines per tick; never 0; cuts lines in the middle.
    const firstNl = j.pending.indexOf('\n');
    return Math.max(7, Math.min(j.pending.length, firstNl < 0 ? j.pending.length : firstNl + 1 + Math.ceil((j.pending.indexOf('\n', firstNl + 1) - firstNl) / 2)));
  }

  private pipelineStatus(jobs: Job[]): string {
    if (jobs.some((j) => ['running', 'pending', 'canceling'].includes(j.status))) return 'running';
    if (jobs.some((j) => j.status === 'failed' && !j.spec.allowFailure)) return jobs.some((j) => j.status === 'created') ? 'running' : 'failed';
    if (jobs.some((j) => j.status === 'manual')) return 'manual';
    if (jobs.some((j) => j.status === 'created')) return 'running';
    if (jobs.every((j) => j.status === 'skipped')) return 'skipped';
    if (jobs.some((j) => j.status === 'canceled')) return 'canceled';
    return 'success';
  }

  private setJob(j: Job, status: string): void {
    j.status = status;
    if (status === 'running' && !j.started_at) j.started_at = this.now();
    if (DONE.has(status)) {
      j.finished_at = this.now();
      if (status === 'failed') j.failure_reason = 'script_failure';
      if (status === 'failed' && (j.spec.retry ?? 0) > 0) {
        const pl = this.pipelines.get(j.pipelineId)!;
        const next = this.addJob(pl, { ...(j.spec.retrySpec ?? j.spec), retry: j.spec.retry! - 1 });
        next.status = 'pending';
        j.retried = true;
      }
      if (status === 'canceled') j.log += '\x1b[31;1mERROR: Job failed: canceled\x1b[0;m\n';
    }
    const d = this.deployments.find((x) => x.jobId === j.id);
    if (d) {
      d.status = status === 'pending' ? 'created' : status === 'manual' ? 'blocked' : status;
      d.updated_at = this.now();
    }
  }

  // ---- JSON shapes ----

  private userOf(name: string) {
    const u = Object.values(USERS).find((x) => x.username === name) ?? { id: 99, username: name };
    return { id: u.id, username: u.username, name: u.username, state: 'active', avatar_url: null, web_url: `${this.url}/${u.username}` };
  }

  private projectPath(id: number): string {
    return this.projects.find((p) => p.id === id)?.path ?? String(id);
  }

  pipelineJson(pl: Pipeline) {
    return {
      id: pl.id, iid: pl.iid, project_id: pl.projectId, sha: pl.sha, ref: pl.ref, status: pl.status, source: pl.source,
      created_at: pl.created_at, updated_at: this.now(), web_url: `${this.url}/${this.projectPath(pl.projectId)}/-/pipelines/${pl.id}`,
      before_sha: '0'.repeat(40), tag: true, yaml_errors: null, user: this.userOf(pl.user), started_at: pl.started_at, finished_at: pl.finished_at,
      committed_at: null, duration: null, queued_duration: null, coverage: null, name: null,
      detailed_status: { icon: `status_${pl.status}`, text: pl.status, label: pl.status, group: pl.status, tooltip: pl.status, has_details: true, details_path: `/${this.projectPath(pl.projectId)}/-/pipelines/${pl.id}`, illustration: null, favicon: '' },
    };
  }

  jobJson(j: Job) {
    const pl = this.pipelines.get(j.pipelineId)!;
    return {
      id: j.id, status: j.status, stage: j.spec.stage, name: j.spec.name, ref: pl.ref, tag: true, coverage: null, allow_failure: j.spec.allowFailure ?? j.spec.when === 'manual',
      created_at: j.created_at, started_at: j.started_at, finished_at: j.finished_at, erased_at: null, duration: null, queued_duration: null,
      user: this.userOf(pl.user), commit: { id: pl.sha, short_id: pl.sha.slice(0, 8), title: 'commit' },
      pipeline: { id: pl.id, project_id: pl.projectId, ref: pl.ref, sha: pl.sha, status: pl.status, web_url: `${this.url}/${this.projectPath(pl.projectId)}/-/pipelines/${pl.id}` },
      ...(j.status === 'failed' ? { failure_reason: j.failure_reason ?? 'script_failure' } : {}),
      web_url: `${this.url}/${this.projectPath(pl.projectId)}/-/jobs/${j.id}`, project: { ci_job_token_scope_enabled: false }, artifacts: [], runner: null, tag_list: [],
    };
  }

  deploymentJson(d: Deployment) {
    const j = this.jobs.get(d.jobId)!;
    const pl = this.pipelines.get(j.pipelineId)!;
    return {
      id: d.id, iid: d.iid, ref: pl.ref, sha: pl.sha, status: d.status, created_at: d.created_at, updated_at: d.updated_at,
      user: this.userOf(d.user), environment: { id: 1, name: d.environment, external_url: null }, deployable: this.jobJson(j),
    };
  }

  // ---- HTTP ----

  protected internalError(message: string): unknown {
    return { message: `500 Internal Server Error: ${message}` };
  }

  private paginate(res: http.ServerResponse, req: URL, items: unknown[]): void {
    const per = Math.min(100, Math.max(1, Number(req.searchParams.get('per_page') ?? 20) || 20));
    const page = Math.max(1, Number(req.searchParams.get('page') ?? 1) || 1);
    const pages = Math.max(1, Math.ceil(items.length / per));
    const slice = items.slice((page - 1) * per, page * per);
    const link = (p: number, rel: string) => { const u = new URL(req.href); u.searchParams.set('page', String(p)); return `<${u.href}>; rel="${rel}"`; };
    const links = [...(page < pages ? [link(page + 1, 'next')] : []), ...(page > 1 ? [link(page - 1, 'prev')] : []), link(1, 'first'), link(pages, 'last')];
    sendJson(res, 200, slice, {
      link: links.join(', '), 'x-page': String(page), 'x-per-page': String(per), 'x-next-page': page < pages ? String(page + 1) : '',
      'x-prev-page': page > 1 ? String(page - 1) : '', 'x-total': String(items.length), 'x-total-pages': String(pages),
    });
  }

  protected handle(req: http.IncomingMessage, text: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const token = req.headers['private-token'] as string | undefined;
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, url: req.url ?? '', privateToken: token, headers: req.headers, text });
    if (this.rateLimit.count > 0 && (!this.rateLimit.path || this.rateLimit.path.test(url.pathname))) {
      this.rateLimit.count--;
      const headers: Record<string, string> = { 'ratelimit-limit': '600', 'ratelimit-remaining': '0', 'ratelimit-reset': String(Math.ceil(Date.now() / 1000) + Number(this.rateLimit.retryAfter)) };
      if (!this.rateLimit.useReset) headers['retry-after'] = this.rateLimit.retryAfter;
      return sendJson(res, 429, { message: 'Retry later' }, headers);
    }
    if (this.fail.count > 0 && this.fail.path.test(url.pathname)) {
      this.fail.count--;
      return sendJson(res, this.fail.status, { message: `${this.fail.status} Bad Gateway` });
    }
    const m = /^\/api\/v4\/(.*)$/.exec(url.pathname);
    if (!m) return sendJson(res, 404, { error: '404 Not Found' });
    const route = m[1];
    const method = req.method ?? 'GET';
    // Trigger: the token travels in the body; PRIVATE-TOKEN is not needed.
    const trig = /^projects\/([^/]+)\/trigger\/pipeline$/.exec(route);
    if (trig && method === 'POST') return this.trigger(trig[1], text, res);
    const user = token ? USERS[token] : undefined;
    if (!user) return sendJson(res, 401, { message: '401 Unauthorized' });
    const readOnly = token === this.tokens.readToken;
    if (method === 'POST' && readOnly) return sendJson(res, 403, { error: 'insufficient_scope', error_description: 'The request requires higher privileges than provided by the access token.', scope: 'api' });
    if (route === 'user' && method === 'GET') return sendJson(res, 200, { id: user.id, username: user.username, name: user.username, state: 'active' });
    const single = /^projects\/([^/]+)$/.exec(route);
    if (single && method === 'GET') {
      const pr = this.project(single[1]);
      if (!pr) return sendJson(res, 404, { message: '404 Project Not Found' });
      return sendJson(res, 200, { id: pr.id, path: pr.path.split('/').at(-1), path_with_namespace: pr.path, name: pr.path.split('/').at(-1), web_url: `${this.url}/${pr.path}`, default_branch: 'main' });
    }
    const pm = /^projects\/([^/]+)\/(.*)$/.exec(route);
    if (!pm) return sendJson(res, 404, { error: '404 Not Found' });
    const project = this.project(pm[1]);
    if (!project) return sendJson(res, 404, { message: '404 Project Not Found' });
    const rest = pm[2];
    let r: RegExpExecArray | null;
    if (rest === 'pipeline' && method === 'POST') {
      const { body, invalid } = readJson(text);
      if (invalid) return sendJson(res, 400, { error: 'body is invalid JSON' });
      if (!body?.ref) return sendJson(res, 400, { error: 'ref is missing' });
      if (this.refs.size && !this.refs.has(body.ref)) return sendJson(res, 400, { message: { base: ['Reference not found'] } });
      const vars: Record<string, string> = {};
      for (const v of body.variables ?? []) {
        if (typeof v?.key !== 'string' || typeof v?.value !== 'string') return sendJson(res, 400, { error: 'variables[key], variables[value] is invalid' });
        vars[v.key] = v.value;
      }
      return this.created(res, () => this.createPipeline(project, body.ref, vars, 'api', user.username));
    }
    if (rest === 'pipelines' && method === 'GET') {
      const q = url.searchParams;
      const after = q.get('created_after') ? Date.parse(q.get('created_after')!) : undefined;
      const list = [...this.pipelines.values()].filter((pl) => pl.projectId === project.id && (!q.get('ref') || pl.ref === q.get('ref'))
        && (!q.get('source') || pl.source === q.get('source')) && (after === undefined || Date.parse(pl.created_at) >= after))
        .sort((a, b) => (q.get('sort') === 'asc' ? a.id - b.id : b.id - a.id))
        .map((pl) => ({ id: pl.id, iid: pl.iid, project_id: pl.projectId, sha: pl.sha, ref: pl.ref, status: pl.status, source: pl.source, created_at: pl.created_at, updated_at: this.now(), web_url: `${this.url}/${this.projectPath(pl.projectId)}/-/pipelines/${pl.id}`, name: null }));
      return this.paginate(res, url, list);
    }
    if ((r = /^pipelines\/(\d+)\/variables$/.exec(rest)) && method === 'GET') {
      const pl = this.pipelines.get(Number(r[1]));
      if (!pl || pl.projectId !== project.id) return sendJson(res, 404, { message: '404 Not found' });
      return sendJson(res, 200, Object.entries(pl.variables).map(([key, value]) => ({ variable_type: 'env_var', key, value, raw: false })));
    }
    if ((r = /^pipelines\/(\d+)(\/jobs|\/bridges|\/cancel)?$/.exec(rest))) {
      const pl = this.pipelines.get(Number(r[1]));
      if (!pl || pl.projectId !== project.id) return sendJson(res, 404, { message: '404 Not found' });
      if (!r[2] && method === 'GET') { this.tick(pl); return sendJson(res, 200, this.pipelineJson(pl)); }
      if (r[2] === '/jobs' && method === 'GET') return this.paginate(res, url, pl.jobs.map((id) => this.jobs.get(id)!).filter((j) => !j.retried || (!this.ignoreIncludeRetried && url.searchParams.get('include_retried') === 'true')).sort((a, b) => b.id - a.id).map((j) => this.jobJson(j)));
      if (r[2] === '/bridges' && method === 'GET') {
        const status = pl.status === 'created' || pl.status === 'pending' ? 'created' : pl.status === 'manual' ? 'running' : pl.status;
        return this.paginate(res, url, (this.bridgesOf.get(pl.id) ?? []).map((b) => ({
          id: b.id, name: b.name, stage: b.stage, status, ref: pl.ref, tag: true, allow_failure: false, created_at: pl.created_at, started_at: pl.started_at, finished_at: pl.finished_at,
          user: this.userOf(pl.user), pipeline: { id: pl.id, project_id: pl.projectId, ref: pl.ref, sha: pl.sha, status: pl.status }, downstream_pipeline: null,
        })));
      }
      if (r[2] === '/cancel' && method === 'POST') {
        if (!DONE.has(pl.status)) { pl.canceling = true; pl.status = 'canceling'; pl.ticks = 0; for (const id of pl.jobs) { const j = this.jobs.get(id)!; if (j.status === 'running') j.status = 'canceling'; } }
        return sendJson(res, 200, this.pipelineJson(pl));
      }
    }
    if ((r = /^jobs\/(\d+)(\/trace|\/retry|\/cancel)?$/.exec(rest))) {
      const j = this.jobs.get(Number(r[1]));
      const pl = j ? this.pipelines.get(j.pipelineId) : undefined;
      if (!j || !pl || pl.projectId !== project.id) return sendJson(res, 404, { message: '404 Not found' });
      if (!r[2] && method === 'GET') { this.tick(pl); return sendJson(res, 200, this.jobJson(j)); }
      if (r[2] === '/trace' && method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-disposition': `infile; filename="${j.id}.log"`, 'content-length': Buffer.byteLength(j.log) });
        return void res.end(j.log);
      }
      if (r[2] === '/retry' && method === 'POST') {
        if (this.retryForbidden || !DONE.has(j.status)) return sendJson(res, 403, { message: '403 Forbidden - Job is not retryable' });
        const copy = this.addJob(pl, j.spec);
        j.retried = true;
        const d = this.deployments.find((x) => x.jobId === copy.id);
        if (d) d.user = user.username;
        copy.status = 'pending';
        if (d) d.status = 'created';
        pl.status = 'running'; pl.finished_at = null;
        if (this.loseRetryAnswer > 0) { this.loseRetryAnswer--; return void res.socket?.destroy(); }
        return sendJson(res, 201, this.jobJson(copy));
      }
      if (r[2] === '/cancel' && method === 'POST') {
        if (!DONE.has(j.status)) this.setJob(j, 'canceled');
        pl.status = this.pipelineStatus(pl.jobs.map((id) => this.jobs.get(id)!).filter((x) => !x.retried));
        return sendJson(res, 201, this.jobJson(j));
      }
    }
    if (rest === 'deployments' && method === 'GET') {
      const env = url.searchParams.get('environment');
      const status = url.searchParams.get('status');
      const desc = url.searchParams.get('sort') === 'desc';
      const list = this.deployments.filter((d) => d.projectId === project.id && (!env || d.environment === env) && (!status || d.status === status))
        .sort((a, b) => (desc ? b.id - a.id : a.id - b.id)).map((d) => this.deploymentJson(d));
      return this.paginate(res, url, list);
    }
    if ((r = /^deployments\/(\d+)$/.exec(rest)) && method === 'GET') {
      const d = this.deployments.find((x) => x.id === Number(r![1]) && x.projectId === project.id);
      return d ? sendJson(res, 200, this.deploymentJson(d)) : sendJson(res, 404, { message: '404 Not found' });
    }
    return sendJson(res, 404, { error: '404 Not Found' });
  }

  private trigger(projectSeg: string, text: string, res: http.ServerResponse): void {
    const { body } = readJson(text);
    const project = this.project(projectSeg);
    if (!project || !body || body.token !== this.tokens.triggerToken) return sendJson(res, 404, { message: '404 Not Found' });
    if (!body.ref) return sendJson(res, 400, { error: 'ref is missing' });
    const vars = body.variables ?? {};
    if (typeof vars !== 'object' || Array.isArray(vars) || Object.values(vars).some((v) => typeof v !== 'string')) {
      return sendJson(res, 400, { message: 'variables needs to be a map of key-valued strings' });
    }
    this.created(res, () => this.createPipeline(project, body.ref, vars, 'trigger', this.tokens.username ?? 'deploy-bot'));
  }

  /** A pipeline creation: after `createDelayMs`, made, then answered 201 — or its answer lost (`loseCreateAnswer`). */
  private created(res: http.ServerResponse, make: () => Pipeline): void {
    const go = () => {
      const pl = make();
      if (this.loseCreateAnswer > 0) {
        this.loseCreateAnswer--;
        res.socket?.destroy();
        return;
      }
      sendJson(res, 201, this.pipelineJson(pl));
    };
    if (this.createDelayMs > 0) setTimeout(go, this.createDelayMs);
    else go();
  }
}
