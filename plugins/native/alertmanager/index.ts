/** The alertmanager plugin's manifest and its Fastify plugin (registered encapsulated by the loader). */
import type { FastifyInstance } from 'fastify';
import type { NativePluginOptions } from '../../../src/core/loader.js';
import type { PluginManifest } from '../../../src/core/types.js';
import { AlertmanagerConfigSchema, type AlertmanagerConfig } from './config.js';
import { AlertmanagerPlugin, PLUGIN_ID } from './plugin.js';

export const manifest: PluginManifest = {
  id: PLUGIN_ID,
  version: '0.1.0',
  description: 'Prometheus Alertmanager (API v2): alerts listed and followed, acknowledged as silences, resolved by expiring them (or posting the alert ended).',
  provides: ['alert.list', 'alert.get', 'alert.acknowledge', 'alert.resolve', 'alert.stream'],
  configSchema: AlertmanagerConfigSchema,
  enabledByDefault: false,
  // CAPSTAN_PLUGINS_ALERTMANAGER_URL=... alone enables it.
  enabledBy: ['url'],
};

export default async function alertmanagerPlugin(_app: FastifyInstance, opts: NativePluginOptions<AlertmanagerConfig>): Promise<void> {
  opts.host.add(new AlertmanagerPlugin(opts.config, opts.logger));
}
