/** The datadog plugin's manifest and its Fastify plugin (registered encapsulated by the loader). */
import type { FastifyInstance } from 'fastify';
import type { NativePluginOptions } from '../../../src/core/loader.js';
import type { PluginManifest } from '../../../src/core/types.js';
import { DatadogConfigSchema, type DatadogConfig } from './config.js';
import { DatadogPlugin, PLUGIN_ID } from './plugin.js';

export const manifest: PluginManifest = {
  id: PLUGIN_ID,
  version: '0.1.0',
  description: 'Datadog monitors (API v1 Monitors, v2 Downtimes) as alerts: listed, got, acknowledged with a mute or a downtime, resolved, followed.',
  provides: ['alert.list', 'alert.get', 'alert.acknowledge', 'alert.resolve', 'alert.stream'],
  configSchema: DatadogConfigSchema,
  enabledByDefault: false,
  // CAPSTAN_PLUGINS_DATADOG_API_KEY=... alone enables it.
  enabledBy: ['apiKey', 'url'],
};

export default async function datadogPlugin(_app: FastifyInstance, opts: NativePluginOptions<DatadogConfig>): Promise<void> {
  opts.host.add(new DatadogPlugin(opts.config, opts.logger, opts.host.dataDir));
}
