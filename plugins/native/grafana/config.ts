/** Config of the grafana plugin (`plugins.grafana.*`, env CAPSTAN_PLUGINS_GRAFANA_<KEY>). */
import { Type, type Static } from '@sinclair/typebox';
import { sensitive } from '../../../src/capabilities/sensitive.js';

export const DEFAULT_NODE_LABELS = ['instance', 'host', 'hostname', 'node'];

export const GrafanaConfigSchema = Type.Object({
  /** Grafana's root URL (`https://grafana.example.com`, with a sub-path when Grafana serves one). Setting it enables the plugin. */
  url: Type.String({ minLength: 1, description: 'Grafana root URL; plain http is accepted on loopback only unless allowPlainHttp.' }),
  /** A service account token (`glsa_...`), sent as `Authorization: Bearer`. Needs alert.instances:read, alert.silences:read and alert.silences:create/write. */
  token: Type.Optional(Type.String({ minLength: 1, ...sensitive(), description: 'Service account token (secret; never logged or answered).' })),
  /** Organisation to act in (`X-Grafana-Org-Id`); default: the token's own organisation. */
  orgId: Type.Optional(Type.Integer({ minimum: 1, description: 'Grafana organisation id (X-Grafana-Org-Id header).' })),
  /** Plain HTTP to a host that is not loopback (the token would travel unencrypted). Default false. */
  allowPlainHttp: Type.Boolean({ default: false }),
  /** Time one HTTP request to Grafana may take. Default 10000 ms. */
  timeoutMs: Type.Integer({ default: 10_000, minimum: 100, maximum: 300_000 }),
  /** Longest wait for a 429's Retry-After before the request fails (ms). Default 20000 ms. */
  maxRateLimitWaitMs: Type.Integer({ default: 20_000, minimum: 0, maximum: 300_000 }),
  /** Labels naming the node an alert is about, first present wins (`host:port` becomes `host`). */
  nodeLabels: Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { default: DEFAULT_NODE_LABELS, maxItems: 20 }),
}, { additionalProperties: false });

export type GrafanaConfig = Static<typeof GrafanaConfigSchema>;

/** nodeLabels as given in YAML, or as one comma-separated string from the environment. */
export function nodeLabelList(cfg: GrafanaConfig): string[] {
  return cfg.nodeLabels.flatMap((l) => l.split(',')).map((l) => l.trim()).filter(Boolean);
}
