/** Config of the jenkins plugin (`plugins.jenkins.*`, env CAPSTAN_PLUGINS_JENKINS_<KEY>). */
import { Type, type Static } from '@sinclair/typebox';
import { sensitive } from '../../../src/capabilities/sensitive.js';

const NAMES = Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 500 });

export const JenkinsConfigSchema = Type.Object({
  /** Jenkins' root URL (`https://ci.example.com`, with its context path if any). Setting it enables the plugin. */
  url: Type.String({ minLength: 1, description: 'Jenkins root URL; plain http is accepted on loopback only unless allowPlainHttp.' }),
  /** The Jenkins user the API token belongs to (HTTP Basic user name). */
  user: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Jenkins user id of the API token.' })),
  /** The user's API token (HTTP Basic password). Secret: never logged, streamed or answered. */
  token: Type.Optional(Type.String({ minLength: 1, ...sensitive(), description: 'API token of `user` (secret).' })),
  /** Job template: `{application}` and `{environment}` are replaced; `/` separates folders (`a/b` -> /job/a/job/b). */
  job: Type.String({ default: 'deploy-{application}', minLength: 1, maxLength: 500 }),
  /** Build parameter that carries the version. */
  versionParameter: Type.String({ default: 'VERSION', minLength: 1, maxLength: 255 }),
  /** Build parameter that carries the environment. */
  environmentParameter: Type.String({ default: 'ENVIRONMENT', minLength: 1, maxLength: 255 }),
  /**
   * Optional build parameter (declared by the job, e.g. a string parameter CAPSTAN_EXECUTION_ID) that carries
   * the Capstan execution id: each trigger is then unique (Jenkins never merges two executions into one queue
   * item) and a trigger whose answer was lost (timeout, 5xx) is found again by it. Default none.
   */
  executionIdParameter: Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\s=&]+$' })),
  /** Interval between two looks at the queue item, the build and its log (ms). Default 2000. */
  pollIntervalMs: Type.Integer({ default: 2000, minimum: 10, maximum: 60_000 }),
  /** Time one HTTP request to Jenkins may take (ms). Default 10000. */
  timeoutMs: Type.Integer({ default: 10_000, minimum: 100, maximum: 300_000 }),
  /** Longest wait for a 429's Retry-After before the request fails (ms). Default 60000. */
  maxRateLimitWaitMs: Type.Integer({ default: 60_000, minimum: 0, maximum: 600_000 }),
  /** After a stop, how long to wait before the harder `term`, then `kill` (ms). Default 10000. */
  stopGraceMs: Type.Integer({ default: 10_000, minimum: 0, maximum: 120_000 }),
  /** Plain HTTP to a host that is not loopback (the token would travel unencrypted). Default false. */
  allowPlainHttp: Type.Boolean({ default: false }),
  /** Applications this plugin may deploy (absent: any). A comma-separated string from the environment. */
  applications: Type.Optional(NAMES),
  /** Environments this plugin may deploy to (absent: any). */
  environments: Type.Optional(NAMES),
}, { additionalProperties: false });

export type JenkinsConfig = Static<typeof JenkinsConfigSchema>;

/** An allow-list as given in YAML, or as one comma-separated string from the environment; undefined = any. */
export function allowList(list: string[] | undefined): string[] | undefined {
  if (!list) return undefined;
  const out = list.flatMap((l) => l.split(',')).map((l) => l.trim()).filter(Boolean);
  return out.length ? out : undefined;
}
