/**
 * Pure mapping between Jenkins and Capstan: job paths from the template, deployment ids, build results to
 * Deployment statuses, and a Jenkins build (api/json) to a Deployment record.
 */
import type { Static } from '@sinclair/typebox';
import type { Deployment } from '../../../src/capabilities/records.js';

export const SOURCE = 'jenkins';
export type DeploymentT = Static<typeof Deployment>;

/** A parameter value as Jenkins answers it in `actions[].parameters`. */
export interface JenkinsParam { name: string; value?: unknown }

/** The build fields the plugin reads (GET <build>/api/json). */
export interface JenkinsBuild {
  number: number;
  url?: string;
  building?: boolean;
  inProgress?: boolean;
  result?: string | null;
  timestamp?: number;
  duration?: number;
  queueId?: number;
  actions?: ({ _class?: string; parameters?: JenkinsParam[]; causes?: { userId?: string | null; userName?: string; shortDescription?: string }[] } | null)[];
}

/** The job's path segments from the template (`deploy-{application}` or `deploy/{environment}/{application}`). */
export function jobPath(template: string, application: string, environment?: string): string {
  return template.replace(/\{application\}/g, application).replace(/\{environment\}/g, environment ?? '').split('/').filter(Boolean).join('/');
}

/** `/job/a/job/b` from `a/b`, each segment URL-encoded. */
export function jobUrlPath(path: string): string {
  return path.split('/').filter(Boolean).map((s) => `job/${encodeURIComponent(s)}`).join('/');
}

/** The deployment id of build `number` of job `path`: `jenkins.<path with / as ~>.<number>`. */
export function deploymentId(path: string, number: number): string {
  return `${SOURCE}.${path.split('/').join('~')}.${number}`;
}

/**
 * Why a job path cannot be one Capstan deploys with (undefined when fine): its deployment ids must read back
 * as the same path (parseDeploymentId), so every segment holds only [A-Za-z0-9._%-] (no `~`, the ids' folder
 * separator) and none is `.` or `..` (a URL would normalise them away: the trigger would go to another job).
 */
export function jobPathProblem(path: string): string | undefined {
  if (!path) return 'is empty';
  for (const s of path.split('/')) {
    if (s === '.' || s === '..') return `has a '${s}' segment (it would name another job)`;
    if (!/^[A-Za-z0-9._%-]+$/.test(s)) return `segment '${s}' holds a character outside A-Z a-z 0-9 . _ % - (deployment ids could not name it)`;
  }
  return parseDeploymentId(deploymentId(path, 1))?.path === path ? undefined : 'cannot be named by a deployment id';
}

/** The job path and build number of a deployment id of this source; undefined for another source's or a malformed one. */
export function parseDeploymentId(id: string): { path: string; number: number } | undefined {
  const m = /^jenkins\.([A-Za-z0-9._~%-]+)\.(\d{1,15})$/.exec(id);
  if (!m) return undefined;
  const segments = m[1].split('~');
  if (segments.some((s) => !s || s === '.' || s === '..')) return undefined;
  const number = Number(m[2]);
  if (!Number.isSafeInteger(number) || number < 1) return undefined;
  return { path: segments.join('/'), number };
}

/**
 * A build's result as a Deployment status: running while building (or result still null), SUCCESS ->
 * succeeded, FAILURE/UNSTABLE -> failed, ABORTED/NOT_BUILT -> canceled (Jenkins' own words are kept in toolStatus).
 */
export function statusOf(build: Pick<JenkinsBuild, 'building' | 'result'>): DeploymentT['status'] {
  if (build.building || build.result === null || build.result === undefined) return 'running';
  switch (build.result) {
    case 'SUCCESS': return 'succeeded';
    case 'ABORTED': case 'NOT_BUILT': return 'canceled';
    default: return 'failed';
  }
}

/** The parameters of a build (its ParametersAction), as strings. */
export function buildParameters(build: Pick<JenkinsBuild, 'actions'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of build.actions ?? []) {
    for (const p of a?.parameters ?? []) {
      if (p && typeof p.name === 'string' && p.value !== undefined && p.value !== null && typeof p.value !== 'object') out[p.name] = String(p.value);
    }
  }
  return out;
}

/** The user id of the build's cause (`Started by user ...`), when a user started it. */
export function causeUser(build: Pick<JenkinsBuild, 'actions'>): string | undefined {
  for (const a of build.actions ?? []) for (const c of a?.causes ?? []) if (c?.userId) return c.userId;
  return undefined;
}

/** What the mapping needs besides the build. */
export interface MapContext {
  path: string;
  application: string;
  versionParameter: string;
  environmentParameter: string;
  /** Environment when the build's parameters do not say (the request's). */
  environment?: string;
  targets?: string[];
  executionId?: string;
  initiatedBy?: string;
  previousVersion?: string;
}

/** A Jenkins build as a Deployment; undefined when it carries neither version nor environment (not a deployment we can describe). */
export function toDeployment(build: JenkinsBuild, m: MapContext, secret: (s: string) => string = (s) => s): DeploymentT | undefined {
  const params = buildParameters(build);
  const version = params[m.versionParameter];
  const environment = params[m.environmentParameter] ?? m.environment;
  if (version === undefined || environment === undefined) return undefined;
  const started = new Date(build.timestamp && build.timestamp > 0 ? build.timestamp : Date.now());
  const status = statusOf(build);
  const done = status !== 'running' && status !== 'pending';
  const initiatedBy = causeUser(build) ?? m.initiatedBy;
  return {
    id: deploymentId(m.path, build.number),
    application: m.application,
    version: secret(version),
    environment,
    status,
    startedAt: started.toISOString(),
    ...(done ? { finishedAt: new Date(started.getTime() + Math.max(0, build.duration ?? 0)).toISOString() } : {}),
    targets: m.targets ?? [],
    ...(m.previousVersion ? { previousVersion: m.previousVersion } : {}),
    ...(initiatedBy ? { initiatedBy } : {}),
    ...(build.url ? { url: build.url } : {}),
    source: SOURCE,
    ref: secret(version),
    ...(build.result ? { toolStatus: build.result } : { toolStatus: build.building === false ? 'UNKNOWN' : 'BUILDING' }),
    ...(m.executionId ? { executionId: m.executionId } : {}),
  };
}

/**
 * The application (and environment, when the template names it) a job path belongs to under the template
 * (`deploy-{application}` and `deploy-shop` -> `shop`); undefined when the path does not fit the template.
 */
export function jobOf(template: string, path: string): { application: string; environment?: string } | undefined {
  const escaped = jobPath(template, '\u0000A', '\u0000E').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const order = [...escaped.matchAll(/\u0000([AE])/g)].map((m) => m[1]);
  const re = new RegExp(`^${escaped.replace(/\u0000[AE]/g, '([^/]+)')}$`);
  const m = re.exec(path);
  if (!m) return undefined;
  const at = (k: string) => { const i = order.indexOf(k); return i < 0 ? undefined : m[i + 1]; };
  const application = at('A');
  if (!application) return undefined;
  const environment = at('E');
  return { application, ...(environment ? { environment } : {}) };
}

/** The application of a job path under the template (see jobOf). */
export function applicationOf(template: string, path: string): string | undefined {
  return jobOf(template, path)?.application;
}
