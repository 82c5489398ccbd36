/**
 * A fake GitHub REST API (Actions workflows, runs, jobs, job logs; Deployments and statuses; /user, /rate_limit)
 * following /work/shared/reference/cicd-apis.md §3: headers (Bearer token, X-GitHub-Api-Version, User-Agent),
 * error bodies (`{message, documentation_url, status}`), Link pagination, rate-limit headers on every answer
 * and rate limits on demand (primary: 403 + x-ratelimit-remaining 0 + reset; secondary: 429/403 + retry-after
 * or the secondary-limit message), dispatch answering 204 or 200 with the run (return_run_details, or always
 * under 2026-03-10), and runs that really move: each read of a run advances it one step (queued, then each
 * job's steps one by one, then completed), writing deployments with statuses as its deploy job runs. Job
 * logs: a 302 to a separate "storage" server (another origin) that must not receive the token. Per-ref
 * scenarios: success, failure, timed_out, startup_failure, blocked (environment review), stuck (until a cancel),
 * ignore-cancel (stays until force-cancel). Every request is recorded.
 */
import type http from 'node:http';
import { FakeHttpApi, readJson, sendJson } from '../../../../test/fixtures/fake-http-api.js';

export const GITHUB_FAKE_HOST = '127.0.0.103';
const DOCS = 'https://docs.github.com/rest';

export type Scenario = 'success' | 'failure' | 'timed_out' | 'startup_failure' | 'blocked' | 'stuck' | 'ignore-cancel' | 'neutral';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Step { name: string; number: number; status: string; conclusion: string | null }
interface Job { id: number; name: string; status: string; conclusion: string | null; steps: Step[]; started_at: string | null; log: string[]; completedAt?: number }
interface Run {
  id: number; repo: string; workflow: string; ref: string; inputs: Record<string, string>; scenario: Scenario;
  status: string; conclusion: string | null; tick: number; created: number; display_title: string; jobs: Job[];
  cancelAt?: number; deployment?: number; approved: boolean; actor: string;
}
interface Deployment { id: number; repo: string; ref: string; sha: string; environment: string; creator: string; created: number; payload: unknown }
interface DStatus { id: number; deployment: number; state: string; created: number; target_url: string | null; log_url: string | null }

/** A line longer than 64 KiB and multibyte UTF-8 text, written in the build job's log. */
export const LONG_LINE = `long:${'x'.repeat(70_000)}:end`;
export const UTF8_LINE = 'déploiement réussi ✓ — 完了 🚀';

class LogStorage extends FakeHttpApi {
  blobs = new Map<string, string>();
  requests: RecordedRequest[] = [];
  protected handle(req: http.IncomingMessage, text: string, res: http.ServerResponse): void {
    const u = new URL(req.url ?? '/', 'http://x');
    this.requests.push({ method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, headers: req.headers, body: text });
    const blob = this.blobs.get(u.pathname);
    if (!blob || u.searchParams.get('sig') !== 'signed') return sendJson(res, 404, { message: 'BlobNotFound' });
    const buf = Buffer.from(blob, 'utf8');
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': buf.length });
    res.end(buf);
  }
  protected internalError(message: string): unknown { return { message }; }
}

export class FakeGitHub extends FakeHttpApi {
  readonly storage = new LogStorage(GITHUB_FAKE_HOST);
  requests: RecordedRequest[] = [];
  /** Refs that exist per repository (dispatch on another ref: 422 "No ref found for"). */
  refs = new Map<string, Set<string>>();
  /** Inputs each workflow declares (`repo/workflow`): others are refused with 422. */
  workflows = new Map<string, { inputs: string[]; runName: boolean }>();
  /** The scenario of a run by its ref. */
  scenario: (ref: string) => Scenario = () => 'success';
  /** How the dispatch treats return_run_details under 2022-11-28: `supported` (200 with the run) or `ignored` (204, an older GHES). */
  runDetails: 'supported' | 'ignored' = 'supported';
  /** Primary budget: the next answer says `remaining: 0` until `spentUntil`; requests before it get 403 (counted in `refused`). */
  private spentUntil = 0;
  private announce = false;
  refused = 0;
  /** How long after its job completed a job log is still 404 (ms): on GitHub logs take a moment to appear. */
  logDelayMs = 150;
  /** How long the dispatch takes to answer (ms; the run is created first). */
  dispatchDelayMs = 0;
  /** The dispatch creates its run, then answers this instead (a 5xx or a dropped connection: outcome unknown). */
  dispatchAnswer: ((res: http.ServerResponse) => void) | undefined;
  /** How long after its dispatch a run appears in the run list (ms). */
  appearAfterMs = 100;
  /** Answers queued on demand: the next requests matching `match` get this answer instead. */
  private faults: { match: RegExp; method?: string; count: number; answer: (res: http.ServerResponse) => void }[] = [];
  runs = new Map<number, Run>();
  deployments: Deployment[] = [];
  statuses: DStatus[] = [];
  pageSize = 2;
  private nextId = 9_000_000_001;
  private nextJob = 70_000_000_001;
  private nextDep = 1_700_001;
  private nextStatus = 5_000_001;

