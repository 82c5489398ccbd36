/** The ansible plugin's manifest and its Fastify plugin (registered encapsulated by the loader). */
import type { FastifyInstance } from 'fastify';
import type { NativePluginOptions } from '../../../src/core/loader.js';
import type { PluginManifest } from '../../../src/core/types.js';
import { AnsibleConfigSchema, type AnsibleConfig } from './config.js';
import { AnsiblePlugin, PLUGIN_ID } from './plugin.js';

export const manifest: PluginManifest = {
  id: PLUGIN_ID,
  version: '0.1.0',
  description: 'Ansible: inventory (ansible-inventory), facts (setup), ad-hoc commands and scripts, playbooks as plans.',
  provides: [
    'inventory.list', 'inventory.get', 'inventory.groups', 'inventory.filter', 'info.facts', 'info.refresh',
    'command.execute', 'script.execute', 'plan.execute',
  ],
  configSchema: AnsibleConfigSchema,
  enabledByDefault: false,
  // An inventory is what the plugin serves and acts on: configuring one enables it (CAPSTAN_PLUGINS_ANSIBLE_INVENTORY).
  enabledBy: ['inventory'],
};

export default async function ansiblePlugin(_app: FastifyInstance, opts: NativePluginOptions<AnsibleConfig>): Promise<void> {
  opts.host.add(new AnsiblePlugin(opts.config, opts.logger, opts.helpers));
}
