/**
 * Following one triggered build: the queue item until it becomes a build (or is cancelled), then the build
 * and its progressive console log until the build is over and the log complete. Polls every pollIntervalMs
 * (never busy-loops); a transient failure (5xx, network) is retried with a growing pause and reported as a
 * notice; an abort of the run (cancel, timeout) cancels the queue item or stops the build (stop, then term
 * and kill after stopGraceMs while it still runs) and waits, bounded, for Jenkins to confirm it ended.
 */
import { Errors, CapstanError } from '../../../src/core/errors.js';
import { sleep } from '../../../src/core/http-json.js';
import type { JenkinsClient } from './client.js';
import type { JenkinsConfig } from './config.js';
import { LogLines } from './log.js';
import type { JenkinsBuild } from './map.js';

/** How long a stop may take to be confirmed after an abort (ms). */
export const CONFIRM_MS = 30_000;
const MAX_TRANSIENT = 8;
export const BUILD_TREE = 'number,url,building,inProgress,result,timestamp,duration,queueId,actions[parameters[name,value],causes[userId,userName,shortDescription]]';

/**
 * The one deadline of everything done after an abort (A1): a signal that fires `ms` after `signal` aborts
 * (never before it aborts). Every step after the abort races it.
 */
export function afterAbort(signal: AbortSignal, ms: number): AbortSignal {
  const ctl = new AbortController();
  const arm = () => { const t = setTimeout(() => ctl.abort(new DOMException('the deadline after the abort passed', 'TimeoutError')), Math.max(0, ms)); t.unref?.(); };
  if (signal.aborted) arm(); else signal.addEventListener('abort', arm, { once: true });
  return ctl.signal;
}

/** `ms`, cut by the deadline after an abort. */
export function bounded(ms: number, deadline: AbortSignal): AbortSignal {
  return AbortSignal.any([AbortSignal.timeout(ms), deadline]);
}

export interface FollowIo {
  line: (line: string) => void;
  notice: (message: string) => void;
}

/** The end of a follow. */
export interface Followed {
  /** The build, as last read (absent when the queue item never became one). */
  build?: JenkinsBuild;
  /** The queue item was cancelled before it ran. */
  queueCancelled?: boolean;
  /** The run was aborted (cancel or timeout) and Jenkins was asked to stop. */
  stopped?: boolean;
  /** The run's time ran out while the build waited at an input step: left waiting. */
  blockedAtInput?: boolean;
  /** Capstan shut down: the build was left running in Jenkins (deploy.status follows it). */
  leftRunning?: boolean;
  /** The run was aborted but another live execution follows the same build: it was not stopped. */
  shared?: boolean;
}

/**
 * The executions following each queue item (key: job URL path + queue id), process-wide. Jenkins merges an
 * identical waiting request into the item already queued (303): several executions then follow one build,
 * and a cancel of one must not stop the build the others still deploy with.
 */
const followers = new Map<string, Set<string>>();

/** Registers `executionId` as following queue item `queueId` of `jobUrl`; returns the release function. */
export function follow(jobUrl: string, queueId: string, executionId: string): () => void {
  const key = `${jobUrl}#${queueId}`;
  let set = followers.get(key);
  if (!set) followers.set(key, (set = new Set()));
  set.add(executionId);
  return () => {
    set!.delete(executionId);
    if (!set!.size && followers.get(key) === set) followers.delete(key);
  };
}

/** The other live executions following queue item `queueId` of `jobUrl`. */
export function otherFollowers(jobUrl: string, queueId: string, executionId: string): string[] {
  return [...(followers.get(`${jobUrl}#${queueId}`) ?? [])].filter((e) => e !== executionId);
}

interface QueueItem {
  _class?: string;
  why?: string | null;
  cancelled?: boolean;
  executable?: { number: number; url?: string } | null;
}

const transient = (err: unknown) => err instanceof CapstanError && err.category === 'unavailable' && (err.extra.upstreamStatus === undefined || Number(err.extra.upstreamStatus) >= 500);

/** Whether the run was aborted because its time ran out. */
export function isTimeout(signal: AbortSignal): boolean {
  const r = signal.reason as unknown;
  return r === 'timeout' || (r instanceof DOMException && r.name === 'TimeoutError');
}

