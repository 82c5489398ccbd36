/** The nagios plugin's manifest and its Fastify plugin (registered encapsulated by the loader). */
import type { FastifyInstance } from 'fastify';
import type { NativePluginOptions } from '../../../src/core/loader.js';
import type { PluginManifest } from '../../../src/core/types.js';
import { NagiosConfigSchema, type NagiosConfig } from './config.js';
import { NagiosPlugin, PLUGIN_ID } from './plugin.js';

export const manifest: PluginManifest = {
  id: PLUGIN_ID,
  version: '0.1.0',
  description: 'Nagios Core 4 (statusjson, archivejson, cmd.cgi): host and service problems as alerts (list, get, acknowledge with optional downtime, resolve, follow), and the alert history as journal entries.',
  provides: ['alert.list', 'alert.get', 'alert.acknowledge', 'alert.resolve', 'alert.stream', 'journal.list', 'journal.stream'],
  configSchema: NagiosConfigSchema,
  enabledByDefault: false,
  // CAPSTAN_PLUGINS_NAGIOS_URL=... alone enables it.
  enabledBy: ['url'],
};

export default async function nagiosPlugin(_app: FastifyInstance, opts: NativePluginOptions<NagiosConfig>): Promise<void> {
  opts.host.add(new NagiosPlugin(opts.config, opts.logger, opts.helpers));
}
