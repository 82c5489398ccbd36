/** The gitlab plugin's manifest and its Fastify plugin (registered encapsulated by the loader). */
import type { FastifyInstance } from 'fastify';
import type { NativePluginOptions } from '../../../src/core/loader.js';
import type { PluginManifest } from '../../../src/core/types.js';
import { GitlabConfigSchema, type GitlabConfig } from './config.js';
import { GitlabPlugin, PLUGIN_ID } from './plugin.js';

export const manifest: PluginManifest = {
  id: PLUGIN_ID,
  version: '0.1.0',
  description: 'GitLab CI: deploy as a pipeline (followed with its job logs), roll back by retrying the previous deploy job, status and history from the deployments API.',
  provides: ['deploy.execute', 'deploy.rollback', 'deploy.status', 'deploy.history'],
  configSchema: GitlabConfigSchema,
  enabledByDefault: false,
  // CAPSTAN_PLUGINS_GITLAB_URL=... alone enables it.
  enabledBy: ['url'],
};

export default async function gitlabPlugin(_app: FastifyInstance, opts: NativePluginOptions<GitlabConfig>): Promise<void> {
  opts.host.add(new GitlabPlugin(opts.config, opts.logger, opts.host.dataDir));
}