/** Whether the run was aborted because the server shuts down (a deployment is then not stopped half-way). */
export function isShutdown(signal: AbortSignal): boolean {
  return signal.reason === 'shutdown';
}

export class BuildFollower {
  private failures = 0;
  private awaitingInput = false;

  /** The other live executions following the same queue item / build (a cancel then leaves it running). */
  others: () => string[] = () => [];
  /** The build as last read (kept when following fails). */
  last?: JenkinsBuild;

  /** `deadline`: fires when what is left after an abort is spent (afterAbort); never before the abort. */
  constructor(private readonly client: JenkinsClient, private readonly cfg: JenkinsConfig, private readonly jobUrl: string, private readonly io: FollowIo, private readonly signal: AbortSignal, private readonly deadline: AbortSignal = new AbortController().signal) {}

  /** Aborted, but other executions follow the same item: say so and leave it. */
  private sharedAbort(what: string): boolean {
    const others = this.others();
    if (!others.length) return false;
    this.io.notice(`${what} is also followed by execution${others.length > 1 ? 's' : ''} ${others.join(', ')} (Jenkins merged identical requests): not stopped in Jenkins, it goes on for ${others.length > 1 ? 'them' : 'it'}`);
    return true;
  }

  /** One call, retried while it fails transiently (bounded); aborts are the caller's business. */
  private async retrying<T>(what: string, fn: (signal: AbortSignal) => Promise<T>, signal: AbortSignal = this.signal): Promise<T> {
    for (;;) {
      try {
        const v = await fn(signal);
        this.failures = 0;
        return v;
      } catch (err) {
        if (!transient(err) || signal.aborted || ++this.failures > MAX_TRANSIENT) throw err;
        const pause = Math.min(30_000, this.cfg.pollIntervalMs * 2 ** Math.min(this.failures, 6));
        this.io.notice(`${what}: ${(err as Error).message}; retrying in ${pause} ms (${this.failures}/${MAX_TRANSIENT})`);
        await sleep(pause, signal);
      }
    }
  }

  private async pause(): Promise<void> {
    await sleep(this.cfg.pollIntervalMs, this.signal).catch(() => undefined);
  }

  /** Queue item -> build number, or cancelled. */
  async queue(queueUrl: string): Promise<{ number?: number; cancelled?: boolean; stopped?: boolean; leftQueued?: boolean; shared?: boolean }> {
    let lastWhy: string | null | undefined;
    while (!this.signal.aborted) {
      let item: QueueItem;
      try {
        item = await this.retrying('reading the queue item', (s) => this.client.json<QueueItem>(`${queueUrl}api/json`, { signal: s }));
      } catch (err) {
        if (this.signal.aborted) break;
        // Jenkins forgets a left item after 5 minutes: the build that came of it names it in `queueId`.
        if (err instanceof Errors.RecordNotFound) {
          const number = await this.buildOfQueueItem(queueUrl);
          if (number) return { number };
        }
        throw err;
      }
      if (item.executable?.number) return { number: item.executable.number };
      if (item.cancelled) return { cancelled: true };
      if (item.why && item.why !== lastWhy) this.io.notice(`queued: ${item.why}`);
      lastWhy = item.why;
      await this.pause();
    }
    const id = /queue\/item\/(\d+)/.exec(queueUrl)?.[1];
    if (isShutdown(this.signal)) {
      // A last look, bounded: when it already became a build, that build is followed to its record (left running).
      const item = await this.client.json<QueueItem>(`${queueUrl}api/json`, { signal: bounded(this.cfg.timeoutMs, this.deadline) }).catch(() => undefined);
      if (item?.executable?.number) return { number: item.executable.number };
      this.io.notice(`Capstan is shutting down: Jenkins queue item #${id} was left in the queue (not cancelled); its build will run without Capstan`);
      return { leftQueued: true };
    }
    if (this.sharedAbort(`Jenkins queue item #${id}`)) {
      // A last look, bounded: when it already became a build, that build is answered and recorded.
      const item = await this.client.json<QueueItem>(`${queueUrl}api/json`, { signal: bounded(this.cfg.timeoutMs, this.deadline) }).catch(() => undefined);
      return item?.executable?.number ? { number: item.executable.number, shared: true } : { shared: true };
    }
    return this.cancelQueued(queueUrl);
  }

