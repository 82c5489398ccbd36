/** The icinga plugin's manifest and its Fastify plugin (registered encapsulated by the loader). */
import type { FastifyInstance } from 'fastify';
import type { NativePluginOptions } from '../../../src/core/loader.js';
import type { PluginManifest } from '../../../src/core/types.js';
import { IcingaConfigSchema, type IcingaConfig } from './config.js';
import { IcingaPlugin, PLUGIN_ID } from './plugin.js';

export const manifest: PluginManifest = {
  id: PLUGIN_ID,
  version: '0.1.0',
  description: 'Icinga 2 (REST API v1): host and service problems as alerts, acknowledged (optionally with a downtime) and un-acknowledged in Icinga, followed through its event stream.',
  provides: ['alert.list', 'alert.get', 'alert.acknowledge', 'alert.resolve', 'alert.stream'],
  configSchema: IcingaConfigSchema,
  enabledByDefault: false,
  // CAPSTAN_PLUGINS_ICINGA_URL=... (with _USER and _PASSWORD) enables it.
  enabledBy: ['url'],
};

export default async function icingaPlugin(_app: FastifyInstance, opts: NativePluginOptions<IcingaConfig>): Promise<void> {
  opts.host.add(new IcingaPlugin(opts.config, opts.logger, opts.helpers));
}
