/** The github-actions plugin's manifest and its Fastify plugin (registered encapsulated by the loader). */
import type { FastifyInstance } from 'fastify';
import type { NativePluginOptions } from '../../../src/core/loader.js';
import type { PluginManifest } from '../../../src/core/types.js';
import { GitHubActionsConfigSchema, type GitHubActionsConfig } from './config.js';
import { GitHubActionsPlugin, PLUGIN_ID } from './plugin.js';

export const manifest: PluginManifest = {
  id: PLUGIN_ID,
  version: '0.1.0',
  description: 'GitHub Actions: deploy and roll back by dispatching a workflow, followed run, jobs and steps with their logs; history from the Deployments API.',
  provides: ['deploy.execute', 'deploy.rollback', 'deploy.status', 'deploy.history'],
  configSchema: GitHubActionsConfigSchema,
  enabledByDefault: false,
  // CAPSTAN_PLUGINS_GITHUB_ACTIONS_API_URL=... or ..._OWNER=... alone enables it.
  enabledBy: ['apiUrl', 'owner'],
};

export default async function githubActionsPlugin(_app: FastifyInstance, opts: NativePluginOptions<GitHubActionsConfig>): Promise<void> {
  opts.host.add(new GitHubActionsPlugin(opts.config, opts.logger, opts.host.dataDir));
}
