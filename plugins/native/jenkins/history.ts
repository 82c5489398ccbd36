/**
 * deploy.history from Jenkins: the builds of the applications' jobs (`tree=builds[...]{from,to}` ranges,
 * newest first), each mapped to a Deployment from its parameters; builds without a version or environment
 * parameter are skipped. Without an application: the jobs of the `applications` allow-list, else of the
 * applications Capstan deployed (its records); the allow-lists filter every answer. Several jobs are merged newest first. The cursor is opaque:
 * base64url JSON of each job's last build number already given (keyset: the next page holds builds with a
 * lower number, so a build started between two reads never makes one repeat or be skipped). A `node` filter
 * reads the records of runs Capstan started (keyset on startedAt and id), re-reading from Jenkins those not
 * finished (at most 4 requests in flight).
 */
import { Errors } from '../../../src/core/errors.js';
import type { JenkinsClient } from './client.js';
import { allowList, type JenkinsConfig } from './config.js';
import { BUILD_TREE } from './follow.js';
import { jobPath, jobUrlPath, parseDeploymentId, toDeployment, type DeploymentT, type JenkinsBuild } from './map.js';
import type { DeploymentRecords } from './store.js';
import { mapLimit } from '../../../src/core/map-limit.js';

interface HistoryParams { application?: string; environment?: string; node?: string; limit?: number; cursor?: string }
/** Per job path: the last build number given (null: no more); `#records`: `<startedAt> <id>` of the last record given. */
type Cursor = Record<string, number | string | null>;
const RECORDS = '#records';
/** Requests in flight at most per history call (R9). */
const IN_FLIGHT = 4;
/** A job to read, with what its path says (the environment when the template names it). */
interface JobRef { path: string; application: string; environment?: string }

const CHUNK = 25;
/** Builds read per job and page at most, so a filter that matches little stays bounded. */
const SCAN = 500;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(s: string | undefined): Cursor | undefined {
  if (!s) return undefined;
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (c && typeof c === 'object' && !Array.isArray(c) && Object.entries(c).every(([k, v]) => v === null || (k === RECORDS ? typeof v === 'string' : Number.isInteger(v) && (v as number) >= 0))) return c as Cursor;
  } catch { /* below */ }
  throw new Errors.Validation('cursor is not a cursor of the jenkins deployment history', { extra: { errors: [{ in: 'query', pointer: '/cursor', message: 'unknown cursor' }] } });
}

export class History {
  constructor(private readonly client: JenkinsClient, private readonly cfg: JenkinsConfig, private readonly records: DeploymentRecords) {}

  /** Builds `from`..`to` (exclusive) of a job, newest first. */
  async range(path: string, from: number, to: number, signal: AbortSignal): Promise<JenkinsBuild[]> {
    const body = await this.client.json<{ builds?: JenkinsBuild[] }>(`${jobUrlPath(path)}/api/json`, { query: new URLSearchParams({ tree: `builds[${BUILD_TREE}]{${from},${to}}` }), signal });
    return body.builds ?? [];
  }

  /**
   * The index (in the job's newest-first `builds`) of its newest build numbered below `below`. Build numbers
   * only grow, so that index is at most newest - below + 1 (less when builds were deleted): a window ending
   * there is read, and widened backwards while its first build is already below.
   */
  async startOf(path: string, below: number, signal: AbortSignal): Promise<number> {
    const newest = (await this.range(path, 0, 1, signal))[0]?.number;
    if (newest === undefined || newest < below) return 0;
    let hi = newest - below + 1;
    for (let width = CHUNK; ; width *= 4) {
      const lo = Math.max(0, hi - width);
      const page = await this.range(path, lo, hi + 1, signal);
      const i = page.findIndex((b) => b.number < below);
      if (lo === 0 || (page.length && page[0].number >= below)) return lo + (i < 0 ? page.length : i);
      hi = lo;
    }
  }

  /** The newest build numbered below `below` that `pred` accepts (at most `max` read). */
  async olderThan(path: string, below: number, pred: (b: JenkinsBuild) => boolean, signal: AbortSignal, max = 2000): Promise<JenkinsBuild | undefined> {
    let at = await this.startOf(path, below, signal);
    for (let read = 0; read < max;) {
      const page = await this.range(path, at, at + 100, signal);
      const hit = page.find((b) => b.number < below && pred(b));
      if (hit) return hit;
      if (page.length < 100) return undefined;
      at += page.length;
      read += page.length;
    }
    return undefined;
  }

