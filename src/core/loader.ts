/**
 * PluginLoader: discovers plugins/native/<id>/index.ts (index.js when compiled), decides enabled/disabled
 * from config, validates each plugin's config against its manifest's schema, and registers it as an
 * encapsulated Fastify plugin that
 * hands a BasePlugin to the IntegrationManager.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import { validateConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { Errors } from './errors.js';
import type { PluginHelpers } from './helpers-api.js';
import type { IntegrationManager } from './integration-manager.js';
import type { BasePlugin, PluginManifest } from './types.js';

/** What a plugin's Fastify plugin receives: only its own deps. */
export interface NativePluginOptions<C = Record<string, unknown>> {
  /** `plugins.<id>` validated against the manifest's configSchema, defaults filled, frozen. */
  config: C;
  logger: Logger;
  host: PluginHost;
  /** Opt-in helpers: caches, retry, circuit breaker, execution logger. */
  helpers: PluginHelpers;
}

/** The plugin's way into the core: add its BasePlugin (capabilities are registered from it). */
export interface PluginHost {
  add(plugin: BasePlugin): void;
  /** Capstan's data directory, for plugins that keep files. */
  dataDir: string;
}

/** A plugin module: what plugins/native/<id>/index.ts exports. */
export interface PluginModule<C = any> {
  manifest: PluginManifest;
  default: FastifyPluginAsync<NativePluginOptions<C>>;
}

const COMMON_KEYS = ['enabled', 'priority', 'required'];

/**
 * The entry file of a plugin folder: compiled `index.js` when this loader runs compiled (`npm start` runs
 * dist/, built by scripts/build.mjs), `index.ts` under tsx (tests, `npm run dev`); the other one as fallback.
 */
const ENTRY_NAMES = import.meta.url.endsWith('.ts') ? ['index.ts', 'index.js'] : ['index.js', 'index.ts'];

/** Imports every plugins/native/<id>/index.ts, or index.js when compiled (sorted by id). */
export async function discoverPlugins(dir: string): Promise<PluginModule[]> {
  const root = resolve(dir);
  if (!existsSync(root)) return [];
  const ids = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const out: PluginModule[] = [];
  for (const id of ids) {
    const entry = ENTRY_NAMES.map((name) => join(root, id, name)).find((f) => existsSync(f));
    if (!entry) continue;
    const mod = (await import(pathToFileURL(entry).href)) as PluginModule;
    if (!mod.manifest || typeof mod.default !== 'function') {
      throw new Errors.PluginMisuse(`${entry} must export \`manifest\` and a default Fastify plugin.`);
    }
    if (mod.manifest.id !== id) throw new Errors.PluginMisuse(`plugin folder '${id}' declares id '${mod.manifest.id}'.`);
    out.push(mod);
  }
  return out;
}

/** Registers enabled plugins; disabled ones are listed as such. */
export async function registerPlugins(app: FastifyInstance, modules: PluginModule[], config: Readonly<Config>, integrations: IntegrationManager, helpers: PluginHelpers): Promise<void> {
  for (const mod of modules) {
    const { manifest } = mod;
    const raw = (config.plugins[manifest.id] ?? {}) as Record<string, unknown>;
    const enabled = (raw.enabled as boolean | undefined)
      ?? ((manifest.enabledBy ?? []).some((k) => raw[k] !== undefined) || manifest.enabledByDefault);
    if (!enabled) {
      integrations.addInactive(manifest, 'disabled');
      continue;
    }
    const own = Object.fromEntries(Object.entries(raw).filter(([k]) => !COMMON_KEYS.includes(k)));
    const pluginConfig = validateConfig(manifest.configSchema, own, `plugins.${manifest.id}`);
    const logger = app.log.child({ plugin: manifest.id }) as unknown as Logger;
    const host: PluginHost = {
      dataDir: config.dataDir,
      add: (plugin) => {
        if (plugin.metadata.name !== manifest.id) throw new Errors.PluginMisuse(`plugin '${manifest.id}' added a BasePlugin named '${plugin.metadata.name}'.`);
        if (raw.required !== undefined) (plugin.metadata as { required?: boolean }).required = raw.required as boolean;
        integrations.add(plugin, manifest, raw.priority as number | undefined);
      },
    };
    // Encapsulated on purpose (no fastify-plugin): a plugin's hooks stay inside its own context.
    await app.register(mod.default, { config: pluginConfig, logger, host, helpers });
  }
}
