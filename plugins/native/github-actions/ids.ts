/**
 * Deployment ids of this source, URL-safe and unique across sources: `github-actions.<owner>~<repo>.<deployment id>`
 * (a GitHub deployment) and `github-actions.<owner>~<repo>.run-<run id>` (a workflow run, what deploy.execute
 * and deploy.rollback answer).
 */
export const SOURCE = 'github-actions';

export interface ParsedId {
  repo: string;
  kind: 'deployment' | 'run';
  num: number;
}

const ID = /^github-actions\.([A-Za-z0-9][A-Za-z0-9_.-]{0,99})~([A-Za-z0-9_.-]{1,100})\.(run-)?([1-9]\d{0,18})$/;

export function deploymentId(repo: string, id: number): string {
  return `${SOURCE}.${repo.replace('/', '~')}.${id}`;
}

export function runId(repo: string, id: number): string {
  return `${SOURCE}.${repo.replace('/', '~')}.run-${id}`;
}

/** The parts of an id of this source; undefined for another source's id or a malformed one. */
export function parseId(id: string): ParsedId | undefined {
  const m = ID.exec(id);
  if (!m) return undefined;
  const num = Number(m[4]);
  if (!Number.isSafeInteger(num)) return undefined;
  return { repo: `${m[1]}/${m[2]}`, kind: m[3] ? 'run' : 'deployment', num };
}

/** The run id in a GitHub URL (`…/actions/runs/<id>` in a deployment status's target_url / log_url). */
export function runIdInUrl(url: string | null | undefined): number | undefined {
  const m = url ? /\/actions\/runs\/(\d+)/.exec(url) : null;
  return m ? Number(m[1]) : undefined;
}

/** `{owner}`, `{application}`, `{environment}` replaced in a template. */
export function fill(template: string, v: { owner?: string; application: string; environment?: string }): string {
  return template.replace(/\{owner\}/g, v.owner ?? '').replace(/\{application\}/g, v.application).replace(/\{environment\}/g, v.environment ?? '');
}

/** The application a repository stands for, read back through the `repository` template (undefined when it does not fit). */
export function applicationOf(template: string, owner: string | undefined, repo: string): string | undefined {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let re = '';
  let app = -1;
  let groups = 0;
  for (const part of template.split(/(\{owner\}|\{application\}|\{environment\})/)) {
    if (part === '{owner}') re += owner ? esc(owner) : '[^/]+';
    else if (part === '{application}') { re += '([^/]+)'; app = ++groups; }
    else if (part === '{environment}') { re += '(?:[^/]+)'; }
    else re += esc(part);
  }
  const m = new RegExp(`^${re}$`, 'i').exec(repo);
  return m && app > 0 ? m[app] : undefined;
}