  /** Up to `max` builds of a job, newest first. */
  async builds(path: string, signal: AbortSignal, max: number): Promise<JenkinsBuild[]> {
    const out: JenkinsBuild[] = [];
    while (out.length < max) {
      const page = await this.range(path, out.length, out.length + CHUNK, signal);
      out.push(...page);
      if (page.length < CHUNK) break;
    }
    return out;
  }

  /**
   * The jobs to read: the application's; without one, the `applications` allow-list's, else the applications
   * of the deployments Capstan started (its records). The allow-lists bound what history shows: an
   * application or environment outside them has none.
   */
  private jobs(p: HistoryParams): JobRef[] {
    const allowApps = allowList(this.cfg.applications);
    const allowEnvs = allowList(this.cfg.environments);
    if (p.application && allowApps && !allowApps.includes(p.application)) return [];
    if (p.environment && allowEnvs && !allowEnvs.includes(p.environment)) return [];
    const needsEnv = this.cfg.job.includes('{environment}');
    const envFilter = p.environment ? [p.environment] : allowEnvs;
    const records = this.records.all().filter((r) => !envFilter || envFilter.includes(r.environment));
    let pairs: { application: string; environment?: string }[];
    if (p.application || allowApps) {
      const apps = p.application ? [p.application] : allowApps!;
      pairs = apps.flatMap((application) => {
        if (!needsEnv) return [{ application }];
        const envs = envFilter ?? [...new Set(records.filter((r) => r.application === application).map((r) => r.environment))];
        return envs.map((environment) => ({ application, environment }));
      });
    } else {
      pairs = records.map((r) => ({ application: r.application, ...(needsEnv ? { environment: r.environment } : {}) }));
    }
    const out = new Map<string, JobRef>();
    for (const pr of pairs) {
      const path = jobPath(this.cfg.job, pr.application, pr.environment);
      if (path && !out.has(path)) out.set(path, { path, ...pr });
    }
    return [...out.values()];
  }

  async page(p: HistoryParams, signal: AbortSignal): Promise<{ deployments: DeploymentT[]; nextCursor: string | null }> {
    const limit = p.limit ?? 100;
    if (p.node) return this.fromRecords(p, limit, signal);
    const cursor = decodeCursor(p.cursor);
    const allowEnvs = allowList(this.cfg.environments);
    const jobs = this.jobs(p).filter((j) => !cursor || cursor[j.path] !== null);
    interface Buf { job: JobRef; items: { d: DeploymentT; number: number }[]; scanned: number; done: boolean; taken: number; start: number; last?: number }
    const bufs: Buf[] = [];
    for (const job of jobs) {
      // Keyset: the builds numbered below the last one given, found by number (indexes shift as builds start).
      const below = typeof cursor?.[job.path] === 'number' ? cursor[job.path] as number : undefined;
      let start = 0;
      try {
        if (below !== undefined) start = await this.startOf(job.path, below, signal);
      } catch (err) {
        if (!(err instanceof Errors.RecordNotFound)) throw err;
      }
      const buf: Buf = { job, items: [], scanned: start, done: false, taken: 0, start };
      while (buf.items.length < limit && !buf.done && buf.scanned - start < SCAN) {
        let page: JenkinsBuild[];
        try {
          page = await this.range(job.path, buf.scanned, buf.scanned + limit + 1, signal);
        } catch (err) {
          // A job that does not exist (yet) has no history.
          if (err instanceof Errors.RecordNotFound) { buf.done = true; break; }
          throw err;
        }
        for (const b of page) {
          if (below !== undefined && b.number >= below) continue;
          buf.last = b.number;
          const d = toDeployment(b, { path: job.path, application: job.application, environment: job.environment, versionParameter: this.cfg.versionParameter, environmentParameter: this.cfg.environmentParameter });
          if (!d || (p.environment && d.environment !== p.environment) || (allowEnvs && !allowEnvs.includes(d.environment))) continue;
          const rec = this.records.get(d.id);
          buf.items.push({ d: rec ? { ...d, targets: rec.targets, ...(rec.executionId ? { executionId: rec.executionId } : {}), ...(rec.previousVersion ? { previousVersion: rec.previousVersion } : {}) } : d, number: b.number });
        }
        buf.scanned += page.length;
        if (page.length < limit + 1) buf.done = true;
      }
      bufs.push(buf);
    }
    const out: DeploymentT[] = [];
    while (out.length < limit) {
      // A job whose read builds ran out while it has more may hold newer ones than the others: the page ends.
      if (bufs.some((b) => b.taken === b.items.length && !b.done)) break;
      let best: Buf | undefined;
      for (const b of bufs) if (b.taken < b.items.length && (!best || Date.parse(b.items[b.taken].d.startedAt) > Date.parse(best.items[best.taken].d.startedAt))) best = b;
      if (!best) break;
      out.push(best.items[best.taken++].d);
    }
    const next: Cursor = { ...(cursor ?? {}) };
    for (const b of bufs) {
      const was = typeof cursor?.[b.job.path] === 'number' ? cursor[b.job.path] as number : undefined;
      if (b.taken < b.items.length) next[b.job.path] = b.taken ? b.items[b.taken - 1].number : was ?? b.items[0].number + 1;
      else next[b.job.path] = b.done ? null : b.last ?? was ?? null;
    }
    const more = Object.values(next).some((v) => v !== null);
    return { deployments: out, nextCursor: more ? encodeCursor(next) : null };
  }

