/** The bolt plugin's manifest and its Fastify plugin (registered encapsulated by the loader). */
import type { FastifyInstance } from 'fastify';
import type { NativePluginOptions } from '../../../src/core/loader.js';
import type { PluginManifest } from '../../../src/core/types.js';
import { BoltConfigSchema, type BoltConfig } from './config.js';
import { BoltPlugin, PLUGIN_ID } from './plugin.js';

export const manifest: PluginManifest = {
  id: PLUGIN_ID,
  version: '0.1.0',
  description: 'Puppet Bolt: inventory, facts, command/script/task/plan runs and task listing through the bolt CLI.',
  provides: [
    'inventory.list', 'inventory.get', 'inventory.groups', 'inventory.filter', 'info.facts', 'info.refresh',
    'command.execute', 'script.execute', 'task.execute', 'plan.execute', 'task.list', 'puppet.run',
  ],
  configSchema: BoltConfigSchema,
  // Bolt is rarely installed where Capstan first runs: enable it explicitly (CAPSTAN_PLUGINS_BOLT_ENABLED=true).
  enabledByDefault: false,
};

export default async function boltPlugin(_app: FastifyInstance, opts: NativePluginOptions<BoltConfig>): Promise<void> {
  opts.host.add(new BoltPlugin(opts.config, opts.logger, opts.helpers));
}
