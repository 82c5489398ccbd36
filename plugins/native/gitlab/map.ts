/** GitLab objects (cicd-apis.md §2.4, §2.5, §2.8) as Capstan Deployment records. */
import type { Static } from '@sinclair/typebox';
import type { Deployment } from '../../../src/capabilities/records.js';
import { SOURCE, deploymentId } from './ids.js';
import type { RunRecord } from './records.js';
import { deploymentStatusOf } from './status.js';

export type DeploymentT = Static<typeof Deployment>;

export interface GlUser { id?: number; username?: string }
export interface GlPipeline {
  id: number; iid?: number; project_id: number; sha?: string; ref?: string; status: string; source?: string;
  web_url?: string; user?: GlUser | null; created_at?: string; updated_at?: string; started_at?: string | null; finished_at?: string | null;
}
export interface GlJob {
  id: number; name: string; stage: string; status: string; ref?: string; allow_failure?: boolean; web_url?: string;
  created_at?: string; started_at?: string | null; finished_at?: string | null; failure_reason?: string; user?: GlUser | null;
  pipeline?: { id: number; project_id?: number; ref?: string; sha?: string; status?: string; web_url?: string };
  downstream_pipeline?: { id: number; project_id?: number; status?: string; web_url?: string } | null;
}
export interface GlDeployment {
  id: number; iid?: number; ref?: string; sha?: string; status: string; created_at?: string; updated_at?: string; finished_at?: string | null;
  user?: GlUser | null; environment?: { id?: number; name?: string; external_url?: string | null };
  deployable?: GlJob | null;
}

/** When a GitLab deployment started (its job's start, else its creation), as history orders it. */
export function deploymentStartedAt(d: GlDeployment): string {
  return iso(d.deployable?.started_at ?? d.created_at) ?? iso(d.created_at) ?? new Date(0).toISOString();
}

const iso = (v: string | null | undefined): string | undefined => {
  if (!v) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
};

/** A GitLab deployment (history, status by deployment id). */
export function fromDeployment(d: GlDeployment, o: { projectId: number | string; application: string; record?: RunRecord; previousVersion?: string }): DeploymentT {
  const status = deploymentStatusOf(d.status);
  const finished = status === 'succeeded' || status === 'failed' || status === 'canceled' ? iso(d.finished_at ?? d.deployable?.finished_at ?? d.updated_at) : undefined;
  const version = o.record?.version ?? d.ref ?? d.sha ?? '';
  return {
    id: deploymentId(o.projectId, 'deployment', d.id),
    application: o.application,
    version,
    environment: d.environment?.name ?? o.record?.environment ?? '',
    status,
    startedAt: deploymentStartedAt(d),
    ...(finished ? { finishedAt: finished } : {}),
    targets: o.record?.targets ?? [],
    ...(o.previousVersion ?? o.record?.previousVersion ? { previousVersion: o.previousVersion ?? o.record?.previousVersion } : {}),
    ...(d.user?.username ?? o.record?.initiatedBy ? { initiatedBy: d.user?.username ?? o.record?.initiatedBy } : {}),
    ...(d.deployable?.web_url ?? d.deployable?.pipeline?.web_url ? { url: d.deployable?.web_url ?? d.deployable?.pipeline?.web_url } : {}),
    source: SOURCE,
    ...(d.ref ?? d.sha ? { ref: d.ref ?? d.sha } : {}),
    toolStatus: d.status,
    ...(o.record?.executionId ? { executionId: o.record.executionId } : {}),
  };
}

/** A pipeline or retried job Capstan started (its record gives application, environment, version, targets). */
export function fromRun(rec: RunRecord, tool: { status: string; ref?: string; web_url?: string; started_at?: string | null; created_at?: string; finished_at?: string | null; user?: GlUser | null }): DeploymentT {
  const status = deploymentStatusOf(tool.status);
  const finished = status === 'succeeded' || status === 'failed' || status === 'canceled' ? iso(tool.finished_at) ?? new Date().toISOString() : undefined;
  const initiatedBy = rec.initiatedBy ?? tool.user?.username;
  return {
    id: rec.deployment ? deploymentId(rec.project, 'deployment', rec.deployment) : rec.id,
    application: rec.application,
    version: rec.version,
    environment: rec.environment,
    status,
    startedAt: iso(tool.started_at ?? tool.created_at) ?? rec.startedAt,
    ...(finished ? { finishedAt: finished } : {}),
    targets: rec.targets,
    ...(rec.previousVersion ? { previousVersion: rec.previousVersion } : {}),
    ...(initiatedBy ? { initiatedBy } : {}),
    ...(tool.web_url ?? rec.url ? { url: tool.web_url ?? rec.url } : {}),
    source: SOURCE,
    ...(tool.ref ?? rec.version ? { ref: tool.ref ?? rec.version } : {}),
    toolStatus: tool.status,
    ...(rec.executionId ? { executionId: rec.executionId } : {}),
  };
}