  /**
   * History by node: the deployments Capstan started on it (its records), newest first; keyset cursor on
   * (startedAt, id) of the last one given. Those not finished are re-read from Jenkins (at most 4 in flight).
   */
  private async fromRecords(p: HistoryParams, limit: number, signal: AbortSignal): Promise<{ deployments: DeploymentT[]; nextCursor: string | null }> {
    const c = decodeCursor(p.cursor);
    const key = typeof c?.[RECORDS] === 'string' ? c[RECORDS] as string : undefined;
    const sp = key ? key.indexOf(' ') : -1;
    const after = key && sp > 0 ? { at: Date.parse(key.slice(0, sp)), id: key.slice(sp + 1) } : undefined;
    const apps = allowList(this.cfg.applications);
    const envs = allowList(this.cfg.environments);
    const all = this.records.all().filter((d) => d.targets.includes(p.node!) && (!p.application || d.application === p.application) && (!p.environment || d.environment === p.environment)
      && (!apps || apps.includes(d.application)) && (!envs || envs.includes(d.environment)));
    // Same order as the store: startedAt descending, then id descending.
    const rest = after ? all.filter((d) => Date.parse(d.startedAt) < after.at || (Date.parse(d.startedAt) === after.at && d.id.localeCompare(after.id) < 0)) : all;
    const page = rest.slice(0, limit);
    const last = page[page.length - 1];
    const fresh = await this.refresh(page, signal);
    return { deployments: fresh, nextCursor: rest.length > limit && last ? encodeCursor({ [RECORDS]: `${last.startedAt} ${last.id}` }) : null };
  }

  /** The records not finished (running, pending) re-read from Jenkins, at most IN_FLIGHT at once; the record updated. */
  private async refresh(page: DeploymentT[], signal: AbortSignal): Promise<DeploymentT[]> {
    return mapLimit(page, IN_FLIGHT, async (d) => {
      if (d.status !== 'running' && d.status !== 'pending') return d;
      const id = parseDeploymentId(d.id);
      if (!id) return d;
      try {
        const build = await this.client.json<JenkinsBuild>(`${jobUrlPath(id.path)}/${id.number}/api/json`, { query: new URLSearchParams({ tree: BUILD_TREE }), signal });
        const now = toDeployment(build, { path: id.path, application: d.application, environment: d.environment, versionParameter: this.cfg.versionParameter, environmentParameter: this.cfg.environmentParameter, targets: d.targets, executionId: d.executionId, initiatedBy: d.initiatedBy, previousVersion: d.previousVersion });
        if (!now) return d;
        // Still at an input step per the record and still building: it stays pending (INPUT_REQUIRED).
        const merged = d.status === 'pending' && now.status === 'running' ? { ...now, status: d.status, toolStatus: d.toolStatus } : now;
        this.records.put(merged);
        return merged;
      } catch (err) {
        if (signal.aborted) throw err;
        return d; // Jenkins unreachable or the build gone: the record as written
      }
    });
  }
}
