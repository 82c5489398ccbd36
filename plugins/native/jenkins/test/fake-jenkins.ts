/**
 * A contract-faithful fake of the parts of Jenkins' Remote Access API the jenkins plugin uses, for tests on
 * loopback (127.0.0.101, an ephemeral port). It follows /work/shared/reference/cicd-apis.md section 1:
 * - HTTP Basic with a user's API token (401 + `WWW-Authenticate: Basic realm="Jenkins"` for a bad one, 403
 *   "Authentication required" for anonymous); a POST not authenticated by an API token (a *password*, or
 *   anonymous: CrumbFilter runs before the permission check) must send a CSRF crumb (`GET
 *   /crumbIssuer/api/json`), bound to the session cookie that request set (403 "No valid crumb was included
 *   in the request" otherwise);
 * - `GET /queue/api/json` (the waiting items with their parameters), `GET /job/<path>/api/json` with the
 *   job's `property[parameterDefinitions[name]]`;
 * - term and kill only on Pipeline runs (`pipeline` scenario, WorkflowRun); a FreeStyleBuild answers 404;
 * - trigger faults: an answer lost after (or before) Jenkins queued the build, or held back (`triggerFaults`);
 * - a log replaced by a shorter one (`replaceLog`): a start beyond its length reads it from 0;
 * - `POST /job/<path>/buildWithParameters` (form or query): 201 + absolute `Location: .../queue/item/<id>/`,
 *   303 when an identical item is already waiting, 400 for a job without parameters, 409 for a disabled job,
 *   404 for an unknown job;
 * - `GET /queue/item/<id>/api/json` (WaitingItem with `why`, then LeftItem with `executable` or `cancelled`),
 *   `POST /queue/cancelItem?id=` (204 / 404 / 422);
 * - `GET /job/<path>/api/json?tree=builds[...]{from,to}` (newest first, range), `GET /job/<path>/<n>/api/json`,
 *   `GET .../<n>/logText/progressiveText?start=<bytes>` (X-Text-Size, X-More-Data; answers capped at
 *   `chunkBytes` so long lines and multibyte characters are split across fetches), `POST .../<n>/stop|term|kill`
 *   (302), `GET /me/api/json`;
 * - injected faults: any status (500, 502, 429 + Retry-After) for the next N requests matching a path.
 * A build is a state machine: each look at it (api/json or the log) moves it one step through its script.
 */
import { createHash, randomBytes } from 'node:crypto';
import type http from 'node:http';
import { closedPort as closedPortOn, FakeHttpApi, sendJson } from '../../../../test/fixtures/fake-http-api.js';

export const JENKINS_FAKE_HOST = '127.0.0.101';

export type Scenario = {
  /** Final result once the script ran out (default SUCCESS). */
  result?: 'SUCCESS' | 'FAILURE' | 'UNSTABLE' | 'ABORTED' | 'NOT_BUILT';
  /** Log pieces, one appended per step (default a short deploy log). */
  script?: (string | Buffer)[];
  /** Polls of the queue item before it becomes a build (default 2). */
  queuePolls?: number;
  /** Stays building forever after the script (an input step waiting, a stuck build). */
  hang?: boolean;
  /** Ignores `stop`; only `term` or `kill` end it. */
  ignoreStop?: boolean;
  /** Never leaves the queue (no executor). */
  stuckInQueue?: boolean;
  /** The left item is forgotten at once (Jenkins keeps left items 5 minutes): its URL answers 404. */
  forgetWhenLeft?: boolean;
  /** The queue item gets cancelled in Jenkins (by someone else) after its first poll. */
  cancelledInJenkins?: boolean;
  /** A Pipeline run (WorkflowRun): only these have `term` and `kill`; a FreeStyleBuild answers them 404. */
  pipeline?: boolean;
  /** Once the script ran out, the build's log is replaced by this shorter text (log rotation, a replay). */
  replaceLog?: string;
};

