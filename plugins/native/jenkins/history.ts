/**
 * deploy.history from Jenkins: the builds of the applications' jobs (`tree=builds[...]{from,to}` ranges,
 * newest first), each mapped to a Deployment from its parameters; builds without a version or environment
 * parameter are skipped. Without an application: the jobs of the `applications` allow-list, else of the
 * applications Capstan deployed (its records); the allow-lists filter every answer. Several jobs are merged newest first. The cursor is opaque:
 * base64url JSON of each job's next build index. A `node` filter reads the records of runs Capstan started.
 */
import { Errors } from '../../../src/core/errors.js';
import type { JenkinsClient } from './client.js';
import { allowList, type JenkinsConfig } from './config.js';
import { BUILD_TREE } from './follow.js';
import { jobPath, jobUrlPath, toDeployment, type DeploymentT, type JenkinsBuild } from './map.js';
import type { DeploymentRecords } from './store.js';

interface HistoryParams { application?: string; environment?: string; node?: string; limit?: number; cursor?: string }
type Cursor = Record<string, number | null>;
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
    if (c && typeof c === 'object' && !Array.isArray(c) && Object.values(c).every((v) => v === null || (Number.isInteger(v) && (v as number) >= 0))) return c as Cursor;
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
    if (p.node) return this.fromRecords(p, limit);
    const cursor = decodeCursor(p.cursor);
    const allowEnvs = allowList(this.cfg.environments);
    const jobs = this.jobs(p).filter((j) => !cursor || cursor[j.path] !== null);
    interface Buf { job: JobRef; items: { d: DeploymentT; next: number }[]; scanned: number; done: boolean; taken: number; start: number }
    const bufs: Buf[] = [];
    for (const job of jobs) {
      const start = cursor?.[job.path] ?? 0;
      const buf: Buf = { job, items: [], scanned: start, done: false, taken: 0, start };
      while (buf.items.length < limit && !buf.done && buf.scanned - start < SCAN) {
        let page: JenkinsBuild[];
        try {
          page = await this.range(job.path, buf.scanned, buf.scanned + Math.max(CHUNK, limit + 1), signal);
        } catch (err) {
          // A job that does not exist (yet) has no history.
          if (err instanceof Errors.RecordNotFound) { buf.done = true; break; }
          throw err;
        }
        for (const [i, b] of page.entries()) {
          const d = toDeployment(b, { path: job.path, application: job.application, environment: job.environment, versionParameter: this.cfg.versionParameter, environmentParameter: this.cfg.environmentParameter });
          const idx = buf.scanned + i;
          if (!d || (p.environment && d.environment !== p.environment) || (allowEnvs && !allowEnvs.includes(d.environment))) continue;
          const rec = this.records.get(d.id);
          buf.items.push({ d: rec ? { ...d, targets: rec.targets, ...(rec.executionId ? { executionId: rec.executionId } : {}), ...(rec.previousVersion ? { previousVersion: rec.previousVersion } : {}) } : d, next: idx + 1 });
        }
        buf.scanned += page.length;
        if (page.length < Math.max(CHUNK, limit + 1)) buf.done = true;
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
      if (b.taken < b.items.length) next[b.job.path] = b.taken ? b.items[b.taken - 1].next : b.start;
      else next[b.job.path] = b.done ? null : b.scanned;
    }
    const more = Object.values(next).some((v) => v !== null);
    return { deployments: out, nextCursor: more ? encodeCursor(next) : null };
  }

  /** History by node: the deployments Capstan started on it (its records), newest first; cursor = index. */
  private fromRecords(p: HistoryParams, limit: number): { deployments: DeploymentT[]; nextCursor: string | null } {
    const c = decodeCursor(p.cursor);
    const at = c?.['#records'] ?? 0;
    const apps = allowList(this.cfg.applications);
    const envs = allowList(this.cfg.environments);
    const all = this.records.all().filter((d) => d.targets.includes(p.node!) && (!p.application || d.application === p.application) && (!p.environment || d.environment === p.environment)
      && (!apps || apps.includes(d.application)) && (!envs || envs.includes(d.environment)));
    const page = all.slice(at, at + limit);
    return { deployments: page, nextCursor: at + limit < all.length ? encodeCursor({ '#records': at + limit }) : null };
  }
}
