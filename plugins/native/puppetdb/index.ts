/** The puppetdb plugin's manifest and its Fastify plugin (registered encapsulated by the loader). */
import type { FastifyInstance } from 'fastify';
import type { NativePluginOptions } from '../../../src/core/loader.js';
import type { PluginManifest } from '../../../src/core/types.js';
import { PuppetDbConfigSchema, type PuppetDbConfig } from './config.js';
import { PLUGIN_ID, PuppetDbPlugin } from './plugin.js';

export const manifest: PluginManifest = {
  id: PLUGIN_ID,
  version: '0.1.0',
  description: 'PuppetDB (query API v4): inventory, facts, run reports (also as journal entries, listed and followed), resource events (and their stream), managed resources, PQL/AST queries.',
  provides: [
    'inventory.list', 'inventory.get', 'inventory.groups', 'inventory.filter', 'info.facts',
    'reports.list', 'reports.get', 'reports.query', 'events.list', 'events.query', 'events.stream',
    'resources.list', 'query.native', 'journal.list', 'journal.stream',
  ],
  configSchema: PuppetDbConfigSchema,
  enabledByDefault: false,
  // CAPSTAN_PLUGINS_PUPPETDB_URL=... alone enables it.
  enabledBy: ['url'],
};

export default async function puppetdbPlugin(_app: FastifyInstance, opts: NativePluginOptions<PuppetDbConfig>): Promise<void> {
  opts.host.add(new PuppetDbPlugin(opts.config, opts.logger, opts.helpers));
}
