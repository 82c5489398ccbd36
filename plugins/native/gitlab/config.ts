/** Config of the gitlab plugin (`plugins.gitlab.*`, env CAPSTAN_PLUGINS_GITLAB_<KEY>). */
import { Type, type Static } from '@sinclair/typebox';
import { sensitive } from '../../../src/capabilities/sensitive.js';

const NameList = (description: string) => Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { default: [], maxItems: 500, description });

export const GitlabConfigSchema = Type.Object({
  /** GitLab's root URL (`https://gitlab.example.com`, with a sub-path when GitLab serves one); the API is `<url>/api/v4`. Setting it enables the plugin. */
  url: Type.String({ minLength: 1, description: 'GitLab root URL (the REST API is at /api/v4 under it); plain http only on loopback unless allowPlainHttp.' }),
  /** Personal, project or group access token (`PRIVATE-TOKEN` header): scope `api` to create pipelines, cancel and retry; `read_api` is enough with a triggerToken. */
  token: Type.Optional(Type.String({ minLength: 1, ...sensitive(), description: 'Access token sent as PRIVATE-TOKEN (secret). Required: it reads pipelines, jobs, logs and deployments.' })),
  /** Pipeline trigger token: when set, pipelines are created through POST /projects/:id/trigger/pipeline (token in the body). */
  triggerToken: Type.Optional(Type.String({ minLength: 1, ...sensitive(), description: 'Pipeline trigger token (secret, optional); following the pipeline still needs `token`.' })),
  /** Project of an application: `{application}` and `{environment}` are replaced; a path (`group/app`) or a numeric id. */
  project: Type.String({ minLength: 1, default: '{application}', description: 'Project template: a path like group/{application} or a numeric id.' }),
  versionVariable: Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9_]+$', default: 'CAPSTAN_VERSION' }),
  environmentVariable: Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9_]+$', default: 'CAPSTAN_ENVIRONMENT' }),
  /** Time between two polls of a running pipeline (ms). */
  pollIntervalMs: Type.Integer({ default: 2000, minimum: 10, maximum: 600_000 }),
  /** Time one HTTP request to GitLab may take (ms). */
  timeoutMs: Type.Integer({ default: 10_000, minimum: 100, maximum: 300_000 }),
  /** Longest wait for a 429 (Retry-After / RateLimit-Reset) before the request fails (ms). */
  maxRateLimitWaitMs: Type.Integer({ default: 60_000, minimum: 0, maximum: 600_000 }),
  /** Longest wait for GitLab to confirm a cancel (ms). */
  cancelWaitMs: Type.Integer({ default: 30_000, minimum: 0, maximum: 300_000 }),
  /** Page size asked of GitLab's lists (per_page, max 100). */
  perPage: Type.Integer({ default: 20, minimum: 1, maximum: 100 }),
  /** Plain HTTP to a host that is not loopback (the token would travel unencrypted). */
  allowPlainHttp: Type.Boolean({ default: false }),
  applications: NameList('Applications that may be deployed (empty: any).'),
  environments: NameList('Environments that may be deployed to (empty: any).'),
}, { additionalProperties: false });

export type GitlabConfig = Static<typeof GitlabConfigSchema>;

/** A list as given in YAML, or as one comma-separated string from the environment. */
export function nameList(list: readonly string[]): string[] {
  return list.flatMap((l) => l.split(',')).map((l) => l.trim()).filter(Boolean);
}