  /** The build whose `queueId` is this queue item's id, among the job's latest builds. */
  private async buildOfQueueItem(queueUrl: string): Promise<number | undefined> {
    const id = Number(/queue\/item\/(\d+)/.exec(queueUrl)?.[1]);
    const body = await this.client.json<{ builds?: { number: number; queueId?: number }[] }>(`${this.jobUrl}/api/json`, { query: new URLSearchParams({ tree: 'builds[number,queueId]{0,50}' }), signal: this.signal });
    const found = body.builds?.find((b) => b.queueId === id)?.number;
    if (found) this.io.notice(`queue item #${id} is gone from Jenkins' queue; build #${found} came of it`);
    return found;
  }

  /** The run was aborted while queued: the item cancelled (POST /queue/cancelItem), then confirmed. */
  private async cancelQueued(queueUrl: string): Promise<{ number?: number; cancelled?: boolean; stopped?: boolean }> {
    const signal = bounded(CONFIRM_MS, this.deadline);
    const id = /queue\/item\/(\d+)/.exec(queueUrl)?.[1];
    this.io.notice(`asking Jenkins to cancel queue item ${id}`);
    try {
      await this.client.request('POST', 'queue/cancelItem', { query: new URLSearchParams({ id: id ?? '' }), signal, accept: [404, 422] });
      while (!signal.aborted) {
        const item = await this.retrying('reading the queue item', (s) => this.client.json<QueueItem>(`${queueUrl}api/json`, { signal: s }), signal);
        if (item.cancelled) return { cancelled: true, stopped: true };
        // It started meanwhile: the build is stopped instead.
        if (item.executable?.number) return { number: item.executable.number, stopped: true };
        await sleep(this.cfg.pollIntervalMs, signal);
      }
    } catch (err) {
      this.io.notice(`could not confirm the queue item was cancelled: ${(err as Error).message}`);
    }
    return { cancelled: true, stopped: true };
  }

  /** Follows build `number` to its end, streaming its log; stops it if the run is aborted. Every exit flushes the log read. */
  async build(number: number, alreadyStopping = false): Promise<Followed> {
    const buildPath = `${this.jobUrl}/${number}/`;
    const log = { lines: new LogLines() };
    try {
      return await this.followBuild(number, buildPath, log, alreadyStopping);
    } finally {
      // Whatever the exit (end, stop unconfirmed, blocked, shutdown, error): the partial last line is shown.
      for (const l of log.lines.end()) this.emitLine(l);
    }
  }

  /** Reads the log from its offset until Jenkins has nothing more for now (several chunks when it is long). */
  private async readLog(buildPath: string, log: { lines: LogLines }, signal: AbortSignal): Promise<boolean> {
    let more = true;
    for (let i = 0; i < 1000; i++) {
      const start = log.lines.offset;
      const a = await this.retrying('reading the console log', (s) => this.client.request('GET', `${buildPath}logText/progressiveText`, { query: new URLSearchParams({ start: String(start) }), signal: s }), signal);
      const size = Number(a.headers.get('x-text-size') ?? start + a.bytes.length);
      more = a.headers.get('x-more-data') === 'true';
      if (!Number.isFinite(size)) break;
      if (size < start) {
        // The log is shorter than what was read: it was replaced (a start beyond its length makes Jenkins answer
        // from 0). What was read stays shown; the new log is read from its start.
        for (const l of log.lines.end()) this.emitLine(l);
        this.io.notice(`the console log of ${buildPath.replace(/\/$/, '')} was replaced in Jenkins (now ${size} bytes, ${start} were read): reading it again from the start`);
        log.lines = new LogLines();
        const fromZero = a.bytes.length > size ? a.bytes.subarray(0, size) : a.bytes;
        for (const l of log.lines.push(fromZero, size)) this.emitLine(l);
        if (!more) break;
        continue;
      }
      const fresh = size - start >= a.bytes.length ? a.bytes : a.bytes.subarray(a.bytes.length - (size - start));
      for (const l of log.lines.push(fresh, size)) this.emitLine(l);
      if (size === start || !more) break;
    }
    return more;
  }

