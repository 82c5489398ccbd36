/** Config of the datadog plugin (`plugins.datadog.*`, env CAPSTAN_PLUGINS_DATADOG_<KEY>). */
import { Type, type Static } from '@sinclair/typebox';
import { sensitive } from '../../../src/capabilities/sensitive.js';

/** Datadog sites (https://docs.datadoghq.com/getting_started/site/): the API is `https://api.<site>`. */
export const SITES = ['datadoghq.com', 'datadoghq.eu', 'us3.datadoghq.com', 'us5.datadoghq.com', 'ap1.datadoghq.com', 'ddog-gov.com'] as const;

export const DatadogConfigSchema = Type.Object({
  /** The Datadog site of the organisation. Default datadoghq.com (US1). */
  site: Type.Union(SITES.map((s) => Type.Literal(s)), { default: 'datadoghq.com', description: 'Datadog site; the API base URL is https://api.<site>.' }),
  /** API base URL instead of https://api.<site> (tests, a proxy). */
  url: Type.Optional(Type.String({ minLength: 1, description: 'API base URL override; plain http only on loopback.' })),
  /** API key (`DD-API-KEY`): identifies the organisation. Setting it enables the plugin. */
  apiKey: Type.Optional(Type.String({ minLength: 1, ...sensitive(), description: 'Datadog API key (secret).' })),
  /** Application key (`DD-APPLICATION-KEY`): acts as its user; needs monitors_read, monitors_write (mute) and monitors_downtime. */
  applicationKey: Type.Optional(Type.String({ minLength: 1, ...sensitive(), description: 'Datadog application key (secret).' })),
  /** Only monitors carrying all these monitor tags (comma-separated, Datadog's `monitor_tags`: `team:infra,service:web`). */
  monitorTags: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
  /** Group tag keys naming the node of a group's alert, first present wins. Default `host`. */
  nodeTags: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { default: ['host'], maxItems: 20 }),
  /** Monitors per page when walking GET /api/v1/monitor (Datadog allows up to 1000). Default 100. */
  pageSize: Type.Integer({ default: 100, minimum: 1, maximum: 1000 }),
  /** Time one HTTP request may take. Default 10000 ms. */
  timeoutMs: Type.Integer({ default: 10_000, minimum: 100, maximum: 300_000 }),
  /** Longest wait for a rate limit's reset (X-RateLimit-Reset) before the request fails (ms). Default 25000. */
  maxRateLimitWaitMs: Type.Integer({ default: 25_000, minimum: 0, maximum: 300_000 }),
  /** Datadog web app base URL for links (default: https://app.<site>, or https://<site> for us3/us5/ap1). */
  appUrl: Type.Optional(Type.String({ minLength: 1 })),
}, { additionalProperties: false });

export type DatadogConfig = Static<typeof DatadogConfigSchema>;

/** The web app's base URL of a site (the host users browse: app.datadoghq.com, us3.datadoghq.com, app.datadoghq.eu, ...). */
export function appBase(cfg: DatadogConfig): string {
  if (cfg.appUrl) return cfg.appUrl.replace(/\/+$/, '');
  return ['datadoghq.com', 'datadoghq.eu', 'ddog-gov.com'].includes(cfg.site) ? `https://app.${cfg.site}` : `https://${cfg.site}`;
}

/** nodeTags as given in YAML, or as one comma-separated string from the environment. */
export function nodeTagList(cfg: DatadogConfig): string[] {
  return cfg.nodeTags.flatMap((l) => l.split(',')).map((l) => l.trim()).filter(Boolean);
}
