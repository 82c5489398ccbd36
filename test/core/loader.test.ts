/**
 * PluginLoader: discovery of <dir>/<id>/index.ts, enabled/disabled from config, per-plugin config validated
 * against the manifest's schema, and config overrides (priority, required) seen through the API.
 */
import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Type } from '@sinclair/typebox';
import { inventoryList } from '../../src/capabilities/index.js';
import { PROJECT_ROOT, buildApp } from '../../src/app.js';
import { CapstanError } from '../../src/core/errors.js';
import { discoverPlugins } from '../../src/core/loader.js';
import { implement } from '../../src/core/types.js';
import { buildTestApp, tempDir, testConfig } from '../helper.js';
import { fakeModule, nodes, FakePlugin, manifestOf } from './fixtures/fake-plugins.js';

const TYPES_URL = new URL('../../src/core/types.js', import.meta.url).href;
const CAPS_URL = new URL('../../src/capabilities/index.js', import.meta.url).href;
const TYPEBOX_URL = import.meta.resolve('@sinclair/typebox');

/** Source of a native plugin folder's index.ts providing inventory.list with one node named `<id>-node`. */
function pluginSource(id: string, opts: { manifestId?: string; enabledByDefault?: boolean } = {}): string {
  return `
import { Type } from '${TYPEBOX_URL}';
import { BasePlugin, implement } from '${TYPES_URL}';
import { inventoryList } from '${CAPS_URL}';

export const manifest = {
  id: '${opts.manifestId ?? id}',
  version: '0.0.1',
  description: 'written by loader.test.ts',
  provides: ['inventory.list'],
  configSchema: Type.Object({ greeting: Type.String({ default: 'hi' }) }, { additionalProperties: false }),
  enabledByDefault: ${opts.enabledByDefault ?? true},
};

class P extends BasePlugin {
  readonly metadata = { name: '${id}', version: '0.0.1', description: 'd', integrationTypes: ['inventory' as const] };
  capabilities() {
    return [implement(inventoryList, async () => ({ nodes: [{ id: '${id}-node', name: '${id}-node', groups: [], sources: [{ source: '${id}', id: '${id}-node' }] }] }))];
  }
}

export default async function plugin(_app: unknown, opts: { host: { add(p: BasePlugin): void } }) {
  opts.host.add(new P());
}
`;
}

/** A plugins dir holding the given folders (`null` = a folder without index.ts). */
function pluginsDir(folders: Record<string, string | null>): string {
  const dir = tempDir('capstan-plugins-');
  for (const [name, source] of Object.entries(folders)) {
    mkdirSync(join(dir, name));
    if (source === null) writeFileSync(join(dir, name, 'README.md'), 'not a plugin\n');
    else writeFileSync(join(dir, name, 'index.ts'), source);
  }
  writeFileSync(join(dir, 'stray.ts'), 'export const x = 1;\n');
  // Outside the project the nearest package.json is gone: say ESM, as the project's own package.json does.
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  return dir;
}

t.test('discoverPlugins imports each <id>/index.ts, sorted, skipping folders without one', async (t) => {
  const dir = pluginsDir({ zulu: pluginSource('zulu'), alpha: pluginSource('alpha'), docs: null });
  const mods = await discoverPlugins(dir);
  t.same(mods.map((m) => m.manifest.id), ['alpha', 'zulu'], 'both plugins, sorted by id; docs/ and stray files ignored');
  for (const m of mods) {
    t.type(m.default, 'function', `${m.manifest.id} exports a default plugin`);
    t.same(m.manifest.provides, ['inventory.list']);
  }
  t.same(await discoverPlugins(join(dir, 'does-not-exist')), [], 'a missing dir means no plugins');
});

t.test('a folder whose manifest id differs from its name is PluginMisuse', async (t) => {
  const dir = pluginsDir({ good: pluginSource('good'), wrong: pluginSource('wrong', { manifestId: 'other' }) });
  await t.rejects(discoverPlugins(dir), { code: 'CAPSTAN_ERR_PLUGIN_MISUSE', message: /folder 'wrong' declares id 'other'/ });

  const bare = pluginsDir({ bare: 'export const nothing = 1;\n' });
  await t.rejects(discoverPlugins(bare), { code: 'CAPSTAN_ERR_PLUGIN_MISUSE', message: /must export `manifest`/ }, 'an index.ts without manifest/default');
});

