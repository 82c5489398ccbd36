/** The puppetserver plugin's manifest and its Fastify plugin (registered encapsulated by the loader). */
import type { FastifyInstance } from 'fastify';
import type { NativePluginOptions } from '../../../src/core/loader.js';
import type { PluginManifest } from '../../../src/core/types.js';
import { PuppetserverConfigSchema, type PuppetserverConfig } from './config.js';
import { PLUGIN_ID, PuppetserverPlugin } from './plugin.js';

export const manifest: PluginManifest = {
  id: PLUGIN_ID,
  version: '0.1.0',
  description: 'Puppetserver over its HTTPS API: status, environments with classes and modules, catalog compiles, CA certificates, environment cache.',
  provides: [
    'configserver.status', 'configserver.environments', 'configserver.compile', 'configserver.flush',
    'certificate.list', 'certificate.sign', 'certificate.revoke', 'certificate.clean',
  ],
  configSchema: PuppetserverConfigSchema,
  // It needs a server and a CA to talk to: off until configured (plugins.puppetserver.enabled=true).
  enabledByDefault: false,
};

export default async function puppetserverPlugin(_app: FastifyInstance, opts: NativePluginOptions<PuppetserverConfig>): Promise<void> {
  opts.host.add(new PuppetserverPlugin(opts.config, opts.logger, opts.helpers));
}
