/**
 * Deployment ids of this source: `gitlab.<project>.<n>` where <project> is GitLab's numeric project id (or,
 * when only a path is known, the path with `/` written `~`) and <n> is a GitLab deployment id (`7702`), a
 * pipeline Capstan created (`p90871`) or a job Capstan retried for a rollback (`j551377`). URL-safe, and parsed
 * back by deploy.status; anything else is not ours (null).
 */
import { gitRefProblem } from '../../../src/core/git-ref.js';
export const SOURCE = 'gitlab';

export type IdKind = 'deployment' | 'pipeline' | 'job';
export interface ParsedId {
  project: string;
  kind: IdKind;
  n: number;
}

const PREFIX: Record<IdKind, string> = { deployment: '', pipeline: 'p', job: 'j' };

export function deploymentId(project: string | number, kind: IdKind, n: number): string {
  return `${SOURCE}.${String(project).replace(/\//g, '~')}.${PREFIX[kind]}${n}`;
}

export function parseId(id: string): ParsedId | null {
  const m = /^gitlab\.([A-Za-z0-9_~-][A-Za-z0-9_.~-]{0,254})\.([pj]?)([1-9][0-9]{0,15})$/.exec(id);
  if (!m) return null;
  const project = m[1].replace(/~/g, '/');
  if (project.split('/').some((s) => s === '' || s === '.' || s === '..')) return null;
  const kind: IdKind = m[2] === 'p' ? 'pipeline' : m[2] === 'j' ? 'job' : 'deployment';
  return { project, kind, n: Number(m[3]) };
}

/** The project an application / environment maps to by the `project` template. */
export function projectOf(template: string, application: string, environment?: string): string {
  return template.replace(/\{application\}/g, application).replace(/\{environment\}/g, environment ?? '');
}

/** Whether the template names its project without needing the environment. */
export function templateUsesEnvironment(template: string): boolean {
  return template.includes('{environment}');
}

/** The application a project path stands for, read back through the template; undefined when it does not match. */
export function applicationOf(template: string, projectPath: string): string | undefined {
  if (!template.includes('{application}')) return undefined;
  const esc = template.split(/(\{application\}|\{environment\})/).map((p) => p === '{application}' ? '(?<a>[^/]+?)' : p === '{environment}' ? '(?:[^/]+?)' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('');
  return new RegExp(`^${esc}$`).exec(projectPath)?.groups?.a;
}

/** The project path in a GitLab web URL (`<root>/<group>/<project>/-/jobs/1` -> `group/project`). */
export function projectPathOfWebUrl(webUrl: string | undefined, root: URL): string | undefined {
  if (!webUrl) return undefined;
  try {
    const u = new URL(webUrl);
    const prefix = root.pathname.replace(/\/$/, '');
    const path = u.pathname.startsWith(prefix) ? u.pathname.slice(prefix.length) : u.pathname;
    const cut = path.indexOf('/-/');
    return cut > 0 ? decodeURIComponent(path.slice(1, cut)) : undefined;
  } catch {
    return undefined;
  }
}

/** Why `ref` is not a git ref name GitLab could resolve (git's ref rules, src/core/git-ref.ts; at most 255 characters), or undefined. */
export function refProblem(ref: string): string | undefined {
  if (ref.length > 255) return 'it is longer than 255 characters';
  return gitRefProblem(ref);
}