t.test('buildApp discovers plugins from config.pluginsDir (relative to the project root)', async (t) => {
  const dir = pluginsDir({ alpha: pluginSource('alpha'), beta: pluginSource('beta'), off: pluginSource('off', { enabledByDefault: false }) });
  const app = await buildTestApp(t, { pluginsDir: relative(PROJECT_ROOT, dir) });
  const list = (await app.inject({ url: '/api/v1/plugins' })).json();
  t.same(list.items.map((p: { name: string; state: string }) => [p.name, p.state]), [['alpha', 'ready'], ['beta', 'ready'], ['off', 'disabled']]);
  const res = await app.inject({ method: 'POST', url: '/api/v1/capabilities/inventory.list/invoke', payload: {} });
  t.equal(res.statusCode, 200);
  t.equal(res.json().provider, 'alpha', 'equal priority: the alphabetically first plugin answers');
});

t.test('buildApp with an absolute pluginsDir', async (t) => {
  const dir = pluginsDir({ alpha: pluginSource('alpha') });
  const app = await buildTestApp(t, { pluginsDir: dir });
  const list = (await app.inject({ url: '/api/v1/plugins' })).json();
  // BUG src/app.ts (buildApp): join(PROJECT_ROOT, config.pluginsDir) makes /tmp/x into /work/main/tmp/x, so an
  // absolute pluginsDir silently discovers nothing. resolve(PROJECT_ROOT, config.pluginsDir) would honour both.
  t.same(list.items.map((p: { name: string }) => p.name), ['alpha'], 'the absolute directory is the one searched', {
  });
});

t.test('enabled / disabled by config', async (t) => {
  const app = await buildTestApp(t, { plugins: { x: { enabled: false }, y: { enabled: true } } }, {
    plugins: [
      fakeModule({ id: 'x', capabilities: [implement(inventoryList, async () => nodes('x'))] }),
      fakeModule({ id: 'y', enabledByDefault: false }),
      fakeModule({ id: 'z', enabledByDefault: false }),
      fakeModule({ id: 'w' }),
    ],
  });
  const res = await app.inject({ url: '/api/v1/plugins' });
  t.equal(res.statusCode, 200);
  const states = Object.fromEntries(res.json().items.map((p: { name: string; state: string }) => [p.name, p.state]));
  t.same(states, { w: 'ready', x: 'disabled', y: 'ready', z: 'disabled' }, 'config beats enabledByDefault both ways');
  const x = (await app.inject({ url: '/api/v1/plugins/x' })).json();
  t.same(x.capabilities, [], 'a disabled plugin provides nothing');
  const inv = await app.inject({ method: 'POST', url: '/api/v1/capabilities/inventory.list/invoke', payload: {} });
  t.equal(inv.statusCode, 501, "a disabled plugin's capability has no provider: 501 (no enabled plugin provides it)");
});

t.test('plugin config: validated against the manifest schema, defaults filled, common keys removed', async (t) => {
  const schema = Type.Object({
    inventoryFile: Type.String({ minLength: 1 }),
    retries: Type.Integer({ default: 3, minimum: 0 }),
  }, { additionalProperties: false });
  let seen: Record<string, unknown> | undefined;
  await buildTestApp(t, { plugins: { cfg: { enabled: true, priority: 60, required: false, inventoryFile: '/etc/hosts.yaml' } } }, {
    plugins: [fakeModule({ id: 'cfg', configSchema: schema, onConfig: (c) => { seen = c; } })],
  });
  t.same(seen, { inventoryFile: '/etc/hosts.yaml', retries: 3 }, 'the plugin sees its own keys with defaults');
  t.ok(Object.isFrozen(seen), 'and frozen');

  for (const [label, bad, pointer] of [
    // A number would be converted to a string (config values from env are strings): use a list.
    ['wrong type', { inventoryFile: ['/a', '/b'] }, '/inventoryFile'],
    ['below minimum', { inventoryFile: '/x', retries: -1 }, '/retries'],
    ['missing key', {}, '/inventoryFile'],
    ['unknown key', { inventoryFile: '/x', invetoryFile: '/y' }, 'invetoryFile'],
  ] as const) {
    const dir = tempDir();
    const err = await buildApp(testConfig(dir, { plugins: { cfg: bad as Record<string, unknown> } }), {
      plugins: [fakeModule({ id: 'cfg', configSchema: schema })],
    }).then(() => undefined, (e: unknown) => e);
    t.ok(err instanceof CapstanError, `${label}: buildApp rejects`);
    t.equal((err as CapstanError).code, 'CAPSTAN_ERR_CONFIG_INVALID', `${label}: CAPSTAN_ERR_CONFIG_INVALID`);
    t.match((err as CapstanError).message, /plugins\.cfg/, `${label}: names the plugin`);
    t.match(JSON.stringify((err as CapstanError).extra.errors) + (err as CapstanError).message, pointer, `${label}: names the key`);
  }

  const disabled = await buildTestApp(t, { plugins: { cfg: { enabled: false, inventoryFile: 42 } } }, {
    plugins: [fakeModule({ id: 'cfg', configSchema: schema })],
  });
  t.equal(disabled.integrations.get('cfg')?.state, 'disabled', "a disabled plugin's config is not validated");
});

