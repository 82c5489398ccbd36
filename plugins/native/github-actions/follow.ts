/**
 * Follows one workflow run (reference §3.6–3.9): polls `GET …/actions/runs/{id}` and `…/runs/{id}/jobs?filter=latest`
 * (paginated) every pollIntervalMs, tells each run, job and step transition as a line (`job build: in_progress`,
 * `step 3 "Deploy": completed/success`), and streams each job's log (302 to a text blob) as soon as that job
 * completed, in job order, each whole and once (a 404 right after completion is asked again with backoff). A transient failure (5xx, no answer) is retried with backoff and told as
 * a notice, up to maxTransientRetries in a row; rate limits are waited by the client.
 */
import { sleep } from '../../../src/core/http-json.js';
import { Errors } from '../../../src/core/errors.js';
import { isTransient, type GitHubClient, type WaitPolicy } from './client.js';
import type { GitHubActionsConfig } from './config.js';
import { runBlocked, runDone, toolStatus } from './status.js';

export interface GhUser { login?: string }

export interface GhRun {
  id: number;
  name?: string | null;
  display_title?: string;
  status: string | null;
  conclusion: string | null;
  head_branch?: string | null;
  head_sha?: string;
  run_number?: number;
  run_attempt?: number;
  event?: string;
  html_url?: string;
  created_at?: string;
  updated_at?: string;
  run_started_at?: string;
  actor?: GhUser | null;
  triggering_actor?: GhUser | null;
}

export interface GhStep { name: string; status: string; conclusion: string | null; number: number }

export interface GhJob {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  started_at?: string | null;
  steps?: GhStep[];
  html_url?: string | null;
}

export interface FollowIO {
  out: (line: string) => void;
  notice: (message: string) => void;
}

/** A job log answered 404 after completion is asked again this many times (backoff) before it counts as none. */
export const LOG_404_TRIES = 4;

const verb = (status: string | null | undefined, conclusion: string | null | undefined) => toolStatus(status, conclusion);

/** Retries `fn` on transient failures (backoff from pollIntervalMs, at most `max` in a row), telling each as a notice. */
export async function withRetries<T>(what: string, fn: () => Promise<T>, o: { max: number; baseMs: number; signal: AbortSignal; notice: (m: string) => void }): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await fn();
    } catch (err) {
      if (o.signal.aborted || !isTransient(err) || n > o.max) throw err;
      const ms = Math.min(30_000, o.baseMs * 2 ** (n - 1));
      o.notice(`${what} failed (${(err as Error).message}); retrying in ${ms} ms (${n}/${o.max})`);
      await sleep(ms, o.signal);
    }
  }
}

export class RunFollower {
  /** The run as last read. */
  run: GhRun | undefined;
  jobs: GhJob[] = [];
  private runSeen = '';
  private readonly jobSeen = new Map<number, string>();
  private readonly stepSeen = new Map<string, string>();
  private readonly logged = new Set<number>();
  /** Jobs whose log GitHub answered 404 right after completion: tries so far and when to ask again. */
  private readonly logLater = new Map<number, { tries: number; next: number }>();
  private blockedSaid = false;

  constructor(
    private readonly client: GitHubClient,
    private readonly cfg: GitHubActionsConfig,
    private readonly repo: string,
    readonly runId: number,
    private readonly io: FollowIO,
    private readonly wait: WaitPolicy,
  ) {}

  /** Reads the run and its jobs once, telling what changed. */
  async poll(signal: AbortSignal): Promise<GhRun> {
    const base = `${this.client.repoPath(this.repo)}/actions/runs/${this.runId}`;
    const { body: run } = await this.client.request<GhRun>('GET', base, { signal, wait: this.wait });
    const jobs = await this.client.paginate<GhJob>(`${base}/jobs`, { filter: 'latest', per_page: 100 }, 'jobs', { signal, wait: this.wait });
    this.run = run;
    this.jobs = jobs;
    this.tell(run, jobs);
    return run;
  }

  /** Polls until the run is over (or the signal aborts: then rejects with its reason); each job's log is streamed as soon as that job completes. */
  async follow(signal: AbortSignal): Promise<GhRun> {
    const retry = { max: this.cfg.maxTransientRetries, baseMs: this.cfg.pollIntervalMs, signal, notice: this.io.notice };
    for (;;) {
      const run = await withRetries(`reading run ${this.runId}`, () => this.poll(signal), retry);
      const done = runDone(run.status, run.conclusion);
      await this.logs(signal, done);
      if (done) return run;
      await sleep(this.cfg.pollIntervalMs, signal);
    }
  }

