/**
 * Follows a pipeline (or one retried job) until GitLab says it ended, streaming its jobs' logs
 * (cicd-apis.md §2.4-2.6): polls `GET /pipelines/:pid`, `GET /pipelines/:pid/jobs` (every page) and
 * `GET /pipelines/:pid/bridges`, and each job's `GET /jobs/:id/trace` (the whole log each time: TraceCursor
 * streams only what is new). Jobs are streamed one at a time in creation order (GitLab creates them stage by
 * stage): `== job <name> (<stage>) ==`, then its lines live while it runs; a job running at the same time as the
 * one being streamed waits, and is streamed whole (its full log fetched at once) when its turn comes, so two
 * jobs' lines never interleave. A transient failure (no answer, 5xx, a 429 too long to wait) is retried with a
 * bounded backoff and told as a notice; `manual` / `scheduled` (blocked) is told at once as a notice and
 * followed on (someone may play the job) until the run's signal aborts.
 */
import { sleep } from '../../../src/core/http-json.js';
import { GitlabClient, isTransient } from './client.js';
import type { GlJob, GlPipeline } from './map.js';
import { jobFinished, jobStarted, knownStatus, phaseOf, type Phase } from './status.js';
import { TraceCursor } from './trace.js';

export interface FollowIo {
  /** A line of the log or of our own (under the first target). */
  line: (text: string) => void;
  /** A notice to every target. */
  notice: (message: string) => void;
}

export interface FollowState {
  status: string;
  web_url?: string;
  started_at?: string | null;
  created_at?: string;
  finished_at?: string | null;
  ref?: string;
  user?: { username?: string } | null;
  /** The jobs waiting for a person (manual, scheduled) at the last look. */
  waiting: GlJob[];
  failedJobs: GlJob[];
}

export interface FollowResult {
  state: FollowState;
  phase: Phase;
  /** The signal aborted before GitLab ended the run. */
  aborted: boolean;
}

const MAX_TRANSIENT = 8;

/** What is followed: a pipeline, or one job (a retried deploy job). */
export interface Followed { kind: 'pipeline' | 'job'; /** Numeric project id, or its path. */ project: string; id: number }

interface JobStream { cursor: TraceCursor; started: boolean; done: boolean; lastStatus?: string }

export class Follower {
  private readonly streams = new Map<number, JobStream>();
  private current: number | null = null;
  private lastStatus?: string;
  private blockedTold = false;
  private readonly unknownTold = new Set<string>();
  private readonly bridges = new Map<number, string>();
  /** Every job seen, as last seen. */
  private readonly seen = new Map<number, GlJob>();

  constructor(private readonly client: GitlabClient, private readonly what: Followed, private readonly io: FollowIo, private readonly pollMs: number) {}

  private get base(): string {
    return `projects/${encodeURIComponent(this.what.project)}`;
  }

  /** One look: the run's own status and its jobs (oldest first). */
  async look(signal: AbortSignal): Promise<{ state: FollowState; jobs: GlJob[] }> {
    if (this.what.kind === 'job') {
      const { body } = await this.client.json<GlJob>('GET', `${this.base}/jobs/${this.what.id}`, { signal });
      return { state: this.stateOf(body, [body]), jobs: [body] };
    }
    const { body: p } = await this.client.json<GlPipeline>('GET', `${this.base}/pipelines/${this.what.id}`, { signal });
    // include_retried: a job retried while the run goes on stays listed, so its last lines and its end are streamed.
    const jobs = await this.client.all<GlJob>(`${this.base}/pipelines/${this.what.id}/jobs`, { include_retried: 'true' }, signal);
    const bridges = await this.client.all<GlJob>(`${this.base}/pipelines/${this.what.id}/bridges`, {}, signal);
    this.tellBridges(bridges);
    jobs.sort((a, b) => a.id - b.id);
    return { state: this.stateOf(p, jobs), jobs };
  }

  private stateOf(o: GlPipeline | GlJob, all: GlJob[]): FollowState {
    // Only the newest try of each job (the list holds the retried ones too) says what waits or failed.
    const newest = new Map<string, GlJob>();
    for (const j of all) {
      const k = `${j.stage}\u0000${j.name}`;
      if (!newest.has(k) || newest.get(k)!.id < j.id) newest.set(k, j);
    }
    const jobs = [...newest.values()];
    return {
      status: o.status, web_url: o.web_url, started_at: o.started_at, created_at: o.created_at, finished_at: o.finished_at,
      ref: o.ref, user: o.user ?? null,
      waiting: jobs.filter((j) => j.status === 'manual' || j.status === 'scheduled'),
      failedJobs: jobs.filter((j) => j.status === 'failed' && !j.allow_failure),
    };
  }

