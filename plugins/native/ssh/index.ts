/** The ssh plugin's manifest and its Fastify plugin (registered encapsulated by the loader). */
import type { FastifyInstance } from 'fastify';
import type { NativePluginOptions } from '../../../src/core/loader.js';
import type { PluginManifest } from '../../../src/core/types.js';
import { SshConfigSchema, type SshConfig } from './config.js';
import { PLUGIN_ID, SshPlugin } from './plugin.js';

export const manifest: PluginManifest = {
  id: PLUGIN_ID,
  version: '0.1.0',
  description: 'Inventory (Bolt v2 file), facts and command/script execution over OpenSSH, plus a local transport.',
  provides: ['inventory.list', 'inventory.get', 'inventory.groups', 'inventory.filter', 'info.facts', 'info.refresh', 'command.execute', 'script.execute', 'puppet.run'],
  configSchema: SshConfigSchema,
  enabledByDefault: true,
};

export default async function sshPlugin(_app: FastifyInstance, opts: NativePluginOptions<SshConfig>): Promise<void> {
  // The config file is named by the server's environment only (CAPSTAN_CONFIG): the localUser check needs it.
  opts.host.add(new SshPlugin(opts.config, opts.logger, { dataDir: opts.host.dataDir, configFile: process.env.CAPSTAN_CONFIG }));
}
