/** The terraform plugin's manifest and its Fastify plugin (registered encapsulated by the loader). */
import type { FastifyInstance } from 'fastify';
import type { NativePluginOptions } from '../../../src/core/loader.js';
import type { PluginManifest } from '../../../src/core/types.js';
import { TerraformConfigSchema, type TerraformConfig } from './config.js';
import { PLUGIN_ID, TerraformPlugin } from './plugin.js';

export const manifest: PluginManifest = {
  id: PLUGIN_ID,
  version: '0.1.0',
  description: 'Terraform / OpenTofu: provision and decommission machines from modules, with their nodes in the inventory.',
  provides: [
    'provision.create', 'provision.status', 'decommission.execute', 'decommission.status',
    'inventory.list', 'inventory.get', 'inventory.groups', 'inventory.filter',
  ],
  configSchema: TerraformConfigSchema,
  enabledByDefault: false,
  // CAPSTAN_PLUGINS_TERRAFORM_MODULE_DIR=... alone turns it on.
  enabledBy: ['moduleDir'],
};

export default async function terraformPlugin(_app: FastifyInstance, opts: NativePluginOptions<TerraformConfig>): Promise<void> {
  opts.host.add(new TerraformPlugin(opts.config, opts.logger, opts.helpers, opts.host.dataDir));
}