  private tellBridges(bridges: GlJob[]): void {
    for (const b of bridges.sort((x, y) => x.id - y.id)) {
      const down = b.downstream_pipeline;
      const words = `${b.status}${down ? ` (downstream pipeline #${down.id} ${down.status ?? ''}${down.web_url ? ` ${down.web_url}` : ''})` : ''}`.trim();
      if (this.bridges.get(b.id) === words) continue;
      this.bridges.set(b.id, words);
      this.io.line(`bridge ${b.name} (${b.stage}): ${words}`);
    }
  }

  /** Streams what the jobs logged since the last look; `final`: the run ended, every started job to its end. */
  async stream(listed: GlJob[], signal: AbortSignal, final = false): Promise<void> {
    // A job seen started and not yet streamed to its end that is no longer listed (retried, on a GitLab that
    // lists only the newest try): read once more, and streamed whole to its end.
    const jobs = [...listed];
    for (const [id, seen] of this.seen) {
      const s = this.streams.get(id);
      if (s?.done || jobs.some((j) => j.id === id) || !jobStarted(seen.status, seen.started_at)) continue;
      try {
        const { body } = await this.client.json<GlJob>('GET', `${this.base}/jobs/${id}`, { signal });
        jobs.push(body);
      } catch (err) {
        if (signal.aborted) throw err;
        this.io.notice(`job ${seen.name} (#${id}) is no longer listed and could not be read (${(err as Error).message}): its last lines may be missing`);
        this.streams.set(id, { cursor: new TraceCursor(), started: true, done: true });
      }
    }
    jobs.sort((a, b) => a.id - b.id);
    for (const j of jobs) this.seen.set(j.id, j);
    if (this.current !== null && !jobs.some((j) => j.id === this.current)) this.current = null;
    for (const job of jobs) {
      let s = this.streams.get(job.id);
      if (!s) {
        s = { cursor: new TraceCursor(), started: false, done: false };
        this.streams.set(job.id, s);
      }
      if (s.done) continue;
      if (!jobStarted(job.status, job.started_at)) {
        if (s.lastStatus !== job.status && (job.status === 'manual' || job.status === 'scheduled' || job.status === 'skipped')) {
          this.io.line(`job ${job.name} (${job.stage}): ${job.status}`);
        }
        s.lastStatus = job.status;
        continue;
      }
      if (this.current !== null && this.current !== job.id && !final) continue;
      this.current = job.id;
      if (!s.started) {
        this.io.line(`== job ${job.name} (${job.stage}) ==`);
        s.started = true;
      }
      const ended = final || jobFinished(job.status);
      const text = await this.client.text(`${this.base}/jobs/${job.id}/trace`, signal);
      const { lines, shrunk } = s.cursor.take(text, ended);
      if (shrunk) this.io.notice(`the log of job ${job.name} (#${job.id}) is shorter than what was already streamed (${s.cursor.count} lines): GitLab erased or rewrote it; nothing is streamed again`);
      for (const l of lines) this.io.line(l);
      s.lastStatus = job.status;
      if (ended) {
        s.done = true;
        this.current = null;
        this.io.line(`job ${job.name} (${job.stage}): ${job.status}${job.failure_reason ? ` (${job.failure_reason})` : ''}`);
      }
    }
  }

  private abortedAt(last: FollowState | undefined): FollowResult {
    const state = last ?? { status: 'unknown', waiting: [], failedJobs: [] };
    return { state, phase: phaseOf(state.status), aborted: true };
  }

  /** Follows until GitLab ends the run or `signal` aborts. */
  async run(signal: AbortSignal): Promise<FollowResult> {
    let failures = 0;
    let last: FollowState | undefined;
    for (;;) {
      if (signal.aborted) return this.abortedAt(last);
      let look: { state: FollowState; jobs: GlJob[] };
      try {
        look = await this.look(signal);
        const phase = phaseOf(look.state.status);
        const ended = phase === 'succeeded' || phase === 'failed' || phase === 'canceled';
        if (ended) {
          // The jobs as they are once the run ended (a last look, so no line written at the end is lost).
          await this.stream(look.jobs, signal, false);
          await this.stream(look.jobs, signal, true);
        } else {
          await this.stream(look.jobs, signal);
        }
        failures = 0;
      } catch (err) {
        if (signal.aborted) return this.abortedAt(last);
        if (!isTransient(err) || failures >= MAX_TRANSIENT) throw err;
        failures++;
        const wait = Math.min(30_000, this.pollMs * 2 ** failures);
        this.io.notice(`GitLab did not answer while following (${(err as Error).message}); retry ${failures} of ${MAX_TRANSIENT} in ${Math.round(wait / 100) / 10} s`);
        try { await sleep(wait, signal); } catch { /* aborted: the loop reports it */ }
        continue;
      }
      last = look.state;
      const phase = phaseOf(last.status);
      if (last.status !== this.lastStatus) {
        this.lastStatus = last.status;
        this.io.line(`${this.what.kind} #${this.what.id}: ${last.status}`);
        if (!knownStatus(last.status) && !this.unknownTold.has(last.status)) {
          this.unknownTold.add(last.status);
          this.io.notice(`GitLab answered a ${this.what.kind} status Capstan does not know (${last.status}): followed as still running`);
        }
      }
      if (phase === 'succeeded' || phase === 'failed' || phase === 'canceled') return { state: last, phase, aborted: false };
      if (phase === 'blocked' && !this.blockedTold) {
        this.blockedTold = true;
        const who = last.waiting.map((j) => `${j.name} (${j.stage}, ${j.status})`).join(', ') || `the ${this.what.kind} is ${last.status}`;
        this.io.notice(`${this.what.kind} #${this.what.id} waits for a person in GitLab: ${who}; play it or approve it there${last.web_url ? ` (${last.web_url})` : ''}, or cancel this execution. It fails as blocked when the run's time is up.`);
      }
      if (phase !== 'blocked') this.blockedTold = false;
      try { await sleep(this.pollMs, signal); } catch { /* aborted: the loop reports it */ }
    }
  }

  /**
   * The last look when following stops without GitLab ending the run (blocked at timeout, server shutdown, an
   * unconfirmed cancel, an error while following): what every started job wrote so far is streamed, its partial
   * last line included, and the jobs that completed meanwhile (best effort, until `signal` aborts).
   */
  async flush(signal: AbortSignal): Promise<void> {
    try {
      const look = await this.look(signal);
      await this.stream(look.jobs, signal, true);
    } catch { /* best effort: following stops anyway */ }
  }

  /**
   * Asks GitLab to cancel the run (`POST /pipelines/:pid/cancel`, or `/jobs/:id/cancel`) and waits, up to
   * `waitMs` (and never past `deadline`), until it says it stopped; streams what the jobs wrote meanwhile.
   * Returns the last status seen.
   */
  async cancel(waitMs: number, deadline?: AbortSignal): Promise<{ confirmed: boolean; status: string; error?: string }> {
    const timer = AbortSignal.timeout(Math.max(1, waitMs));
    const signal = deadline ? AbortSignal.any([timer, deadline]) : timer;
    const path = this.what.kind === 'pipeline' ? `${this.base}/pipelines/${this.what.id}/cancel` : `${this.base}/jobs/${this.what.id}/cancel`;
    let status = 'unknown';
    try {
      const { body } = await this.client.json<{ status: string }>('POST', path, { signal });
      status = body.status ?? status;
      for (;;) {
        const phase = phaseOf(status);
        if (phase === 'canceled' || phase === 'succeeded' || phase === 'failed') break;
        await sleep(Math.min(this.pollMs, 1000), signal);
        try {
          const look = await this.look(signal);
          status = look.state.status;
          await this.stream(look.jobs, signal).catch(() => undefined);
        } catch (err) {
          if (signal.aborted || !isTransient(err)) throw err;
        }
      }
      try {
        const look = await this.look(signal);
        await this.stream(look.jobs, signal, true);
      } catch { /* the log's end is best effort once canceled */ }
      return { confirmed: true, status };
    } catch (err) {
      return { confirmed: false, status, error: signal.aborted ? `GitLab did not confirm the cancel within ${waitMs} ms` : (err as Error).message };
    }
  }
}