/** What the next buildWithParameters POST meets (a proxy in front of Jenkins, a slow Jenkins). */
export interface TriggerFault {
  /** Answer this status instead of Jenkins' own. */
  status?: number;
  /** Queue the build first (the answer is lost after Jenkins acted), else nothing is queued. */
  afterQueuing?: boolean;
  /** Hold the answer this long (ms). */
  delayMs?: number;
}

interface Build {
  number: number;
  params: Record<string, string>;
  log: Buffer;
  script: Buffer[];
  building: boolean;
  result: string | null;
  timestamp: number;
  duration: number;
  queueId: number;
  userId?: string;
  scenario: Scenario;
  stopRequested?: number;
  replaced?: boolean;
}

interface Job {
  path: string;
  params: string[];
  disabled?: boolean;
  builds: Build[];
  next: number;
}

interface QueueItem {
  id: number;
  job: Job;
  params: Record<string, string>;
  polls: number;
  left: boolean;
  cancelled: boolean;
  build?: Build;
  since: number;
  userId?: string;
  scenario: Scenario;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const CRLF = '\r\n';

export class FakeJenkins extends FakeHttpApi {
  readonly requests: RecordedRequest[] = [];
  readonly jobs = new Map<string, Job>();
  readonly queue = new Map<number, QueueItem>();
  /** Scenario of the next builds, in order (then `defaultScenario`). */
  readonly scenarios: Scenario[] = [];
  defaultScenario: Scenario = {};
  /** Bytes per log answer at most. */
  chunkBytes = 4096;
  private nextQueueId = 100;
  private readonly faults: { re: RegExp; status: number; count: number; headers?: Record<string, string> }[] = [];
  private readonly sessions = new Map<string, string>();
  /** Faults of the next buildWithParameters POSTs, in order. */
  readonly triggerFaults: TriggerFault[] = [];

  constructor(readonly opts: { user: string; token: string; passwordUsers?: Record<string, string> }) {
    super(JENKINS_FAKE_HOST);
  }

  addJob(path: string, params: string[] = ['VERSION', 'ENVIRONMENT'], opts: { disabled?: boolean } = {}): Job {
    const job: Job = { path, params, builds: [], next: 1, ...opts };
    this.jobs.set(path, job);
    return job;
  }

  /** A finished build in the job's history (started elsewhere). */
  addPastBuild(path: string, params: Record<string, string>, result: string, timestamp: number, userId = 'alice'): Build {
    const job = this.jobs.get(path)!;
    const b: Build = { number: job.next++, params, log: Buffer.from(`Started by user ${userId}${CRLF}Finished: ${result}${CRLF}`), script: [], building: false, result, timestamp, duration: 1000, queueId: this.nextQueueId++, userId, scenario: {} };
    job.builds.unshift(b);
    return b;
  }

  /** The next `count` requests whose path matches `re` answer `status`. */
  fail(re: RegExp, status: number, count = 1, headers?: Record<string, string>): void {
    this.faults.push({ re, status, count, headers });
  }

  protected internalError(message: string): unknown {
    return { message };
  }

