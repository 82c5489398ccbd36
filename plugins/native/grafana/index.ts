/** The grafana plugin's manifest and its Fastify plugin (registered encapsulated by the loader). */
import type { FastifyInstance } from 'fastify';
import type { NativePluginOptions } from '../../../src/core/loader.js';
import type { PluginManifest } from '../../../src/core/types.js';
import { GrafanaConfigSchema, type GrafanaConfig } from './config.js';
import { GrafanaPlugin, PLUGIN_ID } from './plugin.js';

export const manifest: PluginManifest = {
  id: PLUGIN_ID,
  version: '0.1.0',
  description: 'Grafana Alerting (Grafana-managed alerts through its Alertmanager API): alerts listed, got, acknowledged with a silence, resolved, followed.',
  provides: ['alert.list', 'alert.get', 'alert.acknowledge', 'alert.resolve', 'alert.stream'],
  configSchema: GrafanaConfigSchema,
  enabledByDefault: false,
  // CAPSTAN_PLUGINS_GRAFANA_URL=... alone enables it.
  enabledBy: ['url'],
};

export default async function grafanaPlugin(_app: FastifyInstance, opts: NativePluginOptions<GrafanaConfig>): Promise<void> {
  opts.host.add(new GrafanaPlugin(opts.config, opts.logger));
}