  constructor(public token: string, private readonly login = 'capstan-bot') {
    super(GITHUB_FAKE_HOST);
  }

  async start(): Promise<string> {
    await this.storage.start();
    return super.start();
  }

  async stop(): Promise<void> {
    await this.storage.stop();
    await super.stop();
  }

  addRepo(repo: string, refs: string[], workflow = 'deploy.yml', inputs = ['version', 'environment', 'capstan_id'], runName = true): void {
    this.refs.set(repo, new Set(refs));
    this.workflows.set(`${repo}/${workflow}`, { inputs, runName });
  }

  /** A past deployment with its statuses (oldest first), `minutesAgo` before now. */
  addDeployment(repo: string, d: { ref: string; environment: string; states: string[]; creator?: string; minutesAgo: number; runId?: number }): number {
    const created = Date.now() - d.minutesAgo * 60_000;
    const id = this.nextDep++;
    this.deployments.push({ id, repo, ref: d.ref, sha: `sha-${d.ref}`, environment: d.environment, creator: d.creator ?? 'octocat', created, payload: {} });
    d.states.forEach((state, i) => this.statuses.push({
      id: this.nextStatus++, deployment: id, state, created: created + (i + 1) * 1000,
      target_url: d.runId ? `https://github.com/${repo}/actions/runs/${d.runId}` : null, log_url: null,
    }));
    return id;
  }

  /** The next `count` requests whose path matches get `answer` (rate limits, 5xx...). */
  fault(match: RegExp, count: number, answer: (res: http.ServerResponse) => void, method?: string): void {
    this.faults.push({ match, count, answer, method });
  }

  /** Drops the queued answers not used yet. */
  clearFaults(): void {
    this.faults = [];
  }

  /** Primary rate limit: 403, remaining 0, reset `seconds` ahead. */
  static primaryLimit(seconds = 1) {
    return (res: http.ServerResponse) => sendJson(res, 403, { message: 'API rate limit exceeded for user ID 1.', documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`, status: '403' }, {
      'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + seconds), 'x-ratelimit-resource': 'core',
    });
  }

  /** Secondary rate limit: 429 with retry-after. */
  static secondaryLimit(seconds = 1) {
    return (res: http.ServerResponse) => sendJson(res, 429, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`, status: '429' }, { 'retry-after': String(seconds) });
  }

  static serverError(status = 502) {
    return (res: http.ServerResponse) => sendJson(res, status, { message: 'Server Error' });
  }

  /** The token's budget runs out with the next answer, for `seconds` (rounded up to the reset second). */
  exhaust(seconds = 1): void {
    this.spentUntil = Math.ceil((Date.now() + seconds * 1000) / 1000) * 1000;
    this.announce = true;
  }

  /** An environment review approved: a blocked run goes on. */
  approve(runId: number): void {
    const r = this.runs.get(runId);
    if (r) r.approved = true;
  }

  protected internalError(message: string): unknown {
    return { message, documentation_url: DOCS, status: '500' };
  }

  /** GET answers held this long (ms), to measure how many requests a client keeps in flight. */
  slowMs = 0;
  inFlight = 0;
  maxInFlight = 0;

