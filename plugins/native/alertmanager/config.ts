/** Config of the alertmanager plugin (`plugins.alertmanager.*`, env CAPSTAN_PLUGINS_ALERTMANAGER_<KEY>). */
import { Type, type Static } from '@sinclair/typebox';
import { sensitive } from '../../../src/capabilities/index.js';

/** The labels that name the node an alert is about when `nodeLabels` is not set, first match wins. */
export const DEFAULT_NODE_LABELS = ['instance', 'host', 'hostname', 'node'];

export const AlertmanagerConfigSchema = Type.Object({
  /**
   * Alertmanager base URL (`http://127.0.0.1:9093`, or with the route prefix it is served under:
   * `https://am.example.com/alertmanager`). Setting it enables the plugin. Credentials in the URL
   * (`http://user:pass@host`) are taken as basic auth and removed from every message.
   */
  url: Type.String({ minLength: 1, default: 'http://127.0.0.1:9093', description: 'Alertmanager base URL (API v2 is under <url>/api/v2).' }),
  /**
   * The URL people open Alertmanager's UI at (its `--web.external-url`), for `links.source`. Alertmanager's
   * API v2 does not tell it (GET /api/v2/status has no external URL). Default: `url`.
   */
  externalUrl: Type.Optional(Type.String({ minLength: 1, pattern: '^https?://', description: 'Alertmanager UI URL for links (default: url).' })),
  /** Basic auth user (a reverse proxy in front of Alertmanager, or its own `--web.config.file`). */
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  /** Basic auth password (secret: never logged or shown). */
  password: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, ...sensitive() })),
  /** Bearer token sent as `Authorization: Bearer <token>` (secret; exclusive with username/password). */
  bearerToken: Type.Optional(Type.String({ minLength: 1, maxLength: 8192, ...sensitive() })),
  /** Time one HTTP request to Alertmanager may take. Default 10000 ms. */
  timeoutMs: Type.Integer({ default: 10_000, minimum: 100, maximum: 300_000 }),
  /**
   * Labels naming the node an alert is about, first present wins; the host part of the value is the node
   * (`web1:9100` -> `web1`). Env: comma-separated. Default instance, host, hostname, node.
   */
  nodeLabels: Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { default: DEFAULT_NODE_LABELS, minItems: 1, maxItems: 20 }),
  /**
   * alert.resolve also posts the alert back to Alertmanager with `endsAt` = now, so it ends (for alerts
   * Capstan or a script posted; Prometheus re-sends an alert whose rule still fires). Default false: resolve
   * only expires Capstan's silences of the alert.
   */
  postResolved: Type.Boolean({ default: false }),
  /** Smallest interval between two looks at Alertmanager for alert.stream (ms). Default 2000. */
  streamIntervalMs: Type.Integer({ default: 2000, minimum: 0, maximum: 600_000 }),
}, { additionalProperties: false });

export type AlertmanagerConfig = Static<typeof AlertmanagerConfigSchema>;

/** The node label names, env values split at commas (`CAPSTAN_PLUGINS_ALERTMANAGER_NODE_LABELS=instance,host`). */
export function nodeLabelNames(cfg: Pick<AlertmanagerConfig, 'nodeLabels'>): string[] {
  return cfg.nodeLabels.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}