  /**
   * The logs of the completed jobs not streamed yet, in job order, each whole and once (never interleaved). A 404
   * right after a job completed is asked again with backoff (LOG_404_TRIES times) before a notice says there is
   * none; `final` (the run is over, or Capstan stops following) waits those retries out, otherwise the next poll
   * asks again and later jobs wait their turn.
   */
  async logs(signal: AbortSignal, final = true): Promise<void> {
    const retry = { max: this.cfg.maxTransientRetries, baseMs: this.cfg.pollIntervalMs, signal, notice: this.io.notice };
    const base = Math.max(50, Math.min(500, this.cfg.pollIntervalMs * 5));
    for (const job of this.jobs) {
      if (this.logged.has(job.id) || job.status !== 'completed') continue;
      if (job.conclusion === 'skipped' && !(job.steps ?? []).some((x) => x.conclusion && x.conclusion !== 'skipped')) {
        this.logged.add(job.id); // never ran: GitHub writes no log for it
        continue;
      }
      let text: string | undefined;
      for (;;) {
        const later = this.logLater.get(job.id);
        if (later && Date.now() < later.next) {
          if (!final) return;
          await sleep(later.next - Date.now(), signal);
        }
        const got = await withRetries(`fetching the log of job ${job.name}`, () => this.client.jobLog(this.repo, job.id, { signal, wait: this.wait }), retry);
        if (typeof got === 'string') { text = got; break; }
        const tries = (later?.tries ?? 0) + 1;
        if (got.missing !== 404 || tries > LOG_404_TRIES) break;
        this.logLater.set(job.id, { tries, next: Date.now() + base * 2 ** (tries - 1) });
      }
      this.logged.add(job.id);
      this.logLater.delete(job.id);
      if (text === undefined) {
        this.io.notice(`GitHub has no log for job ${job.name} (${job.id}): none was written, it did not appear after ${LOG_404_TRIES} retries, or it expired`);
        continue;
      }
      this.io.out(`--- log of job ${job.name} ---`);
      const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
      if (lines.at(-1) === '') lines.pop();
      for (const line of lines) this.io.out(line);
    }
  }

  /** Whatever can still be read when Capstan stops following: the run and its jobs once more, then the logs of the completed jobs. Never throws. */
  async flush(signal: AbortSignal, repoll = true): Promise<void> {
    try {
      if (repoll) await this.poll(signal);
    } catch {
      // the jobs as last read
    }
    try {
      await this.logs(signal, true);
    } catch (err) {
      this.io.notice(`logs of run ${this.runId} not all read: ${(err as Error).message}`);
    }
  }

  blocked(): boolean {
    return !!this.run && runBlocked(this.run.status, this.run.conclusion);
  }

  private tell(run: GhRun, jobs: GhJob[]): void {
    const now = verb(run.status, run.conclusion);
    if (now !== this.runSeen) {
      this.runSeen = now;
      this.io.out(`run ${run.id}${run.run_number ? ` (#${run.run_number})` : ''}: ${now}`);
    }
    if (runBlocked(run.status, run.conclusion) && !this.blockedSaid) {
      this.blockedSaid = true;
      this.io.notice(`run ${run.id} waits for a person (${now}: an environment review or an approval); approve it in GitHub${run.html_url ? `: ${run.html_url}` : ''}`);
    }
    for (const job of jobs) {
      const j = verb(job.status, job.conclusion);
      if (this.jobSeen.get(job.id) !== j) {
        this.jobSeen.set(job.id, j);
        this.io.out(`job ${job.name}: ${j}`);
      }
      for (const step of job.steps ?? []) {
        const key = `${job.id}/${step.number}`;
        const s = verb(step.status, step.conclusion);
        if (this.stepSeen.get(key) !== s) {
          this.stepSeen.set(key, s);
          this.io.out(`step ${step.number} "${step.name}": ${s}`);
        }
      }
    }
  }
}

/** The error of a run that completed other than success. */
export function runFailure(run: GhRun, repo: string): InstanceType<typeof Errors.DeploymentFailed> {
  return new Errors.DeploymentFailed(`GitHub Actions run ${run.id} of ${repo} ended ${toolStatus(run.status, run.conclusion)}${run.html_url ? `: ${run.html_url}` : ''}`, {
    extra: { toolStatus: toolStatus(run.status, run.conclusion), ...(run.html_url ? { url: run.html_url } : {}) },
  });
}