  protected handle(req: http.IncomingMessage, text: string, res: http.ServerResponse): void {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => { this.inFlight--; });
    if (this.slowMs && req.method === 'GET') {
      setTimeout(() => this.handleNow(req, text, res), this.slowMs);
      return;
    }
    this.handleNow(req, text, res);
  }

  private handleNow(req: http.IncomingMessage, text: string, res: http.ServerResponse): void {
    const u = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: u.pathname, query: u.searchParams, headers: req.headers, body: text });
    const fault = this.faults.find((f) => f.count > 0 && f.match.test(u.pathname) && (!f.method || f.method === method));
    if (fault) {
      fault.count--;
      return fault.answer(res);
    }
    if (Date.now() < this.spentUntil && !this.announce && req.headers.authorization === `Bearer ${this.token}`) {
      this.refused++;
      return sendJson(res, 403, { message: 'API rate limit exceeded for user ID 1.', documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`, status: '403' }, {
        'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(this.spentUntil / 1000), 'x-ratelimit-resource': 'core',
      });
    }
    const spent = this.announce;
    this.announce = false;
    const rl = spent
      ? { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(this.spentUntil / 1000), 'x-ratelimit-resource': 'core' }
      : { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4990', 'x-ratelimit-used': '10', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3600), 'x-ratelimit-resource': 'core' };
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => sendJson(res, status, body, { ...rl, ...headers });
    const error = (status: number, message: string, doc = '') => send(status, { message, documentation_url: `${DOCS}${doc}`, status: String(status) });
    if (!req.headers['user-agent']) return error(403, 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header');
    if (req.headers.authorization !== `Bearer ${this.token}`) return error(401, 'Bad credentials');
    const version = String(req.headers['x-github-api-version'] ?? '2022-11-28');
    if (!['2022-11-28', '2026-03-10'].includes(version)) return error(400, `Invalid API version ${version}`);
    const p = u.pathname;
    let m: RegExpExecArray | null;
    if (p === '/user' && method === 'GET') return send(200, { login: this.login, id: 1, type: 'User' });
    if (p === '/rate_limit' && method === 'GET') return send(200, { resources: { core: { limit: 5000, remaining: 4990, reset: 0, used: 10 } } });
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/(.*)$/.exec(p))) {
      const repo = `${decodeURIComponent(m[1])}/${decodeURIComponent(m[2])}`;
      if (!this.refs.has(repo)) return error(404, 'Not Found');
      const rest = m[3];
      if ((m = /^actions\/workflows\/([^/]+)\/dispatches$/.exec(rest)) && method === 'POST') return this.dispatch(repo, decodeURIComponent(m[1]), text, version, res, send, error);
      if ((m = /^actions\/workflows\/([^/]+)\/runs$/.exec(rest)) && method === 'GET') return this.listRuns(repo, decodeURIComponent(m[1]), u, send, error);
      if ((m = /^actions\/runs\/(\d+)$/.exec(rest)) && method === 'GET') {
        const run = this.run(repo, m[1]);
        if (!run) return error(404, 'Not Found');
        this.advance(run);
        return send(200, this.runJson(run));
      }
      if ((m = /^actions\/runs\/(\d+)\/jobs$/.exec(rest)) && method === 'GET') {
        const run = this.run(repo, m[1]);
        if (!run) return error(404, 'Not Found');
        const jobs = run.jobs.filter((j) => j.status !== 'pending-hidden').map((j) => this.jobJson(run, j));
        return this.page(u, jobs, (items) => ({ total_count: jobs.length, jobs: items }), send);
      }
      if ((m = /^actions\/runs\/(\d+)\/(cancel|force-cancel)$/.exec(rest)) && method === 'POST') {
        const run = this.run(repo, m[1]);
        if (!run) return error(404, 'Not Found');
        if (run.status === 'completed') return error(409, 'Cannot cancel a workflow run that is completed.');
        if (m[2] === 'force-cancel' || run.scenario !== 'ignore-cancel') run.cancelAt = run.cancelAt ?? run.tick + 2;
        return send(202, {});
      }
      if ((m = /^actions\/jobs\/(\d+)\/logs$/.exec(rest)) && method === 'GET') {
        const job = [...this.runs.values()].filter((r) => r.repo === repo).flatMap((r) => r.jobs).find((j) => j.id === Number(m![1]));
        if (!job) return error(404, 'Not Found');
        if (job.status !== 'completed' || Date.now() - (job.completedAt ?? 0) < this.logDelayMs) return error(404, 'Not Found');
        const path = `/blobs/job-${job.id}.txt`;
        this.storage.blobs.set(path, job.log.join('\n') + '\n');
        return send(302, undefined, { location: `${this.storage.url}${path}?sig=signed&se=60` });
      }
      if (rest === 'deployments' && method === 'GET') {
        const env = u.searchParams.get('environment');
        const ref = u.searchParams.get('ref');
        const sha = u.searchParams.get('sha');
        const list = this.deployments.filter((d) => d.repo === repo && (!env || d.environment === env) && (!ref || d.ref === ref) && (!sha || d.sha === sha)).sort((a, b) => b.created - a.created || b.id - a.id);
        return this.page(u, list.map((d) => this.depJson(d)), (items) => items, send);
      }
      if ((m = /^deployments\/(\d+)$/.exec(rest)) && method === 'GET') {
        const d = this.deployments.find((x) => x.repo === repo && x.id === Number(m![1]));
        return d ? send(200, this.depJson(d)) : error(404, 'Not Found');
      }
      if ((m = /^deployments\/(\d+)\/statuses$/.exec(rest)) && method === 'GET') {
        const d = this.deployments.find((x) => x.repo === repo && x.id === Number(m![1]));
        if (!d) return error(404, 'Not Found');
        const list = this.statuses.filter((s) => s.deployment === d.id).sort((a, b) => b.created - a.created || b.id - a.id);
        return this.page(u, list.map((s) => ({ id: s.id, node_id: `DS_${s.id}`, state: s.state, created_at: iso(s.created), updated_at: iso(s.created), target_url: s.target_url, log_url: s.log_url, environment: d.environment, creator: { login: d.creator }, description: '', environment_url: '' })), (items) => items, send);
      }
    }
    return error(404, 'Not Found');
  }

  private page<T>(u: URL, all: T[], wrap: (items: T[]) => unknown, send: (s: number, b: unknown, h?: Record<string, string>) => void): void {
    const per = Math.min(100, Number(u.searchParams.get('per_page') ?? 30));
    const size = Math.max(1, Math.min(per, this.pageSize));
    const page = Math.max(1, Number(u.searchParams.get('page') ?? 1));
    const items = all.slice((page - 1) * size, page * size);
    const last = Math.max(1, Math.ceil(all.length / size));
    const link = (n: number, rel: string) => { const q = new URLSearchParams(u.searchParams); q.set('page', String(n)); return `<${this.url}${u.pathname}?${q}>; rel="${rel}"`; };
    const links = [page < last ? link(page + 1, 'next') : '', page < last ? link(last, 'last') : '', page > 1 ? link(page - 1, 'prev') : '', page > 1 ? link(1, 'first') : ''].filter(Boolean);
    send(200, wrap(items), links.length ? { link: links.join(', ') } : {});
  }

  private dispatch(repo: string, workflow: string, text: string, version: string, res: http.ServerResponse, send: (s: number, b: unknown, h?: Record<string, string>) => void, error: (s: number, m: string, d?: string) => void): void {
    const wf = this.workflows.get(`${repo}/${workflow}`);
    if (!wf) return error(404, 'Not Found');
    const { body, invalid } = readJson(text);
    if (invalid || !body || typeof body !== 'object') return error(400, 'Problems parsing JSON');
    if (typeof body.ref !== 'string') return error(422, 'Invalid request.\n\n"ref" wasn\'t supplied.');
    if (version === '2026-03-10' && 'return_run_details' in body) return error(422, 'Invalid request.\n\n"return_run_details" is not a permitted key.');
    if (!this.refs.get(repo)!.has(body.ref)) return error(422, `No ref found for: ${body.ref}`);
    const inputs = (body.inputs ?? {}) as Record<string, unknown>;
    if (Object.keys(inputs).length > 25) return error(422, 'you may only define up to 25 `inputs` for a `workflow_dispatch` event');
    const unexpected = Object.keys(inputs).filter((k) => !wf.inputs.includes(k));
    if (unexpected.length) return error(422, `Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
    const strings = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, String(v)]));
    const id = this.nextId++;
    const scenario = this.scenario(body.ref);
    const run: Run = {
      id, repo, workflow, ref: body.ref, inputs: strings, scenario, status: 'queued', conclusion: null, tick: 0, created: Date.now(),
      display_title: wf.runName ? `deploy ${strings.version ?? body.ref} [${strings.capstan_id ?? ''}]` : 'Deploy', approved: false, actor: this.login,
      jobs: [this.job('build', ['Set up job', 'Checkout', 'Build']), this.job('deploy', ['Set up job', 'Deploy', 'Verify']), this.job('notify', ['Announce'])],
    };
    this.runs.set(id, run);
    const answer = this.dispatchAnswer;
    this.dispatchAnswer = undefined;
    if (answer || this.dispatchDelayMs) {
      const delay = this.dispatchDelayMs;
      this.dispatchDelayMs = 0;
      setTimeout(() => {
        if (answer) answer(res);
        else this.dispatchReply(repo, id, version, body.return_run_details === true, send);
      }, delay);
      return;
    }
    this.dispatchReply(repo, id, version, body.return_run_details === true, send);
  }

  private dispatchReply(repo: string, id: number, version: string, details: boolean, send: (s: number, b: unknown, h?: Record<string, string>) => void): void {
    if (version === '2026-03-10' || (details && this.runDetails === 'supported')) {
      return send(200, { workflow_run_id: id, run_url: `${this.url}/repos/${repo}/actions/runs/${id}`, html_url: `https://github.com/${repo}/actions/runs/${id}` });
    }
    send(204, undefined);
  }

  private job(name: string, steps: string[]): Job {
    return { id: this.nextJob++, name, status: 'queued', conclusion: null, started_at: null, log: [], steps: steps.map((s, i) => ({ name: s, number: i + 1, status: 'queued', conclusion: null })) };
  }

  private listRuns(repo: string, workflow: string, u: URL, send: (s: number, b: unknown, h?: Record<string, string>) => void, error: (s: number, m: string) => void): void {
    if (!this.workflows.has(`${repo}/${workflow}`)) return error(404, 'Not Found');
    const q = u.searchParams;
    const since = q.get('created')?.startsWith('>=') ? Date.parse(q.get('created')!.slice(2)) : 0;
    // A run appears in the list ~100 ms after its dispatch, as on GitHub (a few seconds there).
    const list = [...this.runs.values()].filter((r) => r.repo === repo && r.workflow === workflow && Date.now() - r.created >= this.appearAfterMs
      && (!q.get('branch') || r.ref === q.get('branch')) && (!q.get('event') || q.get('event') === 'workflow_dispatch') && r.created >= since)
      .sort((a, b) => b.created - a.created);
    this.page(u, list.map((r) => this.runJson(r)), (items) => ({ total_count: list.length, workflow_runs: items }), send);
  }

  private run(repo: string, id: string): Run | undefined {
    const r = this.runs.get(Number(id));
    return r && r.repo === repo ? r : undefined;
  }

  /** One step of the run's life per read. */
  private advance(r: Run): void {
    if (r.status === 'completed') return;
    r.tick++;
    const now = new Date().toISOString();
    if (r.cancelAt !== undefined && r.tick >= r.cancelAt) {
      for (const j of r.jobs) {
        if (j.status === 'completed') continue;
        for (const s of j.steps) if (s.status !== 'completed') { s.conclusion = s.status === 'in_progress' ? 'cancelled' : 'skipped'; s.status = 'completed'; }
        j.status = 'completed';
        j.completedAt = Date.now();
        j.conclusion = 'cancelled';
        j.log.push(`${now} ##[error]The operation was canceled.`);
      }
      this.finishDeployment(r, 'failure');
      r.status = 'completed';
      r.conclusion = 'cancelled';
      return;
    }
    if (r.scenario === 'startup_failure') {
      r.status = 'completed';
      r.conclusion = 'startup_failure';
      r.jobs = [];
      return;
    }
    if (r.tick === 1) return; // queued, read once
    const steps = r.jobs.flatMap((j) => j.steps.map((s) => ({ j, s })));
    const running = steps.find(({ s }) => s.status !== 'completed');
    if (!running) return;
    const { j, s } = running;
    if (j.name === 'deploy' && (j.status === 'queued' || j.status === 'waiting') && r.scenario === 'blocked' && !r.approved) {
      if (r.status !== 'waiting') this.ensureDeployment(r, 'queued');
      r.status = 'waiting';
      j.status = 'waiting';
      return;
    }
    if ((r.scenario === 'stuck' || r.scenario === 'ignore-cancel') && j.name === 'deploy' && s.number === 2 && s.status === 'in_progress') return;
    r.status = 'in_progress';
    if (j.status !== 'in_progress') {
      j.status = 'in_progress';
      j.started_at = now;
      if (j.name === 'deploy') this.ensureDeployment(r, 'in_progress');
    }
    if (s.status === 'queued') {
      s.status = 'in_progress';
      j.log.push(`${now} ##[group]Run ${s.name}`);
      if (j.name === 'build' && s.number === 3) j.log.push(LONG_LINE, UTF8_LINE);
      if (j.name === 'deploy' && s.number === 2) j.log.push(`${now} deploying ${r.inputs.version ?? r.ref} to ${r.inputs.environment ?? '?'}`);
      return;
    }
    s.status = 'completed';
    const fails = j.name === 'deploy' && s.number === 2 && ['failure', 'timed_out'].includes(r.scenario);
    s.conclusion = fails ? (r.scenario === 'timed_out' ? 'cancelled' : 'failure') : 'success';
    j.log.push(`${now} ##[endgroup]`);
    if (fails) j.log.push(`${now} ##[error]Process completed with exit code 1.`);
    const jobDone = j.steps.every((x) => x.status === 'completed') || fails;
    if (jobDone) {
      for (const x of j.steps) if (x.status !== 'completed') { x.status = 'completed'; x.conclusion = 'skipped'; }
      j.status = 'completed';
      j.completedAt = Date.now();
      j.conclusion = fails ? (r.scenario === 'timed_out' ? 'timed_out' : 'failure') : 'success';
      j.log.push(`${now} Cleaning up orphan processes`);
    }
    if (r.jobs.every((x) => x.status === 'completed') || fails) {
      for (const x of r.jobs) if (x.status !== 'completed') { x.status = 'completed'; x.completedAt = Date.now(); x.conclusion = 'skipped'; }
      r.status = 'completed';
      r.conclusion = r.scenario === 'neutral' ? 'neutral' : fails ? r.scenario : 'success';
      this.finishDeployment(r, fails ? 'failure' : 'success');
    }
  }

  private ensureDeployment(r: Run, state: string): void {
    if (r.deployment === undefined) {
      r.deployment = this.nextDep++;
      this.deployments.push({ id: r.deployment, repo: r.repo, ref: r.ref, sha: `sha-${r.ref}`, environment: r.inputs.environment ?? 'production', creator: r.actor, created: Date.now(), payload: {} });
    }
    this.statuses.push({ id: this.nextStatus++, deployment: r.deployment, state, created: Date.now(), target_url: `https://github.com/${r.repo}/actions/runs/${r.id}`, log_url: `https://github.com/${r.repo}/actions/runs/${r.id}/job/1` });
  }

  private finishDeployment(r: Run, state: string): void {
    if (r.deployment !== undefined) this.ensureDeployment(r, state);
  }

  private runJson(r: Run): Record<string, unknown> {
    return {
      id: r.id, name: 'Deploy', node_id: `WFR_${r.id}`, head_branch: r.ref, head_sha: `sha-${r.ref}`, path: `.github/workflows/${r.workflow}`,
      display_title: r.display_title, run_number: r.id - 9_000_000_000, run_attempt: 1, event: 'workflow_dispatch', status: r.status, conclusion: r.conclusion,
      workflow_id: 161335, url: `${this.url}/repos/${r.repo}/actions/runs/${r.id}`, html_url: `https://github.com/${r.repo}/actions/runs/${r.id}`,
      created_at: iso(r.created), updated_at: new Date().toISOString(), run_started_at: iso(r.created),
      actor: { login: r.actor }, triggering_actor: { login: r.actor }, jobs_url: `${this.url}/repos/${r.repo}/actions/runs/${r.id}/jobs`,
      logs_url: `${this.url}/repos/${r.repo}/actions/runs/${r.id}/logs`, cancel_url: `${this.url}/repos/${r.repo}/actions/runs/${r.id}/cancel`, pull_requests: [],
    };
  }

  private jobJson(r: Run, j: Job): Record<string, unknown> {
    return {
      id: j.id, run_id: r.id, name: j.name, status: j.status, conclusion: j.conclusion, started_at: j.started_at, completed_at: null,
      html_url: `https://github.com/${r.repo}/actions/runs/${r.id}/job/${j.id}`, run_attempt: 1, labels: ['ubuntu-latest'],
      steps: j.steps.map((s) => ({ ...s, started_at: null, completed_at: null })),
    };
  }

  private depJson(d: Deployment): Record<string, unknown> {
    return {
      url: `${this.url}/repos/${d.repo}/deployments/${d.id}`, id: d.id, node_id: `DE_${d.id}`, sha: d.sha, ref: d.ref, task: 'deploy', payload: d.payload,
      original_environment: d.environment, environment: d.environment, description: null, creator: { login: d.creator },
      created_at: iso(d.created), updated_at: iso(d.created), statuses_url: `${this.url}/repos/${d.repo}/deployments/${d.id}/statuses`,
      transient_environment: false, production_environment: d.environment === 'production',
    };
  }

  /** Every recorded request's headers and body as text, except the Authorization header of API requests. */
  everythingButAuth(): string {
    const strip = (r: RecordedRequest) => JSON.stringify({ ...r, headers: { ...r.headers, authorization: undefined }, query: r.query.toString() });
    return [...this.requests.map(strip), ...this.storage.requests.map((r) => JSON.stringify({ ...r, query: r.query.toString() }))].join('\n');
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
