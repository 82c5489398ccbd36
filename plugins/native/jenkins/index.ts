/** The jenkins plugin's manifest and its Fastify plugin (registered encapsulated by the loader). */
import type { FastifyInstance } from 'fastify';
import type { NativePluginOptions } from '../../../src/core/loader.js';
import type { PluginManifest } from '../../../src/core/types.js';
import { JenkinsConfigSchema, type JenkinsConfig } from './config.js';
import { JenkinsPlugin, PLUGIN_ID } from './plugin.js';

export const manifest: PluginManifest = {
  id: PLUGIN_ID,
  version: '0.1.0',
  description: 'Jenkins: deploy and roll back as parameterised builds (queue item, build, progressive console log), deployment status and history from the builds.',
  provides: ['deploy.execute', 'deploy.rollback', 'deploy.status', 'deploy.history'],
  configSchema: JenkinsConfigSchema,
  enabledByDefault: false,
  // CAPSTAN_PLUGINS_JENKINS_URL=... alone enables it.
  enabledBy: ['url'],
};

export default async function jenkinsPlugin(_app: FastifyInstance, opts: NativePluginOptions<JenkinsConfig>): Promise<void> {
  opts.host.add(new JenkinsPlugin(opts.config, opts.logger, opts.host.dataDir));
}