  /** After an exit that leaves the build going (shutdown, blocked, unconfirmed stop): what Jenkins has of the log now, bounded. */
  private async drain(buildPath: string, log: { lines: LogLines }): Promise<void> {
    try {
      await this.readLog(buildPath, log, bounded(Math.min(this.cfg.timeoutMs, 5000), this.deadline));
    } catch { /* best effort: what was read is flushed by the caller */ }
  }

  private async followBuild(number: number, buildPath: string, log: { lines: LogLines }, alreadyStopping: boolean): Promise<Followed> {
    let build: JenkinsBuild | undefined;
    let stopping = alreadyStopping;
    let confirm: AbortSignal | undefined;
    let stopAt = 0;
    let stage = 0;
    let blocked = false;
    const unconfirmed = () => this.io.notice(`Jenkins did not confirm within ${Math.round((Date.now() - stopAt) / 1000)} s that build #${number} stopped: it may still run (deploy.status tells how it ends)`);
    const signalNow = () => (stopping ? confirm! : this.signal);
    if (stopping) {
      confirm = bounded(CONFIRM_MS + 2 * this.cfg.stopGraceMs, this.deadline);
      stopAt = Date.now();
      await this.stop(buildPath, 'stop', confirm);
    }
    for (;;) {
      if (!stopping && this.signal.aborted) {
        if (isTimeout(this.signal) && this.awaitingInput) {
          blocked = true;
          await this.drain(buildPath, log);
          break;
        }
        if (isShutdown(this.signal)) {
          await this.drain(buildPath, log);
          this.io.notice(`Capstan is shutting down: Jenkins build #${number} goes on without it, not stopped (deploy.status tells how it ends)`);
          return { build, leftRunning: true };
        }
        if (this.sharedAbort(`Jenkins build #${number}`)) {
          await this.drain(buildPath, log);
          return { build, shared: true };
        }
        stopping = true;
        confirm = bounded(CONFIRM_MS + 2 * this.cfg.stopGraceMs, this.deadline);
        stopAt = Date.now();
        await this.stop(buildPath, 'stop', confirm);
      }
      const signal = signalNow();
      try {
        build = await this.retrying('reading the build', (s) => this.client.json<JenkinsBuild>(`${buildPath}api/json`, { query: new URLSearchParams({ tree: BUILD_TREE }), signal: s }), signal);
        this.last = build;
        const more = await this.readLog(buildPath, log, signal);
        if (!more && build.building === false) break;
      } catch (err) {
        if (stopping && confirm?.aborted) {
          unconfirmed();
          break;
        }
        if (!stopping && this.signal.aborted) continue;
        throw err;
      }
      if (stopping) {
        if (confirm!.aborted) {
          unconfirmed();
          break;
        }
        // Still running after the grace: the harder ways (Pipeline runs only: term, then kill).
        if (build.building && stage < 2 && Date.now() - stopAt >= this.cfg.stopGraceMs * (stage + 1)) {
          stage++;
          const found = await this.stop(buildPath, stage === 1 ? 'term' : 'kill', confirm!);
          if (!found) {
            this.io.notice(`Jenkins has no ${stage === 1 ? 'term' : 'kill'} for build #${number} (HTTP 404: term and kill exist for Pipeline runs only); waiting for the stop to take effect`);
            stage = 2;
          }
        }
        await sleep(this.cfg.pollIntervalMs, confirm).catch(() => undefined);
      } else {
        await this.pause();
      }
    }
    return { build, stopped: stopping, blockedAtInput: blocked };
  }

  private emitLine(l: string): void {
    // A Pipeline `input` step prints these while it waits for a person (workflow-support / pipeline-input-step).
    if (/^Input requested$|Proceed or Abort/.test(l)) this.awaitingInput = true;
    else if (l.trim()) this.awaitingInput = false;
    this.io.line(l);
  }

  /** POST <build>/<how>; false when Jenkins answers 404 (no term/kill on a freestyle build), a redirect is fine. */
  private async stop(buildPath: string, how: 'stop' | 'term' | 'kill', signal: AbortSignal): Promise<boolean> {
    this.io.notice(`asking Jenkins to ${how} ${buildPath.replace(/\/$/, '')}`);
    try {
      const a = await this.client.request('POST', `${buildPath}${how}`, { signal, accept: [404] });
      return a.status !== 404;
    } catch (err) {
      this.io.notice(`${how} failed: ${(err as Error).message}`);
      return true;
    }
  }
}