t.test('config priority overrides the plugin priority in GET /api/v1/capabilities and routing', async (t) => {
  const app = await buildTestApp(t, { plugins: { low: { priority: 99 } } }, {
    plugins: [
      fakeModule({ id: 'high', capabilities: [implement(inventoryList, async () => nodes('high', 'h'), { priority: 80 })] }),
      fakeModule({ id: 'low', capabilities: [implement(inventoryList, async () => nodes('low', 'l'), { priority: 10 })] }),
    ],
  });
  const cap = (await app.inject({ url: '/api/v1/capabilities/inventory.list' })).json();
  t.same(cap.providers, [
    { plugin: 'low', priority: 99, available: true },
    { plugin: 'high', priority: 80, available: true },
  ], 'providers by priority, config value applied');
  const list = (await app.inject({ url: '/api/v1/capabilities?provided=true' })).json();
  // The core provides journal.* (its stored journal) and alert.subscribe (source `capstan`) in every server, and
  // package.* (source `packages`, through script.execute providers: none here, so it is not available).
  t.same(list.items.map((c: { name: string }) => c.name), ['alert.subscribe', 'inventory.list', 'journal.list', 'journal.note', 'journal.stream',
    'package.install', 'package.list', 'package.search', 'package.uninstall', 'package.update'], '?provided=true keeps capabilities with a provider');
  const inventoryListCap = list.items.find((c: { name: string }) => c.name === 'inventory.list');
  t.same(inventoryListCap.providers.map((p: { plugin: string; priority: number }) => [p.plugin, p.priority]), [['low', 99], ['high', 80]]);
  const plugin = (await app.inject({ url: '/api/v1/plugins/low' })).json();
  t.same(plugin.capabilities, [{ name: 'inventory.list', priority: 99 }]);
  const inv = (await app.inject({ method: 'POST', url: '/api/v1/capabilities/inventory.list/invoke', payload: {} })).json();
  t.equal(inv.provider, 'low', 'routing follows the configured priority');
});

t.test('config `required` is applied to the plugin', async (t) => {
  const app = await buildTestApp(t, { plugins: { must: { required: true } } }, { plugins: [fakeModule({ id: 'must' }), fakeModule({ id: 'may' })] });
  t.equal(app.integrations.get('must')?.required, true);
  t.equal(app.integrations.get('may')?.required, false);
});

t.test('a plugin adding a BasePlugin under another name is PluginMisuse', async (t) => {
  const impostor = {
    manifest: manifestOf({ id: 'real' }),
    default: async (_app: unknown, opts: { host: { add(p: FakePlugin): void } }) => opts.host.add(new FakePlugin({ id: 'fake' })),
  };
  const err = await buildApp(testConfig(tempDir()), { plugins: [impostor as never] }).then(() => undefined, (e: unknown) => e);
  t.equal((err as CapstanError | undefined)?.code, 'CAPSTAN_ERR_PLUGIN_MISUSE');
  t.match((err as Error).message, /plugin 'real' added a BasePlugin named 'fake'/);

  const undeclared = fakeModule({ id: 'sneaky', provides: [], capabilities: [implement(inventoryList, async () => nodes('s'))] });
  const err2 = await buildApp(testConfig(tempDir()), { plugins: [undeclared] }).then(() => undefined, (e: unknown) => e);
  t.equal((err2 as CapstanError | undefined)?.code, 'CAPSTAN_ERR_PLUGIN_MISUSE', 'a capability not in provides fails the boot');
});