  protected handle(req: http.IncomingMessage, text: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: text });
    res.setHeader('X-Jenkins', '2.479.1');
    const fault = this.faults.find((f) => f.count > 0 && f.re.test(url.pathname));
    if (fault) {
      fault.count--;
      return this.html(res, fault.status, fault.status === 429 ? 'Too Many Requests' : 'Server Error', `HTTP ERROR ${fault.status}`, fault.headers);
    }
    const who = this.authenticate(req, res);
    if (who === undefined) return;
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (path === '/crumbIssuer/api/json' && method === 'GET') return this.crumbIssuer(who, req, res);
    // CrumbFilter runs before any permission check: a POST neither authenticated by an API token
    // (ApiCrumbExclusion) nor carrying a valid crumb is refused for the crumb, anonymous ones included.
    if (method === 'POST' && (who.password || !who.user)) {
      const session = this.sessionOf(req);
      const crumb = req.headers['jenkins-crumb'];
      if (!session || crumb !== this.crumbOf(who.user ?? '', session)) return this.html(res, 403, 'Error 403 No valid crumb was included in the request', 'No valid crumb was included in the request');
    }
    if (!who.user) return this.html(res, 403, 'Authentication required', 'Authentication required');
    if (path === '/me/api/json') return sendJson(res, 200, { _class: 'hudson.model.User', id: who.user, fullName: who.user });
    let m = /^\/queue\/item\/(\d+)\/api\/json$/.exec(path);
    if (m && method === 'GET') return this.queueItem(Number(m[1]), res);
    if (path === '/queue/api/json' && method === 'GET') return sendJson(res, 200, { _class: 'hudson.model.Queue', discoverableItems: [], items: [...this.queue.values()].filter((q) => !q.left).map((q) => this.queueJson(q)) });
    if (path === '/queue/cancelItem' && method === 'POST') return this.cancelItem(Number(url.searchParams.get('id')), res);
    if (path === '/api/json' && method === 'GET') return sendJson(res, 200, { _class: 'hudson.model.Hudson', jobs: this.rootJobs() });
    m = /^((?:\/job\/[^/]+)+)\/(.*)$/.exec(path);
    if (!m) return this.html(res, 404, 'Not Found', 'Not Found');
    const jobPath = m[1].split('/job/').filter(Boolean).map(decodeURIComponent).join('/');
    const rest = m[2];
    const job = this.jobs.get(jobPath);
    if (!job) return this.html(res, 404, 'Not Found', 'Not Found');
    if (rest === 'buildWithParameters' && method === 'POST') return this.trigger(job, who.user, new URLSearchParams(text), url.searchParams, req, res);
    if (rest === 'api/json' && method === 'GET') return this.jobJson(job, url.searchParams.get('tree') ?? '', res);
    const b = /^(\d+)\/(api\/json|logText\/progressiveText|stop|term|kill)$/.exec(rest);
    const build = b ? job.builds.find((x) => x.number === Number(b[1])) : undefined;
    if (!b || !build) return this.html(res, 404, 'Not Found', 'Not Found');
    if (b[2] === 'api/json' && method === 'GET') {
      this.step(build);
      return sendJson(res, 200, this.buildJson(job, build, req));
    }
    if (b[2] === 'logText/progressiveText' && method === 'GET') return this.log(build, Number(url.searchParams.get('start') ?? 0), res);
    if (method === 'POST' && (b[2] === 'stop' || b[2] === 'term' || b[2] === 'kill')) {
      // term and kill are WorkflowRun actions: a FreeStyleBuild has no such URL.
      if (b[2] !== 'stop' && !build.scenario.pipeline) return this.html(res, 404, 'Not Found', 'Not Found');
      if (build.building && (b[2] !== 'stop' || !build.scenario.ignoreStop)) build.stopRequested = Date.now();
      res.writeHead(302, { location: `${this.url}/job/${job.path.split('/').join('/job/')}/${build.number}/` });
      res.end();
      return;
    }
    return this.html(res, 405, 'Method Not Allowed', 'Method Not Allowed', { allow: 'POST' });
  }

  private html(res: http.ServerResponse, status: number, title: string, message: string, headers: Record<string, string> = {}): void {
    const body = `<html><head><title>${/^Error \d/.test(title) ? title : `Error ${status} ${message}`}</title></head><body><h2>HTTP ERROR ${status} ${message}</h2><p>${message}</p></body></html>`;
    res.writeHead(status, { 'content-type': 'text/html;charset=utf-8', ...headers });
    res.end(body);
  }

  /** The caller: `{user}` for a valid token or password, `{}` anonymous; undefined when answered 401. */
  private authenticate(req: http.IncomingMessage, res: http.ServerResponse): { user?: string; password?: boolean } | undefined {
    const h = req.headers.authorization;
    if (!h) return {};
    const [user, secret] = Buffer.from(h.replace(/^Basic /, ''), 'base64').toString('utf8').split(/:(.*)/s);
    if (user === this.opts.user && secret === this.opts.token) return { user };
    if (this.opts.passwordUsers?.[user] === secret) return { user, password: true };
    res.writeHead(401, { 'www-authenticate': 'Basic realm="Jenkins"', 'content-type': 'text/html;charset=utf-8' });
    res.end('<html><head><title>Error 401 Unauthorized</title></head><body><h2>HTTP ERROR 401 Unauthorized</h2></body></html>');
    return undefined;
  }

  private sessionOf(req: http.IncomingMessage): string | undefined {
    return /JSESSIONID\.[a-z0-9]+=([^;\s]+)/.exec(req.headers.cookie ?? '')?.[1];
  }

  private crumbOf(user: string, session: string): string {
    return createHash('sha256').update(`${user}:${session}`).digest('hex');
  }

  private crumbIssuer(who: { user?: string }, req: http.IncomingMessage, res: http.ServerResponse): void {
    let session = this.sessionOf(req);
    const headers: Record<string, string> = {};
    if (!session) {
      session = randomBytes(12).toString('hex');
      this.sessions.set(session, who.user ?? '');
      headers['set-cookie'] = `JSESSIONID.1a2b3c4d=${session}; Path=/; HttpOnly`;
    }
    sendJson(res, 200, { _class: 'hudson.security.csrf.DefaultCrumbIssuer', crumb: this.crumbOf(who.user ?? '', session), crumbRequestField: 'Jenkins-Crumb' }, headers);
  }

  private trigger(job: Job, user: string, form: URLSearchParams, query: URLSearchParams, req: http.IncomingMessage, res: http.ServerResponse): void {
    const fault = this.triggerFaults.shift();
    if (fault) {
      const answer = () => {
        if (fault.afterQueuing || !fault.status) this.schedule(job, user, form, query, req, fault.status ? new DiscardedResponse() as unknown as http.ServerResponse : res);
        if (fault.status) this.html(res, fault.status, 'Server Error', `HTTP ERROR ${fault.status}`);
      };
      if (fault.delayMs) setTimeout(answer, fault.delayMs);
      else answer();
      return;
    }
    this.schedule(job, user, form, query, req, res);
  }

  private schedule(job: Job, user: string, form: URLSearchParams, query: URLSearchParams, req: http.IncomingMessage, res: http.ServerResponse): void {
    if (!job.params.length) return this.html(res, 400, `Error 400 ${job.path} is not parameterized`, `${job.path} is not parameterized`);
    if (job.disabled) return this.html(res, 409, `Error 409 ${job.path} is not buildable`, `${job.path} is not buildable`);
    const params: Record<string, string> = {};
    // Only parameters the job defines are used; unknown names are silently dropped (ParametersDefinitionProperty).
    for (const source of [query, form]) for (const [k, v] of source) if (job.params.includes(k)) params[k] = v;
    const location = (id: number) => `http://${req.headers.host}/queue/item/${id}/`;
    const same = [...this.queue.values()].find((q) => !q.left && q.job === job && JSON.stringify(q.params) === JSON.stringify(params));
    if (same) {
      res.writeHead(303, { location: location(same.id) });
      res.end();
      return;
    }
    const scenario = this.scenarios.shift() ?? this.defaultScenario;
    const item: QueueItem = { id: this.nextQueueId++, job, params, polls: 0, left: false, cancelled: false, since: Date.now(), userId: user, scenario };
    this.queue.set(item.id, item);
    res.writeHead(201, { location: location(item.id) });
    res.end();
  }

  private queueItem(id: number, res: http.ServerResponse): void {
    const q = this.queue.get(id);
    if (!q) return this.html(res, 404, 'Not Found', 'Not Found');
    q.polls++;
    if (!q.left && q.scenario.cancelledInJenkins && q.polls > 1) { q.left = true; q.cancelled = true; }
    if (!q.left && !q.scenario.stuckInQueue && q.polls > (q.scenario.queuePolls ?? 2)) this.startBuild(q);
    if (q.left && q.scenario.forgetWhenLeft) return this.html(res, 404, 'Not Found', 'Not Found');
    const common = {
      id: q.id, task: { _class: 'hudson.model.FreeStyleProject', name: q.job.path.split('/').at(-1), url: `${this.url}/job/${q.job.path.split('/').join('/job/')}/`, color: 'blue' },
      url: `queue/item/${q.id}/`, inQueueSince: q.since, params: Object.entries(q.params).map(([k, v]) => `\n${k}=${v}`).join(''),
      actions: [{ _class: 'hudson.model.ParametersAction', parameters: Object.entries(q.params).map(([name, value]) => ({ _class: 'hudson.model.StringParameterValue', name, value })) }],
      blocked: false, buildable: !q.left && q.polls > 1, stuck: false,
    };
    if (q.left) {
      return sendJson(res, 200, { _class: 'hudson.model.Queue$LeftItem', ...common, why: null, cancelled: q.cancelled, executable: q.build ? { _class: 'hudson.model.FreeStyleBuild', number: q.build.number, url: `${this.url}/job/${q.job.path.split('/').join('/job/')}/${q.build.number}/` } : null });
    }
    const why = q.polls <= 1 ? 'In the quiet period. Expires in 4.8 sec' : 'Waiting for next available executor';
    sendJson(res, 200, { _class: q.polls <= 1 ? 'hudson.model.Queue$WaitingItem' : 'hudson.model.Queue$BuildableItem', ...common, why, ...(q.polls <= 1 ? { timestamp: q.since + 5000 } : { pending: false, buildableStartMilliseconds: q.since }) });
  }

  /** A waiting item as /queue/api/json lists it. */
  private queueJson(q: QueueItem): Record<string, unknown> {
    return {
      _class: q.polls <= 1 ? 'hudson.model.Queue$WaitingItem' : 'hudson.model.Queue$BuildableItem', id: q.id,
      task: { _class: 'hudson.model.FreeStyleProject', name: q.job.path.split('/').at(-1), url: `${this.url}/job/${q.job.path.split('/').join('/job/')}/`, color: 'blue' },
      url: `queue/item/${q.id}/`, inQueueSince: q.since, params: Object.entries(q.params).map(([k, v]) => `\n${k}=${v}`).join(''),
      actions: [{ _class: 'hudson.model.ParametersAction', parameters: Object.entries(q.params).map(([name, value]) => ({ _class: 'hudson.model.StringParameterValue', name, value })) }],
      why: q.polls <= 1 ? 'In the quiet period. Expires in 4.8 sec' : 'Waiting for next available executor',
    };
  }

  private cancelItem(id: number, res: http.ServerResponse): void {
    const q = this.queue.get(id);
    if (!q) return this.html(res, 404, 'Not Found', 'Not Found');
    if (q.left) return this.html(res, 422, 'Error 422', 'not cancellable');
    q.left = true;
    q.cancelled = true;
    res.writeHead(204);
    res.end();
  }

  private startBuild(q: QueueItem): void {
    const job = q.job;
    const script = (q.scenario.script ?? [
      `Started by user ${q.userId}${CRLF}`,
      `Deploying ${q.params.VERSION ?? '?'} to ${q.params.ENVIRONMENT ?? '?'}${CRLF}step 1${CRLF}`,
      `step 2${CRLF}`,
    ]).map((s) => (Buffer.isBuffer(s) ? s : Buffer.from(s)));
    const b: Build = { number: job.next++, params: q.params, log: Buffer.alloc(0), script, building: true, result: null, timestamp: Date.now(), duration: 0, queueId: q.id, userId: q.userId, scenario: q.scenario };
    job.builds.unshift(b);
    q.left = true;
    q.build = b;
  }

  /** One step of a running build: the next log piece, a stop taking effect, or the end. */
  private step(b: Build): void {
    if (!b.building) return;
    if (b.stopRequested) {
      this.append(b, `Aborted by user ${this.opts.user}${CRLF}Finished: ABORTED${CRLF}`);
      return this.finish(b, 'ABORTED');
    }
    const piece = b.script.shift();
    if (piece) return this.append(b, piece);
    if (b.scenario.replaceLog !== undefined && !b.replaced) {
      b.replaced = true;
      b.log = Buffer.from(b.scenario.replaceLog);
      return;
    }
    if (b.scenario.hang) return;
    const result = b.scenario.result ?? 'SUCCESS';
    this.append(b, `Finished: ${result}${CRLF}`);
    this.finish(b, result);
  }

  private append(b: Build, piece: string | Buffer): void {
    b.log = Buffer.concat([b.log, Buffer.isBuffer(piece) ? piece : Buffer.from(piece)]);
  }

  private finish(b: Build, result: string): void {
    b.building = false;
    b.result = result;
    b.duration = Math.max(1, Date.now() - b.timestamp);
  }

  private log(b: Build, start: number, res: http.ServerResponse): void {
    this.step(b);
    let from = start;
    if (from > b.log.length) from = 0;
    // While the build runs, the answer stops at the last full line (unless capped by chunkBytes).
    let end = b.log.length;
    if (b.building) {
      const nl = b.log.lastIndexOf(0x0a);
      end = nl >= from ? nl + 1 : from;
    }
    end = Math.min(end, from + this.chunkBytes);
    const body = b.log.subarray(from, end);
    const more = b.building || end < b.log.length;
    res.writeHead(200, { 'content-type': 'text/plain;charset=UTF-8', 'x-text-size': String(end), ...(more ? { 'x-more-data': 'true' } : {}), 'content-length': body.length });
    res.end(body);
  }

  private buildJson(job: Job, b: Build, _req?: http.IncomingMessage): Record<string, unknown> {
    return {
      _class: b.scenario.pipeline ? 'org.jenkinsci.plugins.workflow.job.WorkflowRun' : 'hudson.model.FreeStyleBuild', number: b.number, id: String(b.number), url: `${this.url}/job/${job.path.split('/').join('/job/')}/${b.number}/`,
      displayName: `#${b.number}`, building: b.building, inProgress: b.building, result: b.result, timestamp: b.timestamp, duration: b.duration,
      estimatedDuration: -1, queueId: b.queueId, keepLog: false,
      actions: [
        { _class: 'hudson.model.CauseAction', causes: [{ _class: 'hudson.model.Cause$UserIdCause', shortDescription: `Started by user ${b.userId}`, userId: b.userId, userName: b.userId }] },
        { _class: 'hudson.model.ParametersAction', parameters: Object.entries(b.params).map(([name, value]) => ({ _class: 'hudson.model.StringParameterValue', name, value })) },
        {},
      ],
    };
  }

  private jobJson(job: Job, tree: string, res: http.ServerResponse): void {
    const r = /\{(\d*),(\d*)\}\s*$/.exec(tree);
    const from = r?.[1] ? Number(r[1]) : 0;
    const to = r?.[2] ? Number(r[2]) : job.builds.length;
    const property = job.params.length ? [{ _class: 'hudson.model.ParametersDefinitionProperty', parameterDefinitions: job.params.map((name) => ({ _class: 'hudson.model.StringParameterDefinition', name })) }] : [];
    sendJson(res, 200, { _class: 'hudson.model.FreeStyleProject', name: job.path.split('/').at(-1), property, builds: job.builds.slice(from, to).map((b) => this.buildJson(job, b)) });
  }

  /** Root or folder listing (`GET /api/json?tree=jobs[name]`). */
  rootJobs(): { name: string }[] {
    return [...this.jobs.keys()].filter((p) => !p.includes('/')).map((name) => ({ name }));
  }
}

/** Swallows the answer of a trigger whose real answer a fault replaces. */
class DiscardedResponse {
  writeHead(): this { return this; }
  setHeader(): void { /* dropped */ }
  end(): void { /* dropped */ }
}

export const closedPort = () => closedPortOn(JENKINS_FAKE_HOST);
