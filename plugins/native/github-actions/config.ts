/** Config of the github-actions plugin (`plugins.github-actions.*`, env CAPSTAN_PLUGINS_GITHUB_ACTIONS_<KEY>). */
import { Type, type Static } from '@sinclair/typebox';
import { sensitive } from '../../../src/capabilities/sensitive.js';

const INPUT_NAME = { minLength: 1, maxLength: 100, pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' };

export const GitHubActionsConfigSchema = Type.Object({
  /** REST API root: https://api.github.com, or https://<host>/api/v3 for GitHub Enterprise Server. Setting it (or `owner`) enables the plugin. */
  apiUrl: Type.String({ minLength: 1, default: 'https://api.github.com', description: 'GitHub REST API root; plain http is accepted on loopback only unless allowPlainHttp.' }),
  /** A token (PAT, fine-grained token, app installation token) sent as `Authorization: Bearer`. Needs Actions read/write, Deployments read, Metadata read. */
  token: Type.Optional(Type.String({ minLength: 1, ...sensitive(), description: 'GitHub token (secret; never logged or answered).' })),
  /** Owner (user or organisation) of the repositories: the `{owner}` of `repository`. */
  owner: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' })),
  /** Repository of an application: `{owner}`, `{application}` and `{environment}` are replaced. */
  repository: Type.String({ minLength: 3, maxLength: 255, default: '{owner}/{application}' }),
  /** Workflow to dispatch: its file name under .github/workflows (`deploy.yml`) or its numeric id. `{application}`/`{environment}` replaced. */
  workflow: Type.String({ minLength: 1, maxLength: 255, default: 'deploy.yml' }),
  /** Input carrying the version (the dispatch ref is the version too); empty: not sent. */
  versionInput: Type.String({ maxLength: 100, default: 'version' }),
  /** Input carrying the environment; empty: not sent. */
  environmentInput: Type.String({ maxLength: 100, default: 'environment' }),
  /** Input carrying Capstan's execution id, which the workflow must echo in its `run-name` (finds the run it created). */
  correlationInput: Type.String({ ...INPUT_NAME, default: 'capstan_id' }),
  /** X-GitHub-Api-Version. Under 2026-03-10 and later a dispatch always answers 200 with the run id. */
  apiVersion: Type.String({ minLength: 10, maxLength: 10, pattern: '^\\d{4}-\\d{2}-\\d{2}$', default: '2022-11-28' }),
  /** Ask the dispatch to answer with the run id (`return_run_details`, API 2022-11-28); turn off for GitHub Enterprise Server releases that reject it. */
  returnRunDetails: Type.Boolean({ default: true }),
  /** How often a followed run and its jobs are read (ms). */
  pollIntervalMs: Type.Integer({ default: 2000, minimum: 10, maximum: 60_000 }),
  /** Time one HTTP request to GitHub may take (ms). */
  timeoutMs: Type.Integer({ default: 15_000, minimum: 100, maximum: 300_000 }),
  /** How long to look for the run a dispatch created (204 answers) before failing (ms). */
  findRunTimeoutMs: Type.Integer({ default: 60_000, minimum: 100, maximum: 600_000 }),
  /** After a cancel: how long to wait for the run to stop (ms); a force-cancel is sent halfway. */
  cancelWaitMs: Type.Integer({ default: 30_000, minimum: 100, maximum: 300_000 }),
  /** Queries (history, status): the longest rate-limit wait accepted (ms); runs wait as long as their own time allows. */
  maxRateLimitWaitMs: Type.Integer({ default: 60_000, minimum: 0, maximum: 3_600_000 }),
  /** Transient errors (5xx, network) tolerated in a row while following a run before it fails. */
  maxTransientRetries: Type.Integer({ default: 8, minimum: 0, maximum: 100 }),
  /** Plain HTTP to a host that is not loopback (the token would travel unencrypted). Default false. */
  allowPlainHttp: Type.Boolean({ default: false }),
  /** Optional allow-lists: deploy/rollback of other applications or environments is refused at submit (400). */
  applications: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 1000 })),
  environments: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 1000 })),
}, { additionalProperties: false });

export type GitHubActionsConfig = Static<typeof GitHubActionsConfigSchema>;

/** A list as given in YAML, or as one comma-separated string from the environment. */
export function listOf(v: string[] | undefined): string[] | undefined {
  if (!v) return undefined;
  return v.flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
}

/** At most this many inputs per dispatch (reference §3.5: `inputs` max 25 properties). */
export const MAX_INPUTS = 25;
